// Lessons (#9) as a student follows them: started from the Lesson panel, completed by typing
// into the terminal, the panel's checks turning from "Not yet" to "Done" step by step; a wrong
// action leaves a check red with a hint said from the world; window.mailLab.lesson() reports the
// same state. Screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launch, openLab, screenshot, ROOT } from './harness.mjs';
import { terminal, panel, typeLines, checks, startFromPanel, completeStep, follow } from './student.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('lesson 1, SMTP by hand: started from the panel, typed in the terminal, every check turns green', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '1. SMTP by hand');
  await terminal(page).getByText('Lesson 1: SMTP by hand').waitFor();
  assert.deepEqual(await checks(page), ['Not yet: fail']);
  assert.match(await panel(page).locator('.check-why').innerText(),
    /^there is no SMTP session to mail\.hamburger\.edu:25 typed in a terminal yet$/);
  // Hints are behind a disclosure, shown on request.
  const hint = panel(page).getByText('Type: telnet mail.hamburger.edu 25');
  assert.equal(await hint.isVisible(), false);
  await panel(page).getByText('Show a hint').click();
  assert.equal(await hint.isVisible(), true);

  await completeStep(page, 0, 5, ['telnet mail.hamburger.edu 25']);
  await completeStep(page, 1, 5, ['HELO crepes.fr']);
  // Step 3 half done: one check green, one red, both said in words.
  await typeLines(page, ['MAIL FROM:<alice@crepes.fr>']);
  await panel(page).locator('.check.pass').first().waitFor();
  assert.deepEqual(await checks(page), ['Done: pass', 'Not yet: fail']);
  const state = await page.evaluate(() => window.mailLab.lesson());
  assert.equal(state.lesson, 'smtp-by-hand');
  assert.equal(state.step, 3);
  assert.equal(state.steps, 5);
  assert.equal(state.complete, false);
  assert.deepEqual(state.checks.map((c) => c.passed), [true, false]);
  assert.match(state.checks[1].hint, /^session #1 has no answer to RCPT yet$/);
  await screenshot(page, 'lesson-smtp-step3.png');
  await completeStep(page, 2, 5, ['RCPT TO:<bob@hamburger.edu>']);
  await completeStep(page, 3, 5, ['DATA', 'Do you like ketchup?', 'How about pickles?', '.']);
  await completeStep(page, 4, 5, ['QUIT']);
  await terminal(page).getByText('✔ Lesson complete: SMTP by hand.').waitFor();
  const done = await page.evaluate(() => window.mailLab.lesson());
  assert.equal(done.complete, true);
  await screenshot(page, 'lesson-smtp-complete.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 5, POP3 by hand: typed as on the slide, every step completes in order', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '5. POP3 by hand');
  await follow(page, [
    ['telnet mail.hamburger.edu 110', 'user bob', 'pass hungry'],
    ['list'],
    ['retr 1', 'dele 1', 'retr 2', 'dele 2'],
    ['quit'],
  ]);
  assert.equal((await page.evaluate(() => window.mailLab.lesson())).complete, true);
  await screenshot(page, 'lesson-pop3-complete.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong action leaves a check red, with a hint said from the world', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '5. POP3 by hand');
  await typeLines(page, ['telnet mail.hamburger.edu 110', 'user bob', 'pass hungry', 'list', 'retr 1', 'dele 1', 'retr 2', 'dele 2']);
  await panel(page).locator('.lesson-step').filter({ hasText: /^Step 4 of 4: Quit$/ }).waitFor();
  // Ctrl-] instead of QUIT: the session never reaches UPDATE and nothing is removed (RFC 1939 §6).
  await page.keyboard.press('Control+BracketRight');
  await terminal(page).getByText('Connection closed.').waitFor();
  await typeLines(page, ['mailbox bob@hamburger.edu']);
  assert.deepEqual(await checks(page), ['Not yet: fail', 'Not yet: fail']);
  const why = await panel(page).locator('.check-why').allInnerTexts();
  assert.match(why[0], /^session #1 has not reached the state UPDATE \(it went AUTHORIZATION → TRANSACTION\)$/);
  assert.equal(why[1], "bob@hamburger.edu's INBOX still has 2 message(s); the step needs exactly 0");
  // The state is in words and a mark, not colour alone.
  const fail = panel(page).locator('.check.fail').first();
  assert.equal((await fail.locator('.check-state').innerText()).trim(), 'Not yet:');
  assert.equal(await fail.locator('.check-mark').getAttribute('aria-hidden'), 'true');
  await screenshot(page, 'lesson-pop3-wrong.png');
  // Stopping from the panel: the list stays, no lesson is followed.
  await panel(page).getByRole('button', { name: 'Stop the lesson' }).click();
  await terminal(page).getByText(/^Lesson stopped: POP3 by hand/).waitFor();
  assert.equal(await page.evaluate(() => window.mailLab.lesson()), null);
  assert.deepEqual(errors, []);
  await page.close();
});

for (const theme of ['light', 'dark']) {
  test(`axe-core finds nothing on the Lesson panel mid-step, hints open, ${theme} theme`, async () => {
    const { page, errors } = await openLab(browser, server.url, { colorScheme: theme });
    await startFromPanel(page, '1. SMTP by hand');
    await typeLines(page, ['telnet mail.hamburger.edu 25', 'HELO crepes.fr', 'MAIL FROM:<alice@crepes.fr>']);
    await panel(page).locator('.check.pass').first().waitFor();
    await panel(page).getByText('Show a hint').click();
    await page.addScriptTag({ path: join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      });
      return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    });
    assert.deepEqual(violations, []);
    await screenshot(page, `lesson-panel-${theme}.png`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
