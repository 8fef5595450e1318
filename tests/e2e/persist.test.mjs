// Persistence, export, import and share (#9), as a student and a teacher use them: mail sent,
// then a reload, and the mailbox and the terminal's history are still there; a damaged saved
// state gives a polite notice and a working lab (the damaged text kept aside); a full storage
// gives a notice, not a crash; export then import gives the same world, and a bad file changes
// nothing; a share link opens the same world in another browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, screenshot, ARTIFACTS, ROOT } from './harness.mjs';

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

const input = (page) => page.locator('[role="tabpanel"]:not([hidden])').getByLabel('Terminal input');

/** A fresh browser (its own storage), with the lab open and ready. */
async function fresh(url = server.url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  return { context, page, errors };
}

async function typeLines(page, lines) {
  await input(page).click();
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
}

const subjects = (page, host = 'mail.hamburger.edu', user = 'bob') =>
  page.evaluate(([h, u]) => window.mailLab.mailbox(h, u).map((m) => m.subject), [host, user]);

async function axe(page) {
  await page.addScriptTag({ path: join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

async function reload(page) {
  await page.reload();
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
}

test('mail sent, then a reload: the mailbox, the output and the history are still there', async () => {
  const { context, page, errors } = await fresh();
  await typeLines(page, ['login alice', 'mail -s "Before the reload" bob@hamburger.edu', 'Still here?', '.']);
  assert.ok((await subjects(page)).includes('Before the reload'));
  // A second terminal, with output of its own, comes back too (and without an unread mark).
  await page.evaluate(() => { window.mailLab.openTerminal(); window.mailLab.exec('date', 2); window.mailLab.selectTerminal(1); });
  await reload(page);
  assert.deepEqual(
    (await page.evaluate(() => window.mailLab.terminals())).map((t) => [t.terminal, t.active, t.unread]),
    [[1, true, false], [2, false, false]],
  );
  assert.match(await page.evaluate(() => window.mailLab.output(2)), /lab\$ date\n\w{3}, \d+ \w{3} \d{4}/);
  assert.ok((await subjects(page)).includes('Before the reload'), 'bob still has the mail');
  const output = await page.evaluate(() => window.mailLab.output());
  assert.match(output, /lab\$ mail -s "Before the reload" bob@hamburger\.edu/);
  // The history: Up brings back the lines typed before the reload, newest first.
  await input(page).click();
  await page.keyboard.press('ArrowUp');
  assert.equal(await input(page).inputValue(), '.');
  await page.keyboard.press('ArrowUp');
  assert.equal(await input(page).inputValue(), 'Still here?');
  // Still logged in as alice.
  assert.match(await page.evaluate(() => window.mailLab.exec('whoami')), /alice@crepes\.fr/);
  // A change saved by the clock-driven debounce (no reload to force it) survives too.
  await page.evaluate(() => window.mailLab.exec('host down mail.crepes.fr'));
  await page.waitForTimeout(1500);
  const fresh2 = await context.newPage();
  await fresh2.goto(server.url);
  await fresh2.waitForSelector('[data-ready="true"]');
  assert.match(await fresh2.evaluate(() => window.mailLab.exec('hosts')), /mail\.crepes\.fr\s+\S+\s+down/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a damaged saved state: a polite notice, a working lab, the text kept aside', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Any page of the lab's origin can reach its storage: put a damaged state there first.
  await page.goto(`${server.url}missing`);
  await page.evaluate(() => localStorage.setItem('maillab.lab', '{"format":"maillab-lab","version":1,"world":{'));
  await page.goto(server.url);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  const notice = page.getByRole('status').filter({ hasText: 'could not be restored' });
  await notice.waitFor();
  assert.match(await notice.textContent(), /Your saved lab could not be restored, so this is a fresh one/);
  assert.match(await notice.textContent(), /maillab\.lab\.unreadable/);
  await mkdir(ARTIFACTS, { recursive: true });
  await screenshot(page, 'persist-damaged-notice.png');
  assert.deepEqual(await axe(page), [], 'axe-core: the page with its notice');
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /mail\.hamburger\.edu/);
  assert.equal(
    await page.evaluate(() => localStorage.getItem('maillab.lab.unreadable')),
    '{"format":"maillab-lab","version":1,"world":{',
  );
  // A state from a newer Mail Lab is not loaded either, and says why (put in place once the
  // lab has saved the command above: a reload saves what is still waiting).
  await page.waitForTimeout(1500);
  await page.evaluate(() => localStorage.setItem('maillab.lab', '{"format":"maillab-lab","version":99}'));
  await reload(page);
  await page.getByRole('status').filter({ hasText: 'newer than this build' }).waitFor();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  assert.equal(await page.getByRole('status').filter({ hasText: 'newer' }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a full storage gives a notice, not a crash', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const real = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key.startsWith('maillab.lab')) throw new DOMException('full', 'QuotaExceededError');
      return real.call(this, key, value);
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForSelector('[data-ready="true"]');
  await page.evaluate(() => window.mailLab.exec('host down mail.crepes.fr'));
  const notice = page.getByRole('status').filter({ hasText: 'could not save' });
  await notice.waitFor({ timeout: 5000 });
  assert.match(await notice.textContent(), /storage for this site is full\. Export it to a file/);
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /down/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('export, then import, gives the same world; a bad file changes nothing', async () => {
  const { context, page, errors } = await fresh();
  await typeLines(page, ['login alice', 'mail -s Exported bob@hamburger.edu', 'In the file.', '.']);
  const before = await page.evaluate(() => window.mailLab.mailbox('mail.hamburger.edu', 'bob'));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = join(ARTIFACTS, 'maillab-lab.json');
  await mkdir(ARTIFACTS, { recursive: true });
  const done = await download;
  assert.equal(done.suggestedFilename(), 'maillab-lab.json');
  await done.saveAs(file);
  const exported = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(exported.format, 'maillab-lab');
  assert.equal(exported.version, 1);

  // Reset (confirmed): the mail is gone.
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('status').filter({ hasText: 'fresh lab' }).waitFor();
  assert.ok(!(await subjects(page)).includes('Exported'));

  // A bad file: a notice, and nothing changes.
  const bad = join(ARTIFACTS, 'not-a-lab.json');
  await writeFile(bad, '{"format":"maillab-scenario"}');
  await page.evaluate(() => window.mailLab.exec('host down mail.crepes.fr'));
  let chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import…' }).click();
  await (await chooser).setFiles(bad);
  await page.getByRole('status').filter({ hasText: 'could not be imported' }).waitFor();
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /mail\.crepes\.fr\s+\S+\s+down/);

  // The exported file: the same mailbox, the same terminal output.
  chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import…' }).click();
  await (await chooser).setFiles(file);
  await page.getByRole('status').filter({ hasText: 'maillab-lab.json is loaded' }).waitFor();
  const after = await page.evaluate(() => window.mailLab.mailbox('mail.hamburger.edu', 'bob'));
  assert.deepEqual(after, before);
  assert.ok(after.some((m) => m.subject === 'Exported' && m.from.includes('alice')));
  assert.match(await page.evaluate(() => window.mailLab.output()), /In the file\./);
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /mail\.crepes\.fr\s+\S+\s+up/);
  // What mailLab.state() gives loads back the same way.
  const state = await page.evaluate(() => window.mailLab.state());
  await page.evaluate(() => window.mailLab.reset());
  await page.evaluate((s) => window.mailLab.loadState(s), state);
  assert.deepEqual(await page.evaluate(() => window.mailLab.mailbox('mail.hamburger.edu', 'bob')), before);
  await assert.rejects(page.evaluate(() => window.mailLab.loadState('nonsense')), /not a saved Mail Lab world/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a share link opens the same world in another browser', async () => {
  const { context, page, errors } = await fresh();
  await typeLines(page, ['login alice', 'mail -s Shared bob@hamburger.edu', 'Look at this.', '.']);
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByLabel('Link to copy:').inputValue();
  assert.match(link, /#state=[A-Za-z0-9_-]+$/);
  await screenshot(page, 'persist-share-link.png');
  assert.deepEqual(await axe(page), [], 'axe-core: the header with the share link');
  const other = await fresh(link);
  assert.ok((await subjects(other.page)).includes('Shared'));
  await other.page.getByRole('status').filter({ hasText: 'shared in the link' }).waitFor();
  assert.equal(await other.page.evaluate(() => location.hash), '');
  // A reload (the link gone from the address) keeps the shared lab: it was saved.
  await other.page.waitForTimeout(1500);
  await reload(other.page);
  assert.ok((await subjects(other.page)).includes('Shared'));
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
  await other.context.close();
  await context.close();
});
