// Embedding (#9): the URL options (embed, panels, theme, persist, scenario), and the postMessage
// API from a course page: a page of an allowed origin runs commands, resets, loads a scenario
// and hears the lab's events; a page of another origin is ignored and hears nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, screenshot, ROOT } from './harness.mjs';

let server;
let browser;
let allowed; // a course page's server: another origin (another port)
let other; // a third origin, not in the allowlist

/** A server on 127.0.0.1 for a course page: `/parent?lab=URL` frames the lab; `/*.json` are
 *  the test scenarios, with CORS so the lab may fetch them. */
async function courseServer() {
  const srv = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/parent') {
      const lab = url.searchParams.get('lab');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Course page</title>
<iframe id="lab" title="Mail Lab" src="${lab.replaceAll('"', '&quot;')}" style="width:1000px;height:600px;border:0"></iframe>
<script>
  window.received = [];
  addEventListener('message', (e) => window.received.push({ origin: e.origin, data: e.data }));
  window.labOrigin = new URL(${JSON.stringify(lab)}).origin;
  let next = 1;
  window.ask = (message) => new Promise((resolve) => {
    const id = next++;
    const wait = (e) => {
      if (e.data?.type === 'reply' && e.data.id === id) { removeEventListener('message', wait); resolve(e.data); }
    };
    addEventListener('message', wait);
    document.getElementById('lab').contentWindow.postMessage({ ...message, id }, window.labOrigin);
  });
  window.send = (message) => document.getElementById('lab').contentWindow.postMessage(message, '*');
</script>`);
      return;
    }
    try {
      const body = await readFile(join(ROOT, 'tests', 'scenarios', url.pathname.replace(/^\//, '')));
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'access-control-allow-origin': '*' }).end();
    }
  });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${srv.address().port}`;
  return { origin, close: () => new Promise((ok) => srv.close(ok)) };
}

before(async () => {
  server = await serveDist();
  browser = await launch();
  allowed = await courseServer();
  other = await courseServer();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await allowed?.close();
  await other?.close();
});

async function open(url) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Chromium's own notes about a framed page are not the lab's errors: the course page has no
  // favicon (404), and it blocks the terminal input's autofocus in a cross-origin frame.
  const expected = /404 \(Not Found\)|Blocked autofocusing/;
  page.on('console', (m) => { if (m.type() === 'error' && !expected.test(m.text())) errors.push(m.text()); });
  await page.goto(url);
  return { context, page, errors };
}

async function labFrame(page) {
  const handle = await page.waitForSelector('#lab');
  const frame = await handle.contentFrame();
  await frame.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  return frame;
}

test('embed, panels=none, theme=dark, persist=0: compact, terminal alone, dark, starts fresh', async () => {
  const { context, page, errors } = await open(`${server.url}?embed=1&panels=none&theme=dark&persist=0`);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  assert.equal(await page.locator('.lab.embed').count(), 1);
  assert.equal(await page.locator('.tagline').count(), 0);
  assert.equal(await page.locator('aside.panels').count(), 0);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await screenshot(page, 'embed-compact-dark.png');
  await page.evaluate(() => window.mailLab.exec('host down mail.crepes.fr'));
  await page.waitForTimeout(1500);
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /mail\.crepes\.fr\s+\S+\s+up/);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('maillab.lab'))), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('panels=mailboxes,network offers those two panels, the Mailboxes panel first', async () => {
  const { context, page, errors } = await open(`${server.url}?panels=mailboxes,network`);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  await page.getByRole('tab', { name: 'Mailboxes', selected: true }).waitFor();
  const tabs = await page.locator('.panel-tabs [role="tab"]').evaluateAll((ts) => ts.map((t) => t.textContent));
  assert.deepEqual(tabs, ['Mailboxes', 'Network'], 'only the panels listed are offered');
  await page.getByRole('tab', { name: 'Mailboxes' }).press('ArrowRight');
  await page.getByRole('tab', { name: 'Network', selected: true }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('scenario=URL starts from that scenario, saved under a key of its own', async () => {
  const scenario = `${allowed.origin}/rfc1939.json`;
  const { context, page, errors } = await open(`${server.url}?scenario=${encodeURIComponent(scenario)}`);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  await page.waitForFunction(() => window.mailLab.exec('hosts').includes('dbc.mtview.ca.us'));
  await page.evaluate(() => window.mailLab.exec('host down dbc.mtview.ca.us'));
  await page.waitForTimeout(1500);
  await page.reload();
  await page.waitForSelector('[data-ready="true"]');
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /dbc\.mtview\.ca\.us\s+\S+\s+down/);
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('maillab.lab')));
  assert.deepEqual(keys, [`maillab.lab scenario=${scenario}`]);
  // `reset` goes back to that scenario.
  await page.evaluate(() => window.mailLab.reset());
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /dbc\.mtview\.ca\.us\s+\S+\s+up/);
  // The plain lab, on the same site, is another lab.
  await page.goto(server.url);
  await page.waitForSelector('[data-ready="true"]');
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /mail\.hamburger\.edu/);
  // A scenario that cannot be fetched: a notice and the textbook world.
  await page.goto(`${server.url}?scenario=${encodeURIComponent(`${allowed.origin}/missing.json`)}`);
  await page.getByRole('status').filter({ hasText: 'scenario could not be loaded' }).waitFor();
  assert.match(await page.evaluate(() => window.mailLab.exec('hosts')), /mail\.hamburger\.edu/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('postMessage from an allowed origin acts and is answered; events reach the parent', async () => {
  const lab = `${server.url}?embed=1&persist=0&origins=${encodeURIComponent(allowed.origin)}`;
  const { context, page, errors } = await open(`${allowed.origin}/parent?lab=${encodeURIComponent(lab)}`);
  const frame = await labFrame(page);
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'ready'));
  const labOrigin = new URL(server.url).origin;
  assert.ok(await page.evaluate(() => window.received.every((m) => m.origin === window.labOrigin)));

  const login = await page.evaluate(() => window.ask({ type: 'exec', line: 'login alice' }));
  assert.deepEqual(login, { type: 'reply', id: 1, ok: true, result: 'You are alice@crepes.fr (on mail.crepes.fr).' });
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'output' && m.data.text.includes('You are alice@crepes.fr')));
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'stateChanged'));
  assert.match(await frame.evaluate(() => window.mailLab.output()), /lab\$ login alice/);

  const hosts = await page.evaluate(() => window.ask({ type: 'exec', line: 'hosts', terminal: 1 }));
  assert.match(hosts.result, /mail\.hamburger\.edu/);
  const none = await page.evaluate(() => window.ask({ type: 'exec', line: 'hosts', terminal: 9 }));
  assert.equal(none.ok, false);
  assert.match(none.error, /no terminal 9/);

  const json = await readFile(join(ROOT, 'tests', 'scenarios', 'rfc1939.json'), 'utf8');
  const loaded = await page.evaluate((j) => window.ask({ type: 'loadScenario', json: j }), json);
  assert.equal(loaded.ok, true);
  assert.match(await frame.evaluate(() => window.mailLab.exec('hosts')), /dbc\.mtview\.ca\.us/);
  const bad = await page.evaluate(() => window.ask({ type: 'loadScenario', json: '{"format":"nope"}' }));
  assert.equal(bad.ok, false);
  assert.match(await frame.evaluate(() => window.mailLab.exec('hosts')), /dbc\.mtview\.ca\.us/);
  const byUrl = await page.evaluate((u) => window.ask({ type: 'loadScenario', url: u }), `${allowed.origin}/rfc3501.json`);
  assert.equal(byUrl.ok, true, byUrl.error);

  const reset = await page.evaluate(() => window.ask({ type: 'reset' }));
  assert.equal(reset.ok, true);
  const state = await page.evaluate(() => window.ask({ type: 'state' }));
  assert.equal(JSON.parse(state.result).format, 'maillab-lab');
  const unknown = await page.evaluate(() => window.ask({ type: 'dance' }));
  assert.deepEqual([unknown.ok, unknown.error], [false, "unknown message type 'dance'"]);
  assert.ok(labOrigin !== allowed.origin);
  assert.deepEqual(errors, []);
  await context.close();
});

test('postMessage from an origin not allowed is ignored, and that page hears nothing', async () => {
  const lab = `${server.url}?embed=1&persist=0&origins=${encodeURIComponent(allowed.origin)}`;
  const { context, page, errors } = await open(`${other.origin}/parent?lab=${encodeURIComponent(lab)}`);
  const frame = await labFrame(page);
  await page.evaluate(() => window.send({ type: 'exec', id: 1, line: 'host down mail.crepes.fr' }));
  await page.evaluate(() => window.send({ type: 'reset', id: 2 }));
  await page.waitForTimeout(1500);
  assert.deepEqual(await page.evaluate(() => window.received), []);
  assert.match(await frame.evaluate(() => window.mailLab.exec('hosts')), /mail\.crepes\.fr\s+\S+\s+up/);
  assert.doesNotMatch(await frame.evaluate(() => window.mailLab.output()), /host down/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without an allowlist only the lab\'s own origin may talk to it', async () => {
  const lab = `${server.url}?embed=1&persist=0`;
  const { context, page, errors } = await open(`${allowed.origin}/parent?lab=${encodeURIComponent(lab)}`);
  const frame = await labFrame(page);
  await page.evaluate(() => window.send({ type: 'exec', id: 1, line: 'host down mail.crepes.fr' }));
  await page.waitForTimeout(1000);
  assert.deepEqual(await page.evaluate(() => window.received), []);
  assert.match(await frame.evaluate(() => window.mailLab.exec('hosts')), /mail\.crepes\.fr\s+\S+\s+up/);
  // The lab's own origin (a same-origin page posting to the lab's window) is heard.
  await frame.evaluate(() => window.postMessage({ type: 'exec', id: 5, line: 'host down mail.crepes.fr' }, location.origin));
  await frame.waitForFunction(() => window.mailLab.exec('hosts').match(/mail\.crepes\.fr\s+\S+\s+down/));
  assert.deepEqual(errors, []);
  await context.close();
});

test('lesson=N with instructions=readonly: the lesson is followed, cannot be changed, and the parent hears each step', async () => {
  const lab = `${server.url}?embed=1&persist=0&lesson=5&instructions=readonly&origins=${encodeURIComponent(allowed.origin)}`;
  const { context, page, errors } = await open(`${allowed.origin}/parent?lab=${encodeURIComponent(lab)}`);
  const frame = await labFrame(page);
  await frame.getByRole('tab', { name: /^Lesson/, selected: true }).waitFor();
  const panel = frame.locator('#panel-lesson');
  await panel.getByText('Step 1 of 4: Log in').waitFor();
  assert.equal(await panel.getByRole('button').count(), 0, 'no lesson list, no skip or stop');
  for (const line of ['telnet mail.hamburger.edu 110', 'user bob', 'pass hungry']) {
    await page.evaluate((l) => window.ask({ type: 'exec', line: l }), line);
  }
  await panel.getByText('Step 2 of 4: List the messages').waitFor();
  const events = await page.evaluate(() => window.received.filter((m) => m.data.type === 'event').map((m) => m.data));
  assert.deepEqual(events, [{ type: 'event', kind: 'lessonStepCompleted', detail: { lesson: 'pop3-by-hand', step: 1, title: 'Log in' } }]);
  assert.deepEqual(errors, []);
  await context.close();
});

test('lesson=URL loads a lesson file from the course page and completes it', async () => {
  const lesson = `${allowed.origin}/echo-lesson.md`;
  const lab = `${server.url}?embed=1&persist=0&lesson=${encodeURIComponent(lesson)}&origins=${encodeURIComponent(allowed.origin)}`;
  const { context, page, errors } = await open(`${allowed.origin}/parent?lab=${encodeURIComponent(lab)}`);
  const frame = await labFrame(page);
  const panel = frame.locator('#panel-lesson');
  await panel.getByText('Echo, from a course page').first().waitFor();
  assert.match(await frame.evaluate(() => JSON.stringify(window.mailLab.lesson())), /"lesson":"echo-course"/);
  await page.evaluate(() => window.ask({ type: 'exec', line: 'nc mail.crepes.fr 7' }));
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'event' && m.data.kind === 'lessonCompleted'));
  await panel.getByText(/Complete: its one step done/).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
