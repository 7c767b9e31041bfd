// Shared helpers of the package's JS tests (Node side only): reading chart directories the way
// a user would hand them to the package, the corpus, a tiny static server with correct MIME
// types, and headless Chromium through playwright-core with the flags this machine needs.

import { createHash } from 'node:crypto';
import { execSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEST_DIR = dirname(fileURLToPath(import.meta.url));
export const PKG_DIR = resolve(TEST_DIR, '..');
export const REPO_ROOT = resolve(PKG_DIR, '..');

/** The shared corpus (`CHARTPACK_CORPUS`, else ../shared/corpus beside the repository), or null. */
export function corpusDir() {
  const dir = process.env.CHARTPACK_CORPUS || resolve(REPO_ROOT, '..', 'shared', 'corpus');
  return existsSync(join(dir, 'charts')) && existsSync(join(dir, 'golden')) ? dir : null;
}

/** helm's exit status for `command` on corpus chart `id` (from golden/<id>/status.txt), or null. */
export function goldenStatus(corpus, id, command) {
  const file = join(corpus, 'golden', id, 'status.txt');
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, code] = line.trim().split(/\s+/);
    if (name === command) return Number(code);
  }
  return null;
}

/** Every file under `dir`, sorted, symbolic links followed: [{ rel, abs, size, mtimeMs }]. */
export function walk(dir, rel = '') {
  const out = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(join(dir, r)); // follows links, as helm does
    if (st.isDirectory()) out.push(...walk(dir, r));
    else if (st.isFile()) out.push({ rel: r, abs: join(dir, r), size: st.size, mtimeMs: st.mtimeMs });
  }
  return out;
}

/**
 * A chart directory as the package's input: [{ path, bytes: Uint8Array, lastModified }], every
 * file (the package applies .helmignore itself). `asBuffer` keeps Node Buffers instead.
 */
export function readChartFiles(dir, { asBuffer = false } = {}) {
  return walk(dir).map((f) => {
    const buf = readFileSync(f.abs);
    const bytes = asBuffer ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    return { path: f.rel, bytes, lastModified: Math.floor(f.mtimeMs) };
  });
}

/** Total bytes of a directory's files (links followed). */
export function dirBytes(dir) {
  return walk(dir).reduce((n, f) => n + f.size, 0);
}

/** Corpus chart ids that helm packages (golden status), largest first: [{ id, bytes }]. */
export function packagedChartsBySize(corpus) {
  return readdirSync(join(corpus, 'charts'))
    .filter((id) => goldenStatus(corpus, id, 'package') === 0)
    .map((id) => ({ id, bytes: dirBytes(join(corpus, 'charts', id)) }))
    .sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id));
}

export function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where tests put screenshots and result files: CHARTPACK_RESULTS_DIR, else a temp dir. */
export function resultsDir() {
  const dir = process.env.CHARTPACK_RESULTS_DIR || join(tmpdir(), 'chartpack-pkg-test');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeResult(name, value) {
  const file = join(resultsDir(), name);
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  return file;
}

/**
 * Writes `key=value` lines (values without newlines) next to the JSON results, for the Rust
 * orchestrator and benchmark, which read them without a JSON parser.
 */
export function writeKeyValues(name, entries) {
  const file = join(resultsDir(), name);
  const lines = Object.entries(entries)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}\n`);
  writeFileSync(file, lines.join(''));
  return file;
}

/** Whether the built package is there (pkg/dist with a .wasm file). */
export function packageBuilt() {
  const dist = join(PKG_DIR, 'dist');
  return existsSync(join(PKG_DIR, 'index.js')) && existsSync(dist) && readdirSync(dist).some((f) => f.endsWith('.wasm'));
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

function inside(root, rel) {
  const abs = resolve(root, '.' + sep + rel);
  return abs === root || abs.startsWith(root + sep) ? abs : null;
}

/**
 * Starts a static server on 127.0.0.1 (a free port) serving `root` at `/`, plus, when `charts`
 * maps names to chart directories, `/__chart/NAME/files.json` (the file list: path, size,
 * lastModified) and `/__chart/NAME/raw/PATH` (a file's bytes, links followed). `port` picks the
 * port (a caller that had to name the origin beforehand, e.g. to a proxy's allowlist).
 * Returns { url, server, requests, close() }.
 */
export async function startStaticServer(root, { charts = {}, port: wanted = 0 } = {}) {
  root = resolve(root);
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = decodeURIComponent(url.pathname);
    requests.push(`${req.method} ${path}`);
    const send = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      const m = path.match(/^\/__chart\/([^/]+)\/(files\.json|raw\/(.+))$/);
      if (m) {
        const dir = charts[m[1]];
        if (!dir) return send(404, 'text/plain', Buffer.from('no such chart\n'));
        if (m[2] === 'files.json') {
          const list = walk(dir).map((f) => ({ path: f.rel, size: f.size, lastModified: Math.floor(f.mtimeMs) }));
          return send(200, MIME['.json'], Buffer.from(JSON.stringify(list)));
        }
        const abs = inside(resolve(dir), m[3]);
        if (!abs || !existsSync(abs)) return send(404, 'text/plain', Buffer.from('not found\n'));
        return send(200, 'application/octet-stream', readFileSync(abs));
      }
      let abs = inside(root, path);
      if (abs && existsSync(abs) && statSync(abs).isDirectory()) abs = join(abs, 'index.html');
      if (!abs || !existsSync(abs)) return send(404, 'text/plain', Buffer.from('not found\n'));
      return send(200, MIME[extname(abs)] || 'application/octet-stream', readFileSync(abs));
    } catch (e) {
      return send(500, 'text/plain', Buffer.from(String(e)));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(wanted, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** The machine's Chromium flags (shared/reference/toolchain.md §6, env/machines/rust.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium through playwright-core (executablePath = CHROMIUM, else `command -v
 * chromium`). playwright gives every launch a fresh, empty --user-data-dir of its own.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const executablePath =
    process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/bash' }).toString().trim();
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** A new page that collects console lines and page errors into `log` (for failure output). */
export async function newLoggedPage(browser, log) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.stack || e}`));
  page.on('requestfailed', (r) => log.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  return page;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
