// SMTP and POP3 in the browser, typed as a student types them: the seed slide's SMTP session by
// hand on port 25, then alice's user agent sending to bob through both servers, then bob's laptop
// fetching with POP3.
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

async function typeLines(page, lines) {
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
}

test('the seed slide SMTP session typed by hand delivers into bob\'s INBOX', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.getByLabel('Terminal input').click();
  await typeLines(page, [
    'telnet mail.hamburger.edu 25',
    'HELO crepes.fr',
    'MAIL FROM: <alice@crepes.fr>',
    'RCPT TO: <bob@hamburger.edu>',
    'DATA',
    'Do you like ketchup?',
    'How about pickles?',
    '.',
    'QUIT',
  ]);
  const log = page.locator('[role="log"]');
  await log.getByText('221 2.0.0 mail.hamburger.edu Service closing transmission channel').waitFor();
  const replies = await page.locator('.line.server .text').allInnerTexts();
  const codes = replies.map((r) => r.slice(0, 3));
  assert.deepEqual(codes.filter((c) => /^\d{3}$/.test(c)), ['220', '250', '250', '250', '354', '250', '221']);
  const inbox = await page.evaluate(() => window.mailLab.exec('mailbox bob@hamburger.edu'));
  assert.match(inbox, /^INBOX of bob on mail\.hamburger\.edu: 3 messages/m);
  assert.deepEqual(errors, []);
  await page.close();
});

test('alice mails bob through her server and his; bob\'s laptop fetches it with POP3', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.getByLabel('Terminal input').click();
  await typeLines(page, ['login alice', 'mail -s "Lunch" bob@hamburger.edu']);
  await page.locator('.inputline .prompt', { hasText: 'body>' }).waitFor();
  await typeLines(page, ['Crêpes at noon?', '.']);
  const log = page.locator('[role="log"]');
  await log.getByText(/relay mail\.crepes\.fr → mail\.hamburger\.edu: <bob@hamburger\.edu> delivered/).waitFor();
  assert.ok(await page.locator('.line.sent .text', { hasText: 'AUTH PLAIN' }).count() >= 1, 'the submission is shown');
  await screenshot(page, 'mail-alice-to-bob.png');
  const fetched = await page.evaluate(() => window.mailLab.exec('pop3 fetch bob --client laptop --delete'));
  assert.match(fetched, /^C: RETR 3$/m);
  assert.match(fetched, /^laptop: 3 messages downloaded, 3 deleted on the server/m);
  const relay = await page.evaluate(() => window.mailLab.exec('relaylog'));
  assert.match(relay, /^C: EHLO mail\.crepes\.fr$/m);
  assert.match(relay, /^C: Subject: Lunch$/m);
  assert.deepEqual(errors, []);
  await page.close();
});
