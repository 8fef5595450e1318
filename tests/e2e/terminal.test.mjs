// The terminal page end to end, as a student uses it: real keyboard input into the Trunk-built
// site in headless Chromium.
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

test('help typed with the keyboard prints the help text', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await input(page).click();
  await page.keyboard.type('help');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(
    log(page).getByText('telnet HOST [PORT]').waitFor({ timeout: 5000 }),
  );
  const typed = page.locator('.line.input');
  assert.equal(await typed.locator('.prompt').innerText(), 'lab$');
  assert.equal(await typed.locator('.text').innerText(), 'help');
  // What a user copies from the log reads as the terminal shows it, a line per line.
  const text = await log(page).innerText();
  assert.match(text, /^\S*lab\$ help$/m, "prompt and command on one line");
  assert.match(text, /^\s*Ctrl-\]\s+close the open connection$/m);
  assert.deepEqual(errors, []);
  await page.close();
});

test('telnet to the echo port, a typed line, and Ctrl-] back to the lab', async () => {
  const { page, errors } = await openLab(browser, server.url);
  await input(page).click();
  await page.keyboard.type('telnet mail.hamburger.edu 7');
  await page.keyboard.press('Enter');
  await page.locator('.inputline .prompt', { hasText: 'mail.hamburger.edu:7>' }).waitFor();
  await page.keyboard.type('HELO crepes.fr');
  await page.keyboard.press('Enter');
  const replies = page.locator('.line.server');
  await replies.first().waitFor();
  assert.equal(await replies.count(), 1);
  assert.equal(await replies.first().locator('.text').innerText(), 'HELO crepes.fr');
  assert.equal(await page.locator('.line.client .text').innerText(), 'HELO crepes.fr');
  await screenshot(page, 'terminal-echo-session.png');
  await page.keyboard.press('Control+BracketRight');
  await log(page).getByText('Connection closed.').waitFor();
  assert.equal(await page.locator('.inputline .prompt').innerText(), 'lab$');
  assert.deepEqual(errors, []);
  await page.close();
});

test('window.mailLab runs a line, returns its output, and resets', async () => {
  const { page, errors } = await openLab(browser, server.url);
  const hosts = await page.evaluate(() => window.mailLab.exec('hosts'));
  assert.match(hosts, /^HOST\s+ADDRESS\s+STATE\s+PORTS$/m);
  assert.match(hosts, /^mail\.crepes\.fr\s+192\.0\.2\.10\s+up\s+7\/echo 13\/daytime 25\/smtp 110\/pop3 143\/imap 587\/submission$/m);
  const daytime = await page.evaluate(() => window.mailLab.exec('nc mail.crepes.fr 13'));
  assert.match(daytime, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/m);
  assert.match(await page.evaluate(() => window.mailLab.output()), /lab\$ hosts/);
  await log(page).getByText('7/echo 13/daytime').first().waitFor();
  await page.evaluate(() => window.mailLab.reset());
  const after = await page.evaluate(() => window.mailLab.output());
  assert.doesNotMatch(after, /lab\$ hosts/, 'reset starts a fresh lab');
  assert.deepEqual(errors, []);
  await page.close();
});

test('screenshots of the page after a short session, wide and phone-sized', async () => {
  const { page } = await openLab(browser, server.url);
  await input(page).click();
  for (const line of ['help', 'hosts', 'telnet mail.crepes.fr 13']) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await log(page).getByText('Connection closed by foreign host.').waitFor();
  const path = await screenshot(page, 'terminal.png');
  const png = await readFile(path);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  await page.close();

  const { page: phone } = await openLab(browser, server.url, { viewport: { width: 390, height: 844 } });
  await phone.evaluate(() => window.mailLab.exec('hosts'));
  await screenshot(phone, 'terminal-phone.png');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
  await phone.close();
});

test('the log follows new output, but stays put when the user scrolls up', async () => {
  const { page } = await openLab(browser, server.url, { viewport: { width: 1280, height: 600 } });
  for (let i = 0; i < 6; i++) await page.evaluate(() => window.mailLab.exec('help'));
  const atEnd = () => log(page).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 10);
  await page.waitForFunction(() => true);
  assert.ok(await atEnd(), 'new output scrolls into view');
  await log(page).evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); });
  await page.evaluate(() => window.mailLab.exec('hosts'));
  assert.equal(await log(page).evaluate((el) => el.scrollTop), 0, 'reading position kept');
  await page.close();
});

test('the page loads nothing but its own files', async () => {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url);
  await page.waitForSelector('[data-ready="true"]');
  assert.ok(requests.length >= 3, `html, js and wasm were fetched: ${requests}`);
  const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'no request leaves the lab');
  await page.close();
});
