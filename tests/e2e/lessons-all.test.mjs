// Lessons 2, 3, 4, 6, 7, 8 and 9 (#9) followed in the page as a student does: started from the
// Lesson panel, every line typed into the terminal with the keyboard, each step's checks turning
// from "Not yet" to "Done" in order until the lesson is complete; and in each a wrong action that
// leaves a check "Not yet", with what is missing said from the world and a hint that points the
// way. Lessons 1 and 5 are in lessons.test.mjs. Lesson 2 waits for a relay retry: Playwright's
// clock moves the page's Date (the world's clock follows it) instead of a real minute passing.
// Each test has a page of its own (a fresh browser context). Screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openLab, screenshot } from './harness.mjs';
import {
  terminal, panel, typeLines, checks, startFromPanel, completeStep, stepDone, follow, notYet,
  hintSays, assertComplete,
} from './student.mjs';

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

/** Waits until the terminal shown has printed `text` (the latest such line, if several). */
const said = (page, text) => terminal(page).getByText(text).last().waitFor({ timeout: 5000 });

/** Waits until the terminal's output has `count` lines that are exactly `line`. */
async function saidTimes(page, line, count) {
  await page.waitForFunction(([l, n]) =>
    window.mailLab.output().split('\n').filter((x) => x === l).length === n, [line, count]);
}

const HELLO = [
  'telnet mail.hamburger.edu 25',
  'HELO crepes.fr',
  'MAIL FROM:<alice@crepes.fr>',
  'RCPT TO:<bob@hamburger.edu>',
  'DATA',
];
const ENVELOPE = ['MAIL FROM:<alice@crepes.fr>', 'RCPT TO:<bob@hamburger.edu>', 'DATA'];

test("lesson 2, the two-step path: relayed, deferred while Bob's server is down, delivered by the retry on the page's clock", async () => {
  const { page, errors } = await openLab(browser, server.url, { clock: true });
  await startFromPanel(page, '2. The two-step path');
  await completeStep(page, 0, 3,
    ['login alice', 'mail -s "Lunch" bob@hamburger.edu', 'Shall we have lunch at noon?', '.']);
  // What the step says to read: the user agent's session with port 587, then the relay.
  await said(page, "alice's user agent → mail.crepes.fr:587 (submission)");
  await said(page, 'relay mail.crepes.fr → mail.hamburger.edu: <bob@hamburger.edu> delivered');

  await completeStep(page, 1, 3, [
    'host down mail.hamburger.edu', 'mail -s "Are you there?" bob@hamburger.edu', 'Hello?', '.',
  ]);
  await said(page, 'relay mail.crepes.fr → mail.hamburger.edu: not reached: no route to host');

  // Impatient: Bob's server is up, but the retry has not come yet. The message is still queued.
  await typeLines(page, ['host up mail.hamburger.edu', 'mailq']);
  await said(page, '1 message queued.');
  assert.deepEqual(await notYet(page, 'The retry delivered it',
    '1 delivered relays from mail.crepes.fr to mail.hamburger.edu (of 2 tries); the step needs at least 2'),
  ['Not yet: fail', 'Not yet: fail']);
  await notYet(page, "Bob's INBOX has it",
    'bob@hamburger.edu\'s INBOX has no message with Subject containing "Are you there" yet');
  await hintSays(page, 'the retry comes a minute after the first try');
  // The Network panel says when the next attempt is due: within the minute.
  await page.getByRole('tab', { name: 'Network' }).click();
  const queued = page.locator('#panel-network').getByText(/In mail\.crepes\.fr's queue since .*; 1 attempt so far; next attempt .* \(in (\d+ s|1 min)\)\./);
  await queued.waitFor({ timeout: 5000 });

  // A minute passes on the page's clock; its heartbeat moves the world, the queue retries, and
  // the step completes with nothing typed.
  await page.getByRole('tab', { name: 'Lesson' }).click();
  await page.clock.fastForward('01:00');
  await stepDone(page, 2, 3);
  await assertComplete(page, 'two-servers', 'The two-step path');
  await typeLines(page, ['mailq', 'mailbox bob@hamburger.edu']);
  await said(page, 'Mail queues are empty.');
  await said(page, 'INBOX of bob on mail.hamburger.edu: 4 messages');
  await screenshot(page, 'lesson-2-done.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 2, a student slower than the first retry: it fails while the server is down, and the next comes 5 minutes later, as the step says', async () => {
  const { page, errors } = await openLab(browser, server.url, { clock: true });
  await startFromPanel(page, '2. The two-step path');
  await completeStep(page, 0, 3, ['login alice', 'mail -s "Lunch" bob@hamburger.edu', 'Lunch?', '.']);
  await completeStep(page, 1, 3,
    ['host down mail.hamburger.edu', 'mail -s "Are you there?" bob@hamburger.edu', 'Hello?', '.']);
  // 70 seconds go by before the student types host up: the first retry found the server down.
  await page.clock.fastForward('01:10');
  await typeLines(page, ['host up mail.hamburger.edu']);
  await said(page, 'mail.hamburger.edu is up');
  await page.getByRole('tab', { name: 'Network' }).click();
  await page.locator('#panel-network')
    .getByText(/; 2 attempts so far; next attempt .* \(in (5 min|4 min \d+ s)\)\./).waitFor({ timeout: 5000 });
  await page.getByRole('tab', { name: 'Lesson' }).click();
  // A minute after host up: no retry yet, and the panel says so.
  await page.clock.fastForward('01:01');
  await typeLines(page, ['mailq']);
  await said(page, '1 message queued.');
  await notYet(page, 'The retry delivered it',
    '1 delivered relays from mail.crepes.fr to mail.hamburger.edu (of 3 tries); the step needs at least 2');
  await hintSays(page, '5 minutes later if that minute passed while the server was still down');
  // Five minutes after the failed retry, the next one delivers.
  await page.clock.fastForward('04:00');
  await stepDone(page, 2, 3);
  await assertComplete(page, 'two-servers', 'The two-step path');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 3, header lines and the envelope: the Queen\'s From line, the blank line, a user agent\'s fields', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '3. Header lines and the envelope');
  await completeStep(page, 0, 3, [...HELLO,
    'From: The Queen of Hearts <queen@wonderland.example>', 'To: bob@hamburger.edu', 'Subject: Tarts',
    '', 'Who stole the tarts?', '.']);
  // What the step says `show mail.hamburger.edu bob 3` shows: the envelope sender, the From line.
  await typeLines(page, ['QUIT', 'show mail.hamburger.edu bob 3']);
  await said(page, 'Return-Path: <alice@crepes.fr>');
  await said(page, 'From: The Queen of Hearts <queen@wonderland.example>');
  await completeStep(page, 1, 3, ['telnet mail.hamburger.edu 25', 'HELO crepes.fr', ...ENVELOPE,
    'Subject: Pickles', '', 'Subject: this line is body text', '.', 'QUIT']);
  await completeStep(page, 2, 3, ['login alice', 'mail -s "Fields" bob@hamburger.edu', 'Hello Bob', '.']);
  await assertComplete(page, 'message-format', 'Header lines and the envelope');
  await typeLines(page, ['show mail.hamburger.edu bob 5']);
  await said(page, 'Subject: Fields');
  await said(page, /^Message-ID: <.*@crepes\.fr>$/);
  await screenshot(page, 'lesson-3-done.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 3, a wrong action: no From line, so the Queen is nowhere in the header', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '3. Header lines and the envelope');
  await typeLines(page, [...HELLO, 'Subject: Tarts', '', 'Who stole the tarts?', '.']);
  assert.deepEqual(await notYet(page, "Its From line is the Queen's",
    'bob@hamburger.edu\'s INBOX has no message with Subject containing "Tarts" with From containing "queen@wonderland.example" yet'),
  ['Done: pass', 'Not yet: fail', 'Done: pass']);
  await hintSays(page, 'The header lines come right after DATA, one field a line: Name: value');
  // Following the hint, in the same session, completes the step.
  await typeLines(page, [...ENVELOPE, 'From: The Queen of Hearts <queen@wonderland.example>',
    'Subject: Tarts', '', 'Who stole the tarts?', '.']);
  await stepDone(page, 0, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 4, CRLF.CRLF, dot-stuffing and 7-bit: a stuffed dot, a refused 8-bit body, a user agent that encodes', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '4. CRLF.CRLF, dot-stuffing and 7-bit ASCII');
  await completeStep(page, 0, 3, [...HELLO, 'Ketchup or', '..pickles', '.']);
  await completeStep(page, 1, 3, [...ENVELOPE, 'Les crêpes sont prêtes', '.', 'QUIT']);
  await said(page, '554 5.6.0 8-bit content needs BODY=8BITMIME');
  await completeStep(page, 2, 3, [
    'login alice', 'mail -s "Crêpes à la française" bob@hamburger.edu', 'Les crêpes sont prêtes !', '.',
  ]);
  await assertComplete(page, 'dot-and-7bit', 'CRLF.CRLF, dot-stuffing and 7-bit ASCII');
  // The octets, as the step says `show mail.hamburger.edu bob 4` shows them.
  await typeLines(page, ['show mail.hamburger.edu bob 4']);
  await said(page, 'Les cr=C3=AApes sont pr=C3=AAtes !');
  await said(page, /^Subject: =\?UTF-8\?/);
  await screenshot(page, 'lesson-4-done.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 4, a wrong action: a line starting with a dot not stuffed loses its dot', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '4. CRLF.CRLF, dot-stuffing and 7-bit ASCII');
  await typeLines(page, [...HELLO, 'Ketchup or', '.pickles', '.']);
  await said(page, '250 2.0.0 OK: queued as');
  await notYet(page, 'Bob\'s INBOX has a message with a line ".pickles"',
    'bob@hamburger.edu\'s INBOX has no message whose text contains ".pickles" yet');
  await hintSays(page, 'Type the line as ..pickles (two dots): the server removes the first one.');
  await typeLines(page, [...ENVELOPE, 'Ketchup or', '..pickles', '.']);
  await stepDone(page, 0, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 6, download-and-delete or keep: a wrong start, the lesson started again, then laptop, phone and desktop', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '6. Download-and-delete, download-and-keep');
  // Download-and-delete on the laptop first: the server keeps nothing.
  await typeLines(page, ['pop3 fetch bob --client laptop --delete']);
  assert.deepEqual(await notYet(page, 'They are still on the server',
    "bob@hamburger.edu's INBOX has no message yet"), ['Done: pass', 'Not yet: fail']);
  await hintSays(page, 'pop3 fetch bob --client laptop --keep');
  // Starting the lesson again puts the world back.
  await startFromPanel(page, '6. Download-and-delete, download-and-keep');
  await saidTimes(page, "The world is back at the start of the scenario 'textbook'.", 2);
  await completeStep(page, 0, 4, ['pop3 fetch bob --client laptop --keep']);
  await typeLines(page, ['pop3 local bob --client laptop']);
  await said(page, 'bob@hamburger.edu on laptop: 2 messages in the local mailbox');
  // The step's second fetch on the laptop skips what it has (UIDL).
  await completeStep(page, 1, 4, ['pop3 fetch bob --client phone --keep', 'pop3 fetch bob --client laptop']);
  await said(page, 'laptop: 0 messages downloaded, 0 deleted on the server, 2 already here and skipped');
  await completeStep(page, 2, 4, ['pop3 fetch bob --client desktop --delete']);
  await completeStep(page, 3, 4, ['login alice', 'mail -s "Dinner" bob@hamburger.edu', 'Crepes tonight?', '.',
    'pop3 fetch bob --client desktop --delete']);
  await assertComplete(page, 'delete-or-keep', 'Download-and-delete, download-and-keep');
  await screenshot(page, 'lesson-6-done.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 7, IMAP folders: a folder created with the wrong case stays red, then Recipes, move, flag, another session', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '7. IMAP: folders and state on the server');
  await completeStep(page, 0, 4, ['imap bob folders']);
  // Mailbox names are compared exactly (only INBOX ignores case, RFC 3501 §5.1).
  await typeLines(page, ['imap bob create recipes']);
  await said(page, 'A002 OK CREATE completed');
  await notYet(page, 'Bob has a folder Recipes', 'bob@hamburger.edu has no folder Recipes yet');
  await hintSays(page, 'imap bob create Recipes');
  await completeStep(page, 1, 4, ['imap bob create Recipes']);
  await completeStep(page, 2, 4, ['imap bob move 1 Recipes', 'imap bob flag 1 flagged --in Recipes']);
  await completeStep(page, 3, 4, ['telnet mail.hamburger.edu 143', 'a1 LOGIN bob hungry', 'a2 SELECT Recipes',
    'a3 FETCH 1 (FLAGS ENVELOPE)', 'a4 LOGOUT']);
  await said(page, /^\* 1 FETCH \(FLAGS \(\\Flagged\) ENVELOPE \(.*"Crepes on Friday\?"/);
  await assertComplete(page, 'imap-folders', 'IMAP: folders and state on the server');
  await screenshot(page, 'lesson-7-done.png');
  assert.deepEqual(errors, []);
  await page.close();
});

const MULTIPART = (contentType) => [
  'MIME-Version: 1.0', 'Subject: Two objects', contentType, '',
  '--sep', 'Content-Type: text/plain', '', 'Here is the picture.',
  '--sep', 'Content-Type: image/gif', 'Content-Transfer-Encoding: base64', '', 'R0lGODlhAQABAAAAACw=',
  '--sep--', '.',
];

test('lesson 8, SMTP push and HTTP pull: pushed, pulled, and a multipart typed by hand (its boundary first forgotten)', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '8. SMTP push, HTTP pull');
  await completeStep(page, 0, 3, ['login alice', 'mail -s "Push" bob@hamburger.edu', 'Pushed to you.', '.']);
  await completeStep(page, 1, 3, ['pop3 fetch bob --client laptop']);
  // The boundary parameter forgotten: a multipart, but of one part.
  await typeLines(page, [...HELLO, ...MULTIPART('Content-Type: multipart/mixed')]);
  await said(page, '250 2.0.0 OK: queued as');
  assert.deepEqual(await notYet(page, 'It carries two objects',
    'bob@hamburger.edu\'s INBOX has no message with Subject containing "Two objects" with at least 2 parts yet'),
  ['Done: pass', 'Not yet: fail']);
  await hintSays(page, 'The boundary lines are -- then the boundary');
  await typeLines(page, [...ENVELOPE, ...MULTIPART('Content-Type: multipart/mixed; boundary="sep"'), 'QUIT']);
  await stepDone(page, 2, 3);
  await assertComplete(page, 'push-and-pull', 'SMTP push, HTTP pull');
  await screenshot(page, 'lesson-8-done.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('lesson 9, persistent connections: two connections of one message are not it; two messages in one session are', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await startFromPanel(page, '9. Persistent connections');
  await completeStep(page, 0, 3, [...HELLO, 'Subject: One', '', 'First message.', '.']);
  // QUIT, then a new connection for the second message: each session carried one.
  await typeLines(page, ['QUIT', ...HELLO, 'Subject: Two', '', 'Second message.', '.']);
  await said(page, '250 2.0.0 OK: queued as');
  assert.deepEqual(await notYet(page, 'One session carried two messages',
    'session #2 carried 1 message(s); the step needs at least 2'), ['Not yet: fail', 'Done: pass']);
  await hintSays(page, 'in the same telnet session');
  // As the hint says: another transaction in the same session.
  await completeStep(page, 1, 3, [...ENVELOPE, 'Subject: Two', '', 'Second message, same connection.', '.']);
  await completeStep(page, 2, 3, ['QUIT']);
  await assertComplete(page, 'persistent-smtp', 'Persistent connections');
  // As the step says: `sessions` lists the connection, its transcript has both messages.
  await typeLines(page, ['sessions', 'transcript 2']);
  await said(page, /^#2 .*mail\.hamburger\.edu:25 \(smtp\)/);
  const sent = terminal(page).locator('.line.sent .text');
  await sent.filter({ hasText: /^\S+ Second message\.$/ }).waitFor({ timeout: 5000 });
  await sent.filter({ hasText: /^\S+ Second message, same connection\.$/ }).waitFor({ timeout: 5000 });
  await screenshot(page, 'lesson-9-done.png');
  assert.deepEqual(errors, []);
  await page.close();
});
