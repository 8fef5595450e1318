// The Mailboxes panel (#8) as a student uses it: the server-side truth beside the terminal,
// updated when mail is delivered over SMTP typed by hand and when IMAP flags a message; a
// message full of HTML shows its characters and runs nothing; axe-core finds nothing in the
// light and the dark theme; screenshots of both go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { serveDist, launch, openLab, screenshot, ROOT, ARTIFACTS } from './harness.mjs';

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

const terminal = (page) => page.locator('.terminals [role="tabpanel"]:not([hidden])');
const mailboxes = (page) => page.locator('#panel-mailboxes');
const rows = (page) => mailboxes(page).locator('.mbx-rows [role="row"]');

/** The message list as "number uid flags | subject" lines. */
async function listed(page) {
  return rows(page).evaluateAll((trs) => trs.map((tr) => {
    const cells = tr.querySelectorAll('[role="gridcell"]');
    const flags = [...tr.querySelectorAll('.flag')].map((f) => f.textContent).join(' ');
    return `${cells[0].textContent} ${cells[1].textContent} ${flags} | ${tr.querySelector('.open').textContent}`;
  }));
}

async function typeLines(page, lines) {
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
}

async function openMailboxes(page) {
  await page.getByRole('tab', { name: 'Mailboxes' }).click();
  await mailboxes(page).getByLabel('Mailbox of').waitFor();
}

async function axe(page) {
  await page.addScriptTag({ path: join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

const SEED = [
  '1 1 new | Crepes on Friday?',
  '2 2 new | Welcome to your hamburger.edu mailbox',
];

test('the panel follows an SMTP delivery typed by hand and an IMAP flag change', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await openMailboxes(page);
  assert.equal(await mailboxes(page).getByLabel('Mailbox of').inputValue() !== '', true);
  assert.deepEqual(await listed(page), SEED, "bob's INBOX, as mail.hamburger.edu stores it");

  await terminal(page).getByLabel('Terminal input').click();
  await typeLines(page, [
    'telnet mail.hamburger.edu 25',
    'HELO crepes.fr',
    'MAIL FROM:<alice@crepes.fr>',
    'RCPT TO:<bob@hamburger.edu>',
    'DATA',
    'From: Alice <alice@crepes.fr>',
    'Subject: Typed by hand',
    '',
    'Straight into the MX.',
    '.',
  ]);
  await terminal(page).getByText(/^250 .*queued|^250 /).last().waitFor();
  await rows(page).nth(2).waitFor();
  assert.deepEqual(await listed(page), [...SEED, '3 3 new | Typed by hand']);
  await typeLines(page, ['QUIT']);
  await terminal(page).getByText('Connection closed by foreign host.').waitFor();

  // The IMAP user agent flags message 1: its session selects INBOX, claiming \Recent.
  await typeLines(page, ['imap bob flag 1 flagged']);
  await mailboxes(page).locator('.flag', { hasText: '\\Flagged' }).waitFor();
  assert.deepEqual(await listed(page), [
    '1 1 \\Flagged | Crepes on Friday?',
    '2 2  | Welcome to your hamburger.edu mailbox',
    '3 3  | Typed by hand',
  ]);
  await mailboxes(page).getByRole('button', { name: 'Typed by hand' }).click();
  await mailboxes(page).locator('.mail-text', { hasText: 'Straight into the MX.' }).waitFor();
  await screenshot(page, 'mailboxes-light.png');

  // STORE typed by hand in a second terminal; the panel shows it as the reply arrives.
  await page.keyboard.press('Alt+KeyT');
  await typeLines(page, ['telnet mail.hamburger.edu 143', 'a1 LOGIN bob hungry', 'a2 SELECT INBOX',
    'a3 STORE 3 +FLAGS (\\Deleted)']);
  await terminal(page).getByText('a3 OK STORE completed').waitFor();
  await mailboxes(page).locator('.mbx-row.deleted').waitFor();
  await typeLines(page, ['a4 EXPUNGE']);
  await terminal(page).getByText('a4 OK EXPUNGE completed').waitFor();
  await rows(page).nth(2).waitFor({ state: 'detached' });
  assert.equal(await rows(page).count(), 2, 'the expunged message left the list');
  assert.match(await mailboxes(page).locator('.card.hint').innerText(), /Choose a message/,
    'the message shown is gone, and the panel says what to do');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a hostile HTML message shows its characters and runs nothing', async () => {
  const { page, errors } = await openLab(browser, server.url);
  const subject = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">';
  await terminal(page).getByLabel('Terminal input').click();
  await typeLines(page, [
    'telnet mail.hamburger.edu 25',
    'HELO crepes.fr',
    'MAIL FROM:<mallory@crepes.fr>',
    'RCPT TO:<bob@hamburger.edu>',
    'DATA',
    'From: "<b>Mallory</b>" <mallory@crepes.fr>',
    `Subject: ${subject}`,
    'Content-Type: text/html; charset=us-ascii',
    '',
    '<script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1">',
    '.',
    'QUIT',
  ]);
  await terminal(page).getByText('Connection closed by foreign host.').waitFor();
  await openMailboxes(page);
  const open = mailboxes(page).locator('.open').last();
  assert.equal(await open.innerText(), subject, 'the subject is its characters');
  await open.click();
  await mailboxes(page).locator('.mail-text').waitFor();
  assert.equal(await mailboxes(page).locator('.mail-text').innerText(),
    '<script>window.__pwned=1</script>\n<img src=x onerror="window.__pwned=1">');
  assert.match(await mailboxes(page).locator('.summary').innerText(), /<b>Mallory<\/b>/);
  for (const aspect of ['Header fields', 'MIME tree', 'Raw']) {
    await mailboxes(page).getByRole('button', { name: aspect }).click();
  }
  assert.match(await mailboxes(page).locator('.raw').innerText(), /^<img src=x onerror="window.__pwned=1">$/m);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran, no onerror fired');
  assert.equal(await page.locator('#panel-mailboxes script, #panel-mailboxes img, #panel-mailboxes b').count(), 0,
    'no element came from the message');
  await screenshot(page, 'mailboxes-hostile.png');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds nothing with the panel open, ${scheme} theme`, async () => {
    const { page, errors } = await openLab(browser, server.url, { colorScheme: scheme });
    const switchButton = page.getByRole('button', { name: 'Dark theme' });
    assert.equal(await switchButton.getAttribute('aria-pressed'), scheme === 'dark' ? 'true' : 'false',
      'the page follows the system until the reader chooses');
    await page.evaluate(() => window.mailLab.exec('pop3 fetch bob --client laptop --keep'));
    await openMailboxes(page);
    await mailboxes(page).getByRole('button', { name: 'Crepes on Friday?' }).click();
    await mailboxes(page).getByRole('button', { name: 'Header fields' }).click();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: fields`);
    await mailboxes(page).getByRole('button', { name: 'MIME tree' }).click();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: MIME tree`);
    await mailboxes(page).getByRole('button', { name: 'Raw' }).click();
    await mailboxes(page).getByLabel(/Show line ends/).check();
    await mailboxes(page).locator('.raw .eol').first().waitFor();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: raw`);
    await screenshot(page, `mailboxes-raw-${scheme}.png`);
    await mailboxes(page).getByLabel('Mailbox of').selectOption({ label: 'bob@hamburger.edu on laptop' });
    await mailboxes(page).locator('.mbx-banner.agent').waitFor();
    await mailboxes(page).getByRole('button', { name: 'Welcome to your hamburger.edu mailbox' }).click();
    await mailboxes(page).getByRole('button', { name: 'Text' }).click();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: a user agent's mailbox`);
    await screenshot(page, `mailboxes-agent-${scheme}.png`);
    await page.getByRole('tab', { name: 'Start' }).click();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: the Start panel`);
    await screenshot(page, `start-${scheme}.png`);

    // The switch flips the theme and the page remembers it.
    await switchButton.click();
    const flipped = scheme === 'dark' ? 'light' : 'dark';
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), flipped);
    await page.reload();
    await page.waitForSelector('[data-ready="true"]');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), flipped);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a 10,000-message INBOX is drawn a window at a time, and the keyboard reaches every message', async () => {
  const { page, errors } = await openLab(browser, server.url);
  // IMAP COPY doubles bob's INBOX (2, 4, … 8192), then 1,808 more: 10,000 messages.
  await page.evaluate(() => {
    for (let i = 0; i < 12; i++) window.mailLab.exec('imap bob copy 1:* INBOX');
    window.mailLab.exec('imap bob copy 1:1808 INBOX');
  });
  // Showing the panel is one render; time it up to the first task after it (the median of
  // seven, after a first one that warms up).
  const ms = await page.evaluate(async () => {
    const after = () => new Promise((ok) => { const c = new MessageChannel(); c.port1.onmessage = ok; c.port2.postMessage(0); });
    const times = [];
    for (let i = 0; i < 8; i++) {
      document.querySelector('#panel-tab-start').click();
      await after();
      const t = performance.now();
      document.querySelector('#panel-tab-mailboxes').click();
      await after();
      times.push(performance.now() - t);
    }
    return times.slice(1).sort((a, b) => a - b)[3];
  });
  console.log(`the Mailboxes panel with 10,000 messages renders in ${ms.toFixed(1)} ms (median)`);
  assert.ok(ms < 100, `a render costs about the same whatever the mailbox holds (${ms.toFixed(1)} ms)`);
  const grid = mailboxes(page).getByRole('grid', { name: 'Messages, 10000' });
  assert.equal(await grid.getAttribute('aria-rowcount'), '10001');
  const drawn = () => grid.locator('.mbx-rows [role="row"]').evaluateAll((rs) => rs.map((r) => +r.getAttribute('aria-rowindex')));
  let indexes = await drawn();
  assert.ok(indexes.length < 40, `${indexes.length} rows drawn of 10,000`);
  assert.deepEqual(indexes.slice(0, 3), [2, 3, 4]);

  // The wheel (or a drag of the scroll bar) to the middle: the rows there are drawn instead.
  const list = mailboxes(page).locator('.mbx-list');
  const rowHeight = await grid.locator('.mbx-rows [role="row"]').first().evaluate((r) => r.offsetHeight);
  await list.evaluate((el, top) => { el.scrollTop = top; }, rowHeight * 6000);
  await grid.locator('[aria-rowindex="6002"]').waitFor();
  indexes = await drawn();
  assert.ok(indexes.length < 40 && !indexes.includes(2), `${indexes[0]}…${indexes.at(-1)}`);

  // Tab into the list: one stop, the first row in view; the keys move, Enter opens.
  const number = () => page.evaluate(() => document.activeElement.closest('[role="row"]')?.querySelector('.c-num')?.textContent);
  await grid.locator('.open[tabindex="0"]').focus();
  assert.equal(await number(), '6001');
  for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await number(), '6026', 'a held arrow key never outruns the rows drawn');
  await page.keyboard.press('End');
  await grid.locator('[aria-rowindex="10001"] .open:focus').waitFor();
  assert.equal(await number(), '10000');
  await page.keyboard.press('Home');
  await grid.locator('[aria-rowindex="2"] .open:focus').waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await mailboxes(page).getByRole('heading', { name: /^UID 2 in INBOX of bob/ }).waitFor();
  assert.equal(await grid.locator('.mbx-row.current').getAttribute('aria-rowindex'), '3');
  const ring = await grid.locator('.mbx-row.current').evaluate((r) => getComputedStyle(r).outlineStyle);
  assert.equal(ring, 'solid', 'the focused row shows the focus ring');
  assert.equal(await list.evaluate((el) => el.scrollWidth - el.clientWidth), 0, 'the list never scrolls sideways');
  await screenshot(page, 'mailboxes-10000-light.png');
  assert.deepEqual(await axe(page), [], 'axe-core: the grid');
  assert.deepEqual(errors, []);
  await page.close();
});

test('on a phone the panels stack under the terminal, and the page does not scroll sideways', async () => {
  const { page, errors } = await openLab(browser, server.url, { viewport: { width: 390, height: 844 } });
  await openMailboxes(page);
  const terminalBox = await page.locator('.terminals').boundingBox();
  const panelBox = await page.locator('.panels').boundingBox();
  assert.ok(panelBox.y >= terminalBox.y + terminalBox.height, 'the panels come after the terminal');
  // A long subject: ellipsized in the list, whole in the message.
  const long = 'A subject far too long for one row of a phone, about the crepes on Friday evening';
  await page.evaluate((s) => window.mailLab.exec(`login alice\nmail -s "${s}" bob@hamburger.edu\nHi\n.`), long);
  await mailboxes(page).getByRole('button', { name: long }).waitFor();
  const list = mailboxes(page).locator('.mbx-list');
  assert.equal(await list.evaluate((el) => el.scrollWidth - el.clientWidth), 0, 'the message list does not scroll sideways');
  const subject = mailboxes(page).getByRole('button', { name: long });
  assert.deepEqual(await subject.evaluate((b) => [getComputedStyle(b).textOverflow, getComputedStyle(b).whiteSpace, b.scrollWidth > b.clientWidth]),
    ['ellipsis', 'nowrap', true], 'cut with an ellipsis, not broken across lines');
  const rowHeights = await mailboxes(page).locator('.mbx-rows [role="row"]').evaluateAll((rs) => new Set(rs.map((r) => r.offsetHeight)).size);
  assert.equal(rowHeights, 1, 'every row has the same height');
  await subject.click();
  assert.match(await mailboxes(page).locator('.summary').innerText(), new RegExp(long));
  await mailboxes(page).getByRole('button', { name: 'Crepes on Friday?' }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling of the page (overflow ${overflow}px)`);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'mailboxes-phone.png'), fullPage: true });
  for (const aspect of ['Header fields', 'MIME tree', 'Raw']) {
    await mailboxes(page).getByRole('button', { name: aspect }).click();
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${aspect}: no sideways scrolling of the page (overflow ${wide}px)`);
  }
  await mailboxes(page).locator('.message').screenshot({ path: join(ARTIFACTS, 'message-raw-phone.png') });
  assert.deepEqual(errors, []);
  await page.close();
});
