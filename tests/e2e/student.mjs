// A student following a lesson in the page (#9): starts it from the Lesson panel, types into the
// terminal with the keyboard, reads the panel's checks — "Done" / "Not yet", and for a check not
// yet passed what the world shows is missing — and opens the step's hints. Shared by the lesson
// tests; nothing here knows any one lesson.
import assert from 'node:assert/strict';

/** The terminal shown. */
export const terminal = (page) => page.locator('.terminals [role="tabpanel"]:not([hidden])');
/** The Lesson panel. */
export const panel = (page) => page.locator('#panel-lesson');

/** Types each line into the terminal shown and presses Enter, as a student does. */
export async function typeLines(page, lines) {
  await terminal(page).getByLabel('Terminal input').click();
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
}

/** The current step's checks as "Done: pass" / "Not yet: fail" (the words and the class). */
export async function checks(page) {
  return panel(page).locator('.check').evaluateAll((lis) => lis.map((li) =>
    `${li.querySelector('.check-state').textContent}${li.classList.contains('pass') ? 'pass' : 'fail'}`));
}

/** Opens the Lesson tab and starts the lesson whose button reads `title` ("2. The two-step path"). */
export async function startFromPanel(page, title) {
  await page.getByRole('tab', { name: 'Lesson' }).click();
  await panel(page).getByRole('button', { name: new RegExp(title) }).click();
  await panel(page).locator('.lesson-title').filter({ hasText: title.replace(/^\d+\. /, '') }).waitFor();
}

/** Step i (from 0) of `total`: it is shown with a red check; after `lines` the next shows. */
export async function completeStep(page, i, total, lines) {
  const step = panel(page).locator('.lesson-step');
  assert.match(await step.innerText(), new RegExp(`^Step ${i + 1} of ${total}:`));
  const before = await checks(page);
  assert.ok(before.some((c) => c.startsWith('Not yet: ')), `step ${i + 1} has a red check first: ${before}`);
  await typeLines(page, lines);
  await stepDone(page, i, total);
}

/** Waits until step i (from 0) of `total` is done: the panel moved on and the terminal said so. */
export async function stepDone(page, i, total) {
  const next = i + 1 === total ? /^✔ Complete: all \d+ steps done\.$/ : new RegExp(`^Step ${i + 2} of ${total}:`);
  await panel(page).locator('.lesson-step').filter({ hasText: next }).waitFor({ timeout: 5000 });
  await terminal(page).getByText(`✔ Step ${i + 1} of ${total} complete`).waitFor();
}

/** Completes every step in turn, `steps[i]` the lines of step i. */
export async function follow(page, steps) {
  for (const [i, lines] of steps.entries()) await completeStep(page, i, steps.length, lines);
}

/**
 * Waits until the check labelled `label` is "Not yet" and says exactly `why` (what the world
 * shows is missing), visibly; returns the states of all the step's checks.
 */
export async function notYet(page, label, why) {
  const check = panel(page).locator('.check.fail').filter({ hasText: label });
  const reason = check.locator('.check-why');
  await reason.filter({ hasText: why }).waitFor({ timeout: 5000 });
  assert.equal((await check.locator('.check-state').innerText()).trim(), 'Not yet:');
  assert.equal(await reason.innerText(), why);
  assert.ok(await reason.isVisible(), `the reason for '${label}' is shown`);
  return checks(page);
}

/** Opens the step's hints (if closed) and asserts one of them says `words`, visibly. */
export async function hintSays(page, words) {
  const hints = panel(page).locator('details.lesson-hints');
  if (!(await hints.evaluate((d) => d.open))) await hints.locator('summary').click();
  const hint = hints.locator('li').filter({ hasText: words });
  await hint.waitFor({ timeout: 5000 });
  assert.ok(await hint.isVisible(), `the hint '${words}' is shown`);
}

/** Asserts the lesson is complete, in the panel and in window.mailLab.lesson(). */
export async function assertComplete(page, name, title) {
  await terminal(page).getByText(`✔ Lesson complete: ${title}.`).waitFor();
  const done = await page.evaluate(() => window.mailLab.lesson());
  assert.equal(done.lesson, name);
  assert.equal(done.complete, true);
}
