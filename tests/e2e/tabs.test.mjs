// Terminal tabs (#6), as a student uses them: two terminals on one world, opened with the
// keyboard and with the mouse; POP3's maildrop lock shows that their sessions meet; a hidden
// terminal that receives output gets an unread mark; the tabbed page passes axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

const panel = (page) => page.locator('[role="tabpanel"]:not([hidden])');
const log = (page) => panel(page).locator('[role="log"]');
const tab = (page, n) => page.getByRole('tab', { name: new RegExp(`^Terminal ${n}\\b`) });

/** The tabs as "Terminal 1*" (selected) or "Terminal 2!" (unread), in order. */
async function tabState(page) {
  return page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab').evaluateAll((tabs) => tabs.map((t) =>
    t.querySelector('.tab-name').textContent
      + (t.getAttribute('aria-selected') === 'true' ? '*' : '')
      + (t.classList.contains('unread') ? '!' : '')));
}

/** The id of the panel the focused element is in ('' if none). */
async function focusedPanel(page) {
  return page.evaluate(() => document.activeElement?.closest('[role="tabpanel"]')?.id ?? '');
}

async function typeLines(page, lines) {
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

test('two terminals on one world: the POP3 maildrop lock, the unread mark, axe', async () => {
  const { page, errors } = await openLab(browser, server.url);
  assert.deepEqual(await tabState(page), ['Terminal 1*']);
  await panel(page).getByLabel('Terminal input').click();
  await typeLines(page, ['telnet mail.hamburger.edu 110', 'user bob', 'pass hungry']);
  await log(page).getByText(/^\+OK maildrop locked and ready/).waitFor();

  // A second terminal with the keyboard: Alt+T, and the focus is in its input.
  await page.keyboard.press('Alt+KeyT');
  await tab(page, 2).and(page.locator('[aria-selected="true"]')).waitFor();
  assert.deepEqual(await tabState(page), ['Terminal 1', 'Terminal 2*']);
  assert.equal(await focusedPanel(page), 'terminal-panel-2');
  assert.match(await tab(page, 1).innerText(), /mail\.hamburger\.edu:110/, 'tab 1 says where it is connected');
  await typeLines(page, ['telnet mail.hamburger.edu 110', 'user bob', 'pass hungry']);
  await log(page).getByText(/^-ERR \[IN-USE\]/).waitFor();
  await screenshot(page, 'tabs-in-use.png');

  // Back to terminal 1 with Alt+1: QUIT there releases the lock.
  await page.keyboard.press('Alt+Digit1');
  assert.deepEqual(await tabState(page), ['Terminal 1*', 'Terminal 2']);
  assert.equal(await focusedPanel(page), 'terminal-panel-1');
  assert.equal(await log(page).getByText('-ERR [IN-USE]').count(), 0, 'terminal 1 has its own log');
  await typeLines(page, ['quit']);
  await log(page).getByText('Connection closed by foreign host.').waitFor();

  // With the mouse: terminal 2's tab, then its input; now it can log in.
  await tab(page, 2).click();
  assert.deepEqual(await tabState(page), ['Terminal 1', 'Terminal 2*']);
  await panel(page).getByLabel('Terminal input').click();
  await typeLines(page, ['user bob', 'pass hungry']);
  await log(page).getByText(/^\+OK maildrop locked and ready/).waitFor();

  // A third terminal with the mouse ("+"); a reset typed there ends terminal 2's session
  // while it is hidden, and its tab says so.
  await page.getByRole('button', { name: 'New terminal' }).click();
  assert.deepEqual(await tabState(page), ['Terminal 1', 'Terminal 2', 'Terminal 3*']);
  assert.equal(await focusedPanel(page), 'terminal-panel-3');
  await typeLines(page, ['reset']);
  await log(page).getByText('The world is back to its starting state').waitFor();
  assert.deepEqual(await tabState(page), ['Terminal 1', 'Terminal 2!', 'Terminal 3*']);
  assert.match(await tab(page, 2).getAttribute('class'), /\bunread\b/);
  assert.match(await tab(page, 2).innerText(), /^Terminal 2/);
  const path = await screenshot(page, 'tabs.png');
  assert.ok(path.endsWith('tabs.png'));

  const violations = await axe(page);
  assert.deepEqual(violations, [], 'axe-core finds nothing on the tabbed page');

  await tab(page, 2).click();
  assert.deepEqual(await tabState(page), ['Terminal 1', 'Terminal 2*', 'Terminal 3']);
  await log(page).getByText('Connection closed: the world was reset.').waitFor();

  // The tab list is one stop for Tab; arrows move within it; × closes with the mouse.
  await tab(page, 2).focus();
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await tabState(page), ['Terminal 1', 'Terminal 2', 'Terminal 3*']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'terminal-tab-3');
  await tab(page, 3).locator('.tab-close').click();
  assert.deepEqual(await tabState(page), ['Terminal 1', 'Terminal 2*']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('window.mailLab drives a chosen terminal; the active one by default', async () => {
  const { page, errors } = await openLab(browser, server.url);
  const opened = await page.evaluate(() => window.mailLab.openTerminal());
  assert.equal(opened, 2);
  const greeting = await page.evaluate(() => window.mailLab.exec('telnet mail.hamburger.edu 110', 1));
  assert.match(greeting, /^\+OK POP3 server ready/m);
  assert.deepEqual(await tabState(page), ['Terminal 1!', 'Terminal 2*']);
  assert.match(await page.evaluate(() => window.mailLab.exec('date')), /\+0000$/, 'exec(line) runs in the terminal shown');
  assert.match(await page.evaluate(() => window.mailLab.output(2)), /lab\$ date/);
  assert.doesNotMatch(await page.evaluate(() => window.mailLab.output(1)), /lab\$ date/);
  assert.deepEqual(await page.evaluate(() => window.mailLab.terminals()), [
    { terminal: 1, label: '1 · mail.hamburger.edu:110', active: false, unread: true },
    { terminal: 2, label: '2', active: true, unread: false },
  ]);
  await page.evaluate(() => window.mailLab.selectTerminal(1));
  assert.deepEqual(await tabState(page), ['Terminal 1*', 'Terminal 2']);
  await assert.rejects(page.evaluate(() => window.mailLab.exec('date', 9)), /no terminal 9: the open ones are 1, 2/);
  await page.evaluate(() => window.mailLab.closeTerminal(1));
  assert.deepEqual(await tabState(page), ['Terminal 2*']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('each terminal keeps its scroll position, and a following log follows while hidden', async () => {
  const { page, errors } = await openLab(browser, server.url, { viewport: { width: 1280, height: 600 } });
  await page.evaluate(() => { for (let i = 0; i < 6; i++) window.mailLab.exec('help'); });
  await page.evaluate(() => window.mailLab.openTerminal());
  await page.evaluate(() => window.mailLab.selectTerminal(1));
  const scroll = () => log(page).evaluate((el) => ({ top: el.scrollTop, atEnd: el.scrollHeight - el.scrollTop - el.clientHeight < 10 }));
  assert.ok((await scroll()).atEnd, 'at the end of its output');
  await log(page).evaluate((el) => { el.scrollTop = 200; el.dispatchEvent(new Event('scroll')); });
  await page.evaluate(() => window.mailLab.selectTerminal(2));
  await page.evaluate(() => window.mailLab.selectTerminal(1));
  assert.equal((await scroll()).top, 200, 'the reading position survives a switch');

  await log(page).evaluate((el) => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); });
  await page.evaluate(() => window.mailLab.selectTerminal(2));
  await page.evaluate(() => window.mailLab.exec('help', 1));
  await page.evaluate(() => window.mailLab.selectTerminal(1));
  assert.ok((await scroll()).atEnd, 'output that arrived while hidden is in view');
  assert.deepEqual(errors, []);
  await page.close();
});

test('six terminals at most; on a phone the strip scrolls, the page does not', async () => {
  const { page, errors } = await openLab(browser, server.url, { viewport: { width: 390, height: 844 } });
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'New terminal' }).click();
  await page.evaluate(() => window.mailLab.exec('telnet mail.hamburger.edu 110', 2));
  // "+" now says it is unavailable (aria-disabled); Alt+T explains why.
  assert.equal(await page.getByRole('button', { name: 'New terminal' }).getAttribute('aria-disabled'), 'true');
  await page.keyboard.press('Alt+KeyT');
  await page.getByRole('status').getByText('At most 6 terminals: close one to open another.').waitFor();
  assert.equal(await page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab').count(), 6);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling of the page (overflow ${overflow}px)`);
  const inView = async (n) => {
    const list = await page.getByRole('tablist', { name: 'Terminals' }).boundingBox();
    const box = await tab(page, n).boundingBox();
    return box.x >= list.x - 1 && box.x + box.width <= list.x + list.width + 1;
  };
  assert.ok(await inView(6), 'the tab shown is scrolled into view');
  await page.locator('[role="tabpanel"]:not([hidden])').getByLabel('Terminal input').click();
  await page.keyboard.press('Alt+Digit1');
  assert.ok(await inView(1), 'and so is the first when Alt+1 shows it');
  await screenshot(page, 'tabs-phone.png');
  assert.deepEqual(errors, []);
  await page.close();
});
