// A big lab in the browser: a scenario with a generated mailbox loaded through
// window.mailLab.loadScenario, and a terminal holding 100,000 lines that draws only what is in
// view, follows new output, keeps the user's place when scrolled up, copies what is selected,
// and reads out only new output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, openLab, screenshot, ROOT } from './harness.mjs';

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

const log = (page) => page.locator('[role="log"]');
const input = (page) => page.getByLabel('Terminal input');

/** The textbook scenario with `count` generated messages in bob's INBOX. */
async function bigScenario(count) {
  const scenario = JSON.parse(await readFile(join(ROOT, 'scenarios', 'textbook.json'), 'utf8'));
  const bob = scenario.hosts.flatMap((h) => h.accounts).find((a) => a.user === 'bob');
  bob.generate = [{ mailbox: 'INBOX', count, seed: 7 }];
  scenario.name = 'big';
  return JSON.stringify(scenario);
}

test('loadScenario builds a world with a generated INBOX; bad JSON throws the reason', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.evaluate(() => window.mailLab.exec('hosts'));
  const json = await bigScenario(500);
  await page.evaluate((j) => window.mailLab.loadScenario(j), json);
  assert.doesNotMatch(await page.evaluate(() => window.mailLab.output()), /lab\$ hosts/,
    'a fresh terminal');
  const list = await page.evaluate(() => window.mailLab.exec(
    'telnet mail.hamburger.edu 110\nuser bob\npass hungry\nstat\n\u001d'));
  assert.match(list, /^\+OK 502 \d+$/m, 'the two listed messages and 500 generated');
  // The same seed gives the same mailbox: the same sizes after loading it again.
  await page.evaluate((j) => window.mailLab.loadScenario(j), json);
  const again = await page.evaluate(() => window.mailLab.exec(
    'telnet mail.hamburger.edu 110\nuser bob\npass hungry\nstat\n\u001d'));
  assert.equal(again.match(/^\+OK 502 \d+$/m)[0], list.match(/^\+OK 502 \d+$/m)[0]);
  // The shell's reset goes back to the loaded scenario.
  await page.evaluate(() => window.mailLab.exec('reset'));
  assert.match(await page.evaluate(() => window.mailLab.exec('mailbox mail.hamburger.edu bob')),
    /502 messages|\b502\b/);

  const thrown = await page.evaluate(() => {
    try { window.mailLab.loadScenario('{"format": "maillab-scenario",'); return null; }
    catch (e) { return { error: e instanceof Error, message: e.message }; }
  });
  assert.equal(thrown?.error, true);
  assert.match(thrown.message, /^not a valid scenario: .*line 1 column \d+/);
  const absurd = await page.evaluate(async (j) => {
    try { window.mailLab.loadScenario(j); return null; } catch (e) { return e.message; }
  }, json.replace('"count":500', '"count":100001'));
  assert.equal(absurd, 'the scenario asks for 100001 generated messages; at most 100000 in all');
  // A scenario that does not load leaves the lab as it was.
  assert.match(await page.evaluate(() => window.mailLab.exec('users')), /bob/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('100,000 lines: only the lines in view are drawn, typing still answers, copying works', async () => {
  const { page, errors } = await openLab(browser, server.url);
  // 50,010 lines to the echo service print 100,020 lines (what was sent and its echo).
  await page.evaluate(() => {
    const lines = Array.from({ length: 50010 }, (_, i) => `line ${i}`);
    window.mailLab.exec('nc mail.crepes.fr 7');
    window.mailLab.exec(lines.join('\n'));
    window.mailLab.exec('\u001d');
  });
  const total = await page.evaluate(() => window.mailLab.output().split('\n').length);
  assert.equal(total, 100000, 'the terminal keeps 100,000 lines');
  const first = await page.evaluate(() => window.mailLab.output().split('\n')[0]);
  assert.match(first, /^\(\d+ older lines dropped: a terminal keeps its last 100000 lines\)$/);

  // Following the end: the newest lines are drawn, and far fewer than 100,000 elements.
  await log(page).getByText('Connection closed.').waitFor();
  const drawn = await page.locator('.log .line').count();
  assert.ok(drawn > 20 && drawn < 300, `${drawn} lines drawn`);
  assert.equal(await page.locator('.log.windowed').count(), 1);
  const atEnd = await log(page).evaluate((l) => l.scrollTop + l.clientHeight >= l.scrollHeight - 8);
  assert.ok(atEnd, 'scrolled to the end');

  // Typing: a keystroke shows in the input and Enter prints the answer at the end, at once.
  await input(page).click();
  await page.keyboard.type('date');
  assert.equal(await input(page).inputValue(), 'date');
  await page.keyboard.press('Enter');
  await log(page).locator('.line.input .text', { hasText: /^date$/ }).last().waitFor();
  const spoken = await page.locator('[aria-live="polite"]').innerText();
  assert.match(spoken, /command: lab\$ date/);
  assert.ok(spoken.split('\n').filter(Boolean).length <= 3, `only the new output is read out: ${spoken}`);

  // Scrolled to the top: the note and the oldest kept lines are drawn; new output does not
  // move the view.
  await log(page).evaluate((l) => { l.scrollTop = 0; l.dispatchEvent(new Event('scroll')); });
  await log(page).getByText('older lines dropped').waitFor();
  await page.evaluate(() => window.mailLab.exec('hosts'));
  assert.equal(await log(page).evaluate((l) => l.scrollTop), 0, 'the view stays where the user is');
  assert.ok(await page.locator('.log .line').count() < 300);

  // The middle: the lines there are drawn as the view reaches them, and can be copied.
  const middle = await log(page).evaluate((l) => {
    l.scrollTop = 22 * 60000;
    l.dispatchEvent(new Event('scroll'));
    return l.scrollTop;
  });
  assert.ok(middle > 0);
  await page.waitForFunction(() => {
    const lines = [...document.querySelectorAll('.log .line .text')].map((t) => t.textContent);
    return lines.some((t) => t === 'line 30000');
  });
  const copied = await page.evaluate(() => {
    const texts = [...document.querySelectorAll('.log .line .text')];
    const from = texts.find((t) => t.textContent === 'line 30000');
    const to = texts.find((t) => t.textContent === 'line 30002');
    const range = document.createRange();
    range.setStart(from, 0);
    range.setEnd(to, 1);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString();
  });
  // Copied as the terminal reads: a line per line, prompts included, gutter marks and
  // spoken prefixes left out.
  assert.equal(copied, [
    'line 30000', 'line 30000', 'mail.crepes.fr:7> line 30001', 'line 30001',
    'mail.crepes.fr:7> line 30002',
  ].join('\n'));
  await screenshot(page, 'terminal-100k-lines.png');
  assert.deepEqual(errors, []);
  await page.close();
});
