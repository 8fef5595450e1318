#!/usr/bin/env node
// The browser half of issue #10's budgets, measured in headless Chromium against the release
// site in dist/ (build it first: `trunk build --release`, or `make site`). Prints the median of
// several runs of each figure against its budget, PASS or OVER. A report, not a test: it never
// fails because a figure is over budget (it exits non-zero only when it cannot measure at all).
//
//   node scripts/measure-browser.mjs [RUNS]      (make measure; RUNS defaults to 7)
//
// (a) start: navigation start → the terminal accepts input (root `data-ready="true"` and the
//     terminal input present and enabled), each run a fresh browser context (empty cache).
// (b) a 10,000-message INBOX (the textbook world with `generate`, through mailLab.loadScenario):
//     one mailLab.exec of `FETCH 1:* (FLAGS)` and of `SEARCH TEXT "needle"` in a raw telnet
//     session to port 143 after LOGIN and SELECT, of POP3 `LIST` after USER/PASS on port 110; and
//     the Mailboxes panel showing that INBOX: from the click on its tab until the frame after it
//     is painted (whatever the panel draws: its row count is reported).
// (c) 100,000 lines in the terminal: a keystroke → the frame showing it in the input; Enter on
//     `date` → the frame showing its output; and one mailLab.exec('date').
// Served from 127.0.0.1 (tests/e2e/harness.mjs: the same static server and Chromium flags).
import { access, readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, DIST, ROOT } from '../tests/e2e/harness.mjs';

const RUNS = Number.parseInt(process.argv[2] ?? '7', 10) || 7;

try {
  await access(join(DIST, 'index.html'));
} catch {
  console.error(`measure-browser: no site in ${DIST}; build it first (trunk build --release).`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Resolves, in the page, after the next frame has been painted. */
const AFTER_PAINT = `window.__afterPaint = () => new Promise((done) => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => done(performance.now());
  channel.port2.postMessage(0);
}));`;

// Notes, in the page, when the terminal first accepts input.
const READY_PROBE = `(() => {
  const ready = () => {
    const input = document.querySelector('[aria-label="Terminal input"]');
    return document.querySelector('[data-ready="true"]') && input && !input.disabled;
  };
  const check = () => {
    if (window.__ready === undefined && ready()) window.__ready = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener('DOMContentLoaded', check);
})();`;

const results = [];
function report(name, samples, budget, note = '') {
  results.push({ name, samples, budget, note });
  const m = median(samples);
  console.error(`  ${name}: median ${m.toFixed(1)} ms of ${samples.map((s) => s.toFixed(1)).join(', ')}`);
}

const server = await serveDist();
const browser = await launch();
try {
  // (a) Start, over fresh loads.
  console.error('(a) start');
  const starts = [];
  for (let i = 0; i < RUNS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.addInitScript(READY_PROBE);
    await page.goto(server.url);
    await page.waitForFunction(() => window.__ready !== undefined, null, { timeout: 30000 });
    starts.push(await page.evaluate(() => window.__ready));
    await context.close();
  }
  report('start: navigation → terminal accepts input', starts, 300);

  // (b) A 10,000-message INBOX.
  console.error('(b) 10,000 messages');
  const scenario = JSON.parse(await readFile(join(ROOT, 'scenarios', 'textbook.json'), 'utf8'));
  const bob = scenario.hosts.flatMap((h) => h.accounts).find((a) => a.user === 'bob');
  bob.generate = [{ mailbox: 'INBOX', count: 10000, seed: 10 }];
  scenario.name = 'measure-10000';
  const json = JSON.stringify(scenario);

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForSelector('[data-ready="true"]');
  await page.evaluate(AFTER_PAINT);
  if (await page.evaluate(() => typeof window.mailLab.loadScenario !== 'function')) {
    console.error('  skipped: this build has no mailLab.loadScenario');
  } else {
  const load = await page.evaluate((j) => {
    const t0 = performance.now();
    window.mailLab.loadScenario(j);
    return performance.now() - t0;
  }, json);
  console.error(`  loadScenario with 10,000 generated messages: ${load.toFixed(0)} ms (not budgeted)`);

  /** Runs `setup` (lines for mailLab.exec), then times `RUNS` execs of `command(i)`: the call
   *  itself, and until the frame after it is painted (the page renders after the call). */
  const timeExec = (setup, command) => page.evaluate(async ([setupLines, commands]) => {
    window.mailLab.exec(setupLines);
    await window.__afterPaint();
    const times = [];
    const painted = [];
    let printed = 0;
    for (const line of commands) {
      const t0 = performance.now();
      const out = window.mailLab.exec(line);
      times.push(performance.now() - t0);
      painted.push((await window.__afterPaint()) - t0);
      printed = out.split('\n').length;
    }
    window.mailLab.exec('\u001d');
    return { times, painted, printed };
  }, [setup, Array.from({ length: RUNS }, (_, i) => command(i))]);
  const paintNote = (r) => `painted after ${median(r.painted).toFixed(0)} ms`;

  const imap = 'telnet mail.hamburger.edu 143\na LOGIN bob hungry\nb SELECT INBOX';
  const fetch = await timeExec(imap, (i) => `f${i} FETCH 1:* (FLAGS)`);
  report('IMAP FETCH 1:* (FLAGS), 10,000 messages', fetch.times, 16,
    `${fetch.printed} lines printed; ${paintNote(fetch)}`);
  const search = await timeExec(imap, (i) => `s${i} SEARCH TEXT "needle"`);
  report('IMAP SEARCH TEXT "needle"', search.times, 16, paintNote(search));
  const pop = await timeExec('telnet mail.hamburger.edu 110\nuser bob\npass hungry', () => 'list');
  report('POP3 LIST, 10,000 messages', pop.times, 16,
    `${pop.printed} lines printed; ${paintNote(pop)}`);

  // The Mailboxes panel on bob's INBOX: choose it, then time showing the panel from another.
  const panelTab = (name) => page.locator('[role="tab"]', { hasText: new RegExp(`^\\s*${name}\\s*$`) });
  await panelTab('Mailboxes').click();
  const source = page.locator('#mbx-source');
  if (await source.count()) {
    const value = await source.evaluate((select) =>
      [...select.options].find((o) => /\bbob\b/.test(o.textContent))?.value);
    if (value !== undefined) await source.selectOption(value);
  }
  const panels = [];
  let rows = 0;
  for (let i = 0; i < RUNS; i += 1) {
    await panelTab('Start').click();
    await page.evaluate(() => window.__afterPaint());
    const tab = await panelTab('Mailboxes').elementHandle();
    const t = await page.evaluate(async (button) => {
      const t0 = performance.now();
      button.click();
      return (await window.__afterPaint()) - t0;
    }, tab);
    panels.push(t);
    rows = await page.evaluate(() => document.querySelectorAll('.panels tbody tr, .panels [role="row"]').length);
  }
  report('Mailboxes panel shows the INBOX (click → painted)', panels, 16, `${rows} rows in the DOM`);
  await panelTab('Start').click();
  }

  // (c) 100,000 lines in the terminal.
  console.error('(c) 100,000 lines');
  await page.evaluate(() => {
    window.mailLab.reset();
    const lines = Array.from({ length: 50010 }, (_, i) => `line ${i}`);
    window.mailLab.exec('nc mail.crepes.fr 7');
    window.mailLab.exec(lines.join('\n'));
    window.mailLab.exec('\u001d');
  });
  const kept = await page.evaluate(() => window.mailLab.output().split('\n').length);
  await page.evaluate(() => window.__afterPaint());
  // Each key: from the moment its keydown is dispatched (a capturing listener on window, the
  // first to run) to the end of its handling — the last bubbling listener on window, after the
  // page's own handler and the render it caused (yew renders in a microtask, run between
  // listeners) — or, for a character, to the input event that says the input shows it: the
  // page's own cost. And from the event's timestamp to the next painted frame: what the user
  // waits, which includes Chromium holding input until the next frame (up to 16.7 ms at 60 Hz).
  await page.evaluate(() => {
    window.__keys = [];
    window.addEventListener('keydown', (e) => {
      const key = { dispatched: performance.now() };
      window.__keys.push(key);
      window.__afterPaint().then((t1) => { key.paint = t1 - e.timeStamp; });
    }, { capture: true });
    const last = () => window.__keys[window.__keys.length - 1];
    window.addEventListener('keydown', () => { last().work = performance.now() - last().dispatched; });
    window.addEventListener('input', () => { last().input = performance.now() - last().dispatched; });
  });
  const keysDone = (n) => page.waitForFunction(
    (count) => window.__keys.length >= count && window.__keys.every((k) => k.paint !== undefined && k.work !== undefined), n);
  const input = page.getByLabel('Terminal input');
  await input.click();
  await page.evaluate(() => { window.__keys = []; });
  for (let i = 0; i < RUNS; i += 1) {
    await page.keyboard.press('x');
    await keysDone(i + 1);
  }
  const keys = await page.evaluate(() => window.__keys.splice(0));
  const typed = await input.inputValue();
  report('keystroke handled (input updated), 100,000 lines', keys.map((k) => k.input ?? NaN), 16,
    `${kept} lines kept; input "${typed}"`);
  report('keystroke event → next frame painted, 100,000 lines', keys.map((k) => k.paint), 16,
    'includes input held for the frame');
  await input.fill('');
  const enters = [];
  for (let i = 0; i < RUNS; i += 1) {
    await input.fill('date');
    await page.evaluate(() => { window.__keys = []; });
    await page.keyboard.press('Enter');
    await keysDone(1);
    enters.push(await page.evaluate(() => window.__keys[0]));
  }
  const drawn = await page.locator('.log .line').count();
  report('Enter on `date` handled (output rendered), 100,000 lines', enters.map((k) => k.work), 16,
    `${drawn} lines drawn`);
  report('Enter on `date` event → next frame painted, 100,000 lines', enters.map((k) => k.paint), 16,
    'includes input held for the frame');
  const execs = await page.evaluate((n) => {
    const times = [];
    for (let i = 0; i < n; i += 1) {
      const t0 = performance.now();
      window.mailLab.exec('date');
      times.push(performance.now() - t0);
    }
    return times;
  }, RUNS);
  report('mailLab.exec("date"), 100,000 lines', execs, 16);
  if (errors.length) console.error('page errors:', errors);
  await page.close();
} finally {
  await browser.close();
  await server.close();
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Mail Lab in the browser: median of ${RUNS} runs, headless Chromium, ${cpus().length} × ${cpu}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('');
const width = Math.max(...results.map((r) => r.name.length));
console.log(`${'figure'.padEnd(width)}  ${'median'.padStart(10)}  ${'budget'.padStart(8)}  verdict  note`);
for (const { name, samples, budget, note } of results) {
  const m = median(samples);
  const verdict = m <= budget ? 'PASS' : 'OVER';
  console.log(`${name.padEnd(width)}  ${`${m.toFixed(1)} ms`.padStart(10)}  ${`${budget} ms`.padStart(8)}  ${verdict.padEnd(7)}  ${note}`);
}
