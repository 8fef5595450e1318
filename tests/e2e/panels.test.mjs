// The Sessions, Network and Reference panels (#8) as a student uses them: a relay between two
// servers drawn as a sequence, copied and saved as text; the state view following a POP3
// session typed in the terminal through AUTHORIZATION → TRANSACTION → UPDATE; the network panel
// showing a message queued while bob's server is down and leaving the queue once it is up and
// the retry comes; axe-core clean in light and dark; screenshots of each panel in both themes
// (and on a phone) go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
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

const terminal = (page) => page.locator('.terminals [role="tabpanel"]:not([hidden])');
const panel = (page, id) => page.locator(`#panel-${id}`);

async function typeLines(page, lines) {
  await terminal(page).getByLabel('Terminal input').click();
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
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

/** The state diagram as "NAME:class" for each state, in order. */
async function phases(page) {
  return panel(page, 'sessions').locator('.phases .phase').evaluateAll((lis) => lis.map((li) =>
    `${li.querySelector('.phase-name').textContent}:${['current', 'passed', 'ahead'].find((c) => li.classList.contains(c))}`));
}

const SEND_TO_BOB = ['login alice', 'mail -s Hi bob@hamburger.edu', 'Hello Bob, from the lab.', '.'];

test('the transcript view shows the relay between the two servers; copy and save give the text', async () => {
  const { page, errors } = await openLab(browser, server.url, {
    permissions: ['clipboard-read', 'clipboard-write'],
    acceptDownloads: true,
  });
  await typeLines(page, SEND_TO_BOB);
  await terminal(page).getByText(/^A copy is in alice@crepes.fr's Sent folder/).waitFor();
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const relay = panel(page, 'sessions').getByRole('option', { name: /mail\.crepes\.fr → mail\.hamburger\.edu:25/ });
  await relay.click();
  assert.equal(await relay.getAttribute('aria-selected'), 'true');
  const seq = panel(page, 'sessions').locator('.sequence');
  assert.equal(await seq.locator('.seq-end.client strong').innerText(), 'mail.crepes.fr', "the sender's server is the client");
  assert.equal(await seq.locator('.seq-end.server strong').innerText(), 'mail.hamburger.edu:25', "the receiver's server");
  const lines = await seq.locator('.seq-line').evaluateAll((lis) => lis.map((li) =>
    `${li.classList.contains('c') ? '→' : '←'} ${li.querySelector('.seq-text').textContent}`));
  assert.match(lines[0], /^← 220 mail\.hamburger\.edu ESMTP/);
  assert.ok(lines.includes('→ EHLO mail.crepes.fr'), lines.join('\n'));
  assert.ok(lines.includes('→ RCPT TO:<bob@hamburger.edu>'));
  assert.ok(lines.includes('→ Hello Bob, from the lab.'));
  assert.ok(lines.some((l) => /^← 250 2\.0\.0 OK: queued as /.test(l)));
  assert.match(await seq.locator('.seq-time').first().innerText(), /^\d\d:\d\d:\d\d$/, "each line has the world's time");
  assert.deepEqual(await phases(page), ['greeting:passed', 'ready:current', 'envelope:passed', 'data:passed']);

  await seq.getByRole('button', { name: 'Copy as text' }).click();
  await seq.getByRole('status').filter({ hasText: /^Copied \d+ lines as text\.$/ }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const copiedLines = copied.split('\n');
  assert.match(copiedLines[0], /^Session #2: mail\.crepes\.fr -> mail\.hamburger\.edu:25 \(smtp\), opened \d\d:\d\d:\d\d; closed by the server at /);
  assert.match(copiedLines[1], /^\d\d:\d\d:\d\d S: 220 mail\.hamburger\.edu ESMTP/);
  assert.ok(copiedLines.some((l) => /^\d\d:\d\d:\d\d C: RCPT TO:<bob@hamburger\.edu>$/.test(l)), copied);

  const [download] = await Promise.all([page.waitForEvent('download'), seq.getByRole('button', { name: 'Save .txt' }).click()]);
  assert.equal(download.suggestedFilename(), 'session-2.txt');
  assert.equal(await readFile(await download.path(), 'utf8'), copied, 'the saved file is the copied text');
  assert.deepEqual(errors, []);
  await page.close();
});

test('without a clipboard, the text is shown selected to copy by hand', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.evaluate(() => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
  });
  await page.evaluate(() => window.mailLab.exec('nc mail.crepes.fr 13'));
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await panel(page, 'sessions').getByRole('button', { name: 'Copy as text' }).click();
  const area = panel(page, 'sessions').getByLabel('The transcript as text');
  await area.waitFor();
  assert.match(await area.inputValue(), /^Session #1: terminal 1 -> mail\.crepes\.fr:13 \(daytime\)/);
  assert.equal(await area.evaluate((el) => el === document.activeElement && el.selectionEnd - el.selectionStart === el.value.length), true,
    'focused and selected');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the state view follows a POP3 session typed in the terminal through its three states', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await typeLines(page, ['telnet mail.hamburger.edu 110']);
  await terminal(page).getByText(/^\+OK POP3 server ready/).waitFor();
  assert.equal(await panel(page, 'sessions').getByRole('button', { name: 'This terminal' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await phases(page), ['AUTHORIZATION:current', 'TRANSACTION:ahead', 'UPDATE:ahead']);
  const valid = () => panel(page, 'sessions').locator('.state .cmds li').allInnerTexts();
  assert.deepEqual(await valid(), ['USER', 'APOP', 'AUTH', 'CAPA', 'QUIT']);
  await typeLines(page, ['user bob']);
  await terminal(page).getByText('+OK send PASS').waitFor();
  assert.deepEqual(await valid(), ['PASS', 'QUIT'], 'after USER, PASS is what comes next');
  await typeLines(page, ['pass hungry']);
  await terminal(page).getByText(/^\+OK maildrop locked/).waitFor();
  assert.deepEqual(await phases(page), ['AUTHORIZATION:passed', 'TRANSACTION:current', 'UPDATE:ahead']);
  assert.ok((await valid()).includes('RETR'));
  await typeLines(page, ['list']);
  await terminal(page).getByText('2 912').waitFor();
  assert.ok((await panel(page, 'sessions').locator('.seq-text').allInnerTexts()).includes('2 912'), 'the new lines are drawn');
  await screenshot(page, 'sessions-pop3-light.png');
  await typeLines(page, ['quit']);
  await terminal(page).getByText('Connection closed by foreign host.').waitFor();
  assert.deepEqual(await phases(page), ['AUTHORIZATION:passed', 'TRANSACTION:passed', 'UPDATE:current']);
  assert.match(await panel(page, 'sessions').locator('.phase.current .phase-when').innerText(), /^ended here, /);
  assert.match(await panel(page, 'sessions').locator('.state').innerText(), /closed by the server at/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the network panel shows a message queued while the receiver is down, until a retry delivers it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.clock.install();
  await page.goto(server.url);
  await page.waitForSelector('[data-ready="true"]');
  await page.getByRole('tab', { name: 'Network' }).click();
  const network = panel(page, 'network');
  await typeLines(page, ['host down mail.hamburger.edu', ...SEND_TO_BOB]);
  await terminal(page).getByText(/not reached: no route to host/).waitFor();
  await network.getByRole('heading', { name: 'Relay queue (1)' }).waitFor();
  const queued = network.locator('.msgs').first().locator('.msg');
  assert.match(await queued.locator('.msg-head').innerText(), /alice@crepes\.fr → bob@hamburger\.edu/);
  assert.deepEqual(await queued.locator('.hop').evaluateAll((hops) => hops.map((h) =>
    `${h.querySelector('.hop-name').textContent}:${['passed', 'here', 'failed', 'ahead'].find((c) => h.classList.contains(c))}`)),
  ['alice@crepes.fr:passed', 'mail.crepes.fr:here', 'mail.hamburger.edu:ahead'], "waiting at the sender's server");
  assert.match(await queued.locator('.msg-facts').innerText(), /1 attempt so far; next attempt \d\d:\d\d:\d\d \(in [^)]+\)/);
  assert.equal(await network.locator('.host', { hasText: 'mail.hamburger.edu' }).locator('.badge').innerText(), 'down');
  await screenshot(page, 'network-queued-light.png');

  await typeLines(page, ['host up mail.hamburger.edu']);
  assert.equal(await network.getByRole('heading', { name: 'Relay queue (1)' }).count(), 1, 'not before the retry is due');
  await page.clock.fastForward('01:05');
  await network.getByRole('heading', { name: 'Relay queue (0)' }).waitFor();
  const newest = network.locator('.msgs .msg').first();
  assert.equal(await newest.locator('.badge').innerText(), 'delivered');
  assert.equal(await newest.locator('.hop.here .hop-name').innerText(), 'mail.hamburger.edu', "it reached the receiver's server");
  assert.deepEqual(errors, []);
  await page.close();
});

test('a hidden panel whose content changed is marked on its tab until it is shown', async () => {
  const { page, errors } = await openLab(browser, server.url);
  const tab = (name) => page.getByRole('tab', { name: new RegExp(`^${name}`) });
  const names = () => page.locator('.panel-tabs [role="tab"]').evaluateAll((ts) => ts.map((t) => t.textContent));
  assert.deepEqual(await names(), ['Start', 'Mailboxes', 'Sessions', 'Network', 'Reference', 'Lesson']);
  await typeLines(page, SEND_TO_BOB);
  await terminal(page).getByText(/^A copy is in alice@crepes.fr's Sent folder/).waitFor();
  assert.deepEqual(await names(), ['Start', 'Mailboxes, changed', 'Sessions, changed', 'Network', 'Reference', 'Lesson'],
    'mail delivered and new sessions: both tabs say so');
  assert.equal(await tab('Mailboxes').locator('.unread-mark').isVisible(), true, 'a mark the eye sees too');
  await page.locator('.panel-tabs').screenshot({ path: join(ROOT, 'artifacts', 'panel-tabs-changed.png') });
  await tab('Mailboxes').click();
  assert.deepEqual(await names(), ['Start', 'Mailboxes', 'Sessions, changed', 'Network', 'Reference', 'Lesson'], 'shown: cleared');
  await tab('Sessions').click();
  assert.deepEqual(await names(), ['Start', 'Mailboxes', 'Sessions', 'Network', 'Reference', 'Lesson']);
  // An IMAP flag change made while the Sessions panel is shown marks Mailboxes only.
  await typeLines(page, ['imap bob flag 1 flagged']);
  await terminal(page).getByText(/^Message 1 now has flags/).waitFor();
  assert.deepEqual(await names(), ['Start', 'Mailboxes, changed', 'Sessions', 'Network', 'Reference', 'Lesson']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a long transcript is drawn a page at a time, and every line can be reached', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await page.evaluate(() => {
    window.mailLab.exec('telnet mail.hamburger.edu 7');
    window.mailLab.exec(Array.from({ length: 600 }, (_, i) => `line ${i + 1}`).join('\n'));
  });
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const sessions = panel(page, 'sessions');
  const pages = sessions.getByRole('navigation', { name: 'Pages of the transcript' });
  const status = () => pages.locator('.hint').innerText();
  const texts = () => sessions.locator('.seq-text').allInnerTexts();
  assert.match(await status(), /^Lines 801–1200 of 1200 \(the latest/);
  assert.equal((await texts()).length, 400);
  await pages.getByRole('button', { name: 'First lines' }).click();
  assert.match(await status(), /^Lines 1–400 of 1200;/);
  assert.equal((await texts())[0], 'line 1');
  await pages.getByRole('button', { name: 'Later lines' }).click();
  assert.match(await status(), /^Lines 401–800 of 1200;/);
  await pages.getByRole('button', { name: 'Earlier lines' }).click();
  assert.equal((await texts())[0], 'line 1');
  await pages.getByRole('button', { name: 'Latest' }).click();
  assert.equal((await texts()).at(-1), 'line 600');
  assert.deepEqual(await axe(page), [], 'axe-core: the pages');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds nothing on the Sessions, Network and Reference panels, ${scheme} theme`, async () => {
    const { page, errors } = await openLab(browser, server.url, { colorScheme: scheme, viewport: { width: 1280, height: 1400 } });
    await typeLines(page, ['host down mail.hamburger.edu', ...SEND_TO_BOB, 'host up mail.hamburger.edu',
      'telnet mail.hamburger.edu 110', 'user bob', 'pass hungry']);
    await terminal(page).getByText(/^\+OK maildrop locked/).waitFor();

    await page.getByRole('tab', { name: 'Sessions' }).click();
    await panel(page, 'sessions').locator('.phase.current').waitFor();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: Sessions`);
    await screenshot(page, `sessions-${scheme}.png`);
    await panel(page, 'sessions').getByRole('option', { name: /^#\d+ alice's user agent → mail\.crepes\.fr:587/ }).click();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: Sessions, a finished session`);
    await screenshot(page, `sessions-submission-${scheme}.png`);

    await page.getByRole('tab', { name: 'Network' }).click();
    await panel(page, 'network').locator('.route').first().waitFor();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: Network`);
    await screenshot(page, `network-${scheme}.png`);

    await page.getByRole('tab', { name: 'Reference' }).click();
    await panel(page, 'reference').getByLabel('Search').fill('550');
    await panel(page, 'reference').getByRole('button', { name: 'SMTP' }).click();
    assert.deepEqual(await axe(page), [], `axe-core, ${scheme}: Reference`);
    await panel(page, 'reference').getByLabel('Search').fill('');
    await panel(page, 'reference').getByRole('button', { name: 'All' }).click();
    await screenshot(page, `reference-${scheme}.png`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('on a phone the panels stay readable: no sideways scrolling', async () => {
  const { page, errors } = await openLab(browser, server.url, { viewport: { width: 390, height: 844 } });
  await page.evaluate(() => window.mailLab.exec('login alice\nhost down mail.hamburger.edu\nmail -s Hi bob@hamburger.edu\nHello\n.\nhost up mail.hamburger.edu'));
  for (const [tab, file] of [['Start', 'start-phone.png'], ['Mailboxes', 'mailboxes-list-phone.png'],
    ['Sessions', 'sessions-phone.png'], ['Network', 'network-phone.png'], ['Reference', 'reference-phone.png']]) {
    await page.getByRole('tab', { name: tab }).click();
    await panel(page, tab.toLowerCase()).locator('.card').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${tab}: no sideways scrolling of the page (overflow ${overflow}px)`);
    await page.locator('.panels').screenshot({ path: join(ROOT, 'artifacts', file) });
  }
  const tabs = await page.locator('.panel-tabs [role="tab"]').evaluateAll((ts) => new Set(ts.map((t) => Math.round(t.getBoundingClientRect().top))).size);
  assert.equal(tabs, 1, 'the five panel tabs fit on one row');
  assert.deepEqual(errors, []);
  await page.close();
});
