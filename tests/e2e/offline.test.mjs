// Offline (#9): after one visit the service worker (www/sw.js) has cached this build's files,
// so with the network gone a reload still gives a working lab — and the student's saved lab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch } from './harness.mjs';

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

test('after a first visit, the lab works offline', { timeout: 90000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  // The worker is active and its cache holds the page, the wasm and the JS of this build.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(async () => {
    const names = await caches.keys();
    const build = names.find((n) => n.startsWith('maillab-'));
    if (!build) return false;
    const urls = (await (await caches.open(build)).keys()).map((r) => r.url);
    return urls.some((u) => u.endsWith('.wasm')) && urls.some((u) => u.endsWith('.js')) && urls.some((u) => u.endsWith('/'));
  }, null, { timeout: 15000 });
  await page.evaluate(() => window.mailLab.exec('host down mail.crepes.fr'));

  await context.setOffline(true);
  assert.equal(await page.evaluate(() => fetch('/nothing-cached').then(() => 'online', () => 'offline')), 'offline');
  await page.reload();
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  const hosts = await page.evaluate(() => window.mailLab.exec('hosts'));
  assert.match(hosts, /mail\.crepes\.fr\s+\S+\s+down/, 'the saved lab, offline');
  const daytime = await page.evaluate(() => window.mailLab.exec('nc mail.hamburger.edu 13'));
  assert.match(daytime, /\d\d:\d\d:\d\d/);
  // An address with options is the same page, offline too.
  await page.goto(`${server.url}?embed=1`);
  await page.waitForSelector('[data-ready="true"]', { timeout: 15000 });
  assert.equal(await page.locator('.lab.embed').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});
