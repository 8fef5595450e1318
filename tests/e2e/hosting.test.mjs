// The site works from a folder of a web server, not only from its root (README "Host it, embed
// it": copy dist/ anywhere): every asset address in the built page is relative.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { DIST, launch, openLab } from './harness.mjs';

const FOLDER = '/courses/networks/maillab/';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
let server;
let url;
let browser;
const asked = [];

before(async () => {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    asked.push(path);
    if (!path.startsWith(FOLDER)) { res.writeHead(404).end('not here'); return; }
    const rest = normalize(path.slice(FOLDER.length) || 'index.html');
    const file = join(DIST, rest.endsWith('/') ? join(rest, 'index.html') : rest);
    if (!file.startsWith(DIST)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${server.address().port}${FOLDER}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
});

test('the lab served from a folder loads its files from that folder and works', async () => {
  const { page, errors } = await openLab(browser, url);
  const out = await page.evaluate(() => window.mailLab.exec('nc mail.crepes.fr 13'));
  assert.match(out, /^\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000/);
  const outside = asked.filter((p) => !p.startsWith(FOLDER));
  assert.deepEqual(outside, [], 'nothing asked for outside the folder');
  assert.deepEqual(errors, []);
  await page.close();
});
