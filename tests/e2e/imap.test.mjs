// IMAP in the browser (#6): one terminal speaks IMAP by hand and waits in IDLE; from another,
// alice sends bob mail; the idling terminal is told "* 3 EXISTS" without typing, and its tab
// shows the unread mark. Then the `imap` user agent reads the new message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openLab, screenshot } from './harness.mjs';

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

const panel = (page) => page.locator('[role="tabpanel"]:not([hidden])');
const log = (page) => panel(page).locator('[role="log"]');
const tab = (page, n) => page.getByRole('tab', { name: new RegExp(`^Terminal ${n}\\b`) });

async function typeLines(page, lines) {
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
}

test('IDLE in one terminal sees mail sent from another', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await panel(page).getByLabel('Terminal input').click();
  await typeLines(page, ['telnet mail.hamburger.edu 143', 'a1 LOGIN bob hungry', 'a2 SELECT INBOX']);
  await log(page).getByText('a2 OK [READ-WRITE] SELECT completed').waitFor();
  await typeLines(page, ['a3 IDLE']);
  await log(page).getByText('+ idling').waitFor();

  await page.keyboard.press('Alt+KeyT');
  await tab(page, 2).and(page.locator('[aria-selected="true"]')).waitFor();
  await typeLines(page, ['login alice', 'mail -s "Crepes tonight" bob@hamburger.edu', 'The batter is ready.', '.']);
  await log(page).getByText(/relayed|delivered/i).first().waitFor();
  await tab(page, 1).and(page.locator('.unread')).waitFor();
  await screenshot(page, 'imap-idle-unread.png');

  await tab(page, 1).click();
  await log(page).getByText('* 3 EXISTS').waitFor();
  const lines = (await log(page).innerText()).split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => l.endsWith('+ idling'));
  assert.ok(at >= 0, lines.join('\n'));
  // Each line carries its spoken prefix ("server:") before the text.
  const told = lines.slice(at + 1, at + 3).map((l) => l.slice(l.indexOf('* ')));
  assert.deepEqual(told, ['* 3 EXISTS', '* 3 RECENT'], 'told at once, in order, after IDLE began');
  await panel(page).getByLabel('Terminal input').click();
  await typeLines(page, ['DONE']);
  await log(page).getByText('a3 OK IDLE terminated').waitFor();
  await screenshot(page, 'imap-idle.png');

  // The user agent: every line shown, then the message as a reader sees it.
  await page.keyboard.press('Alt+KeyT');
  await typeLines(page, ['imap bob read 3']);
  await log(page).getByText('Subject: Crepes tonight').last().waitFor();
  await log(page).getByText('The batter is ready.').last().waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
