// What the plain page does when pkg/test/browser.mjs asks: package a chart whose files the page
// fetches from the test server, verify it, push it to a registry on another origin (CORS, no
// auth), pull it back and compare digests; the browser-only entry points (a directory picked in
// <input webkitdirectory>, a directory handle of the origin private file system, a module
// worker); and timings for the benchmark. Every step is shown in the page (for the screenshot)
// and returned to Node. runProxyScenario does the registry part with auth through the
// chartpack proxy (pkg/test/proxy.mjs).

import { tinyChartFiles } from './tiny-chart.js';

/** The files of a chart served by the test server under `base` (`/__chart/NAME/`). */
export async function fetchChart(base) {
  const res = await fetch(base + 'files.json');
  if (!res.ok) throw new Error(`${base}files.json: HTTP ${res.status}`);
  const list = await res.json();
  return Promise.all(
    list.map(async (f) => {
      const url = base + 'raw/' + f.path.split('/').map(encodeURIComponent).join('/');
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return { path: f.path, bytes: new Uint8Array(await r.arrayBuffer()), lastModified: f.lastModified };
    }),
  );
}

async function sha256Hex(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function row(name, ok, ms, detail) {
  const tbody = document.querySelector('#steps tbody');
  if (!tbody) return;
  const tr = document.createElement('tr');
  const cls = ok ? 'ok' : 'fail';
  tr.innerHTML = `<td></td><td class="${cls}"></td><td>${ms.toFixed(1)}</td>`;
  tr.children[0].textContent = name;
  tr.children[1].textContent = (ok ? 'ok' : 'FAIL') + (detail ? ` — ${detail}` : '');
  tbody.appendChild(tr);
}

function errorInfo(e) {
  return { message: String(e && e.message || e), code: e && e.code, name: e && e.name, field: e && e.field, file: e && e.file };
}

/** The step runner of both scenarios: each step timed, shown in the page, recorded in `out`. */
function stepper() {
  const out = { ok: true, failures: [], steps: [] };
  const step = async (name, fn) => {
    const t0 = performance.now();
    try {
      const detail = await fn();
      const ms = performance.now() - t0;
      out.steps.push({ name, ok: true, ms, detail: detail ?? null });
      row(name, true, ms, detail);
      return true;
    } catch (e) {
      const ms = performance.now() - t0;
      out.ok = false;
      out.failures.push(`${name}: ${e && e.stack || e}` + (e && e.code ? ` [code ${e.code}]` : ''));
      out.steps.push({ name, ok: false, ms, error: errorInfo(e) });
      failedSteps++;
      row(name, false, ms, String(e && e.message || e));
      return false;
    }
  };
  const expect = (cond, what) => {
    if (!cond) throw new Error(`expected ${what}`);
  };
  return { out, step, expect };
}

/**
 * The end-to-end scenario. params: { chartBase, registryHost, repo }.
 * Returns { ok, failures, steps, ... } with digests, the archive (base64) and timings.
 */
export async function runScenario(cp, { chartBase, registryHost, repo }) {
  const { out, step, expect } = stepper();

  let files, pkg;
  await step('fetch chart files', async () => {
    files = await fetchChart(chartBase);
    return `${files.length} files, ${files.reduce((n, f) => n + f.bytes.length, 0)} bytes`;
  });
  await step('packageChart', async () => {
    const t0 = performance.now();
    pkg = cp.packageChart(files);
    out.packageMs = performance.now() - t0;
    expect(pkg.archive instanceof Uint8Array, 'archive to be a Uint8Array');
    expect(pkg.fileName === `${pkg.name}-${pkg.version}.tgz`, `fileName ${pkg.fileName} = name-version.tgz`);
    out.sha256 = await sha256Hex(pkg.archive);
    expect(pkg.digest === `sha256:${out.sha256}`, `digest ${pkg.digest} = sha256 of the archive ${out.sha256}`);
    Object.assign(out, { name: pkg.name, version: pkg.version, fileName: pkg.fileName, digest: pkg.digest, size: pkg.archive.length });
    out.archiveBase64 = base64(pkg.archive);
    expect(Number.isInteger(pkg.entries) && pkg.entries > 0, `entries = the number of files (got ${pkg.entries})`);
    return `${pkg.fileName}, ${pkg.archive.length} bytes, ${pkg.entries} entries`;
  });
  await step('verifyArchive', async () => {
    const v = cp.verifyArchive(pkg.archive, pkg.fileName);
    expect(v.name === pkg.name && v.version === pkg.version, `verified ${v.name}@${v.version}`);
    expect(v.digest === pkg.digest, `verified digest ${v.digest} = ${pkg.digest}`);
    expect(v.size === pkg.archive.length, `size ${v.size} = ${pkg.archive.length}`);
    expect(v.metadata && v.metadata.name === pkg.name, 'metadata.name');
    expect(v.files === pkg.entries, `files ${v.files} = entries ${pkg.entries}`);
    return `${v.files} files`;
  });
  await step('verifyArchive refuses garbage with a code', async () => {
    try {
      cp.verifyArchive(new Uint8Array([1, 2, 3, 4]), 'junk.tgz');
    } catch (e) {
      expect(e instanceof Error, 'an Error');
      expect(typeof e.code === 'string' && e.code.length > 0, `a code (got ${e.code})`);
      return `code ${e.code}: ${e.message}`;
    }
    throw new Error('garbage was verified');
  });
  await step('lint (loads the second wasm module)', async () => {
    const d = await cp.lint(files);
    expect(Array.isArray(d) && d.every((x) => ['INFO', 'WARNING', 'ERROR'].includes(x.severity)), 'diagnostics');
    out.lint = d;
    return d.length ? d.map((x) => `[${x.severity}] ${x.path}: ${x.message}`).join('; ') : 'no findings';
  });
  await step('reproducible packageChart', async () => {
    const a = cp.packageChart(files, { reproducible: true });
    const shifted = files.map((f) => ({ ...f, lastModified: (f.lastModified || 0) + 86_400_000 }));
    const b = cp.packageChart(shifted, { reproducible: true });
    expect(sameBytes(a.archive, b.archive), 'the same bytes whatever the files\' times');
    out.reproducibleSha256 = await sha256Hex(a.archive);
    return out.reproducibleSha256.slice(0, 16);
  });

  const registry = new cp.Registry(registryHost, { plainHttp: true });
  const remote = `oci://${registryHost}/${repo}`;
  let pushed, pulled;
  await step(`push to ${remote} (CORS)`, async () => {
    const progress = [];
    pushed = await registry.push(pkg.archive, remote, { onProgress: (p) => progress.push(p) });
    expect(/^sha256:[0-9a-f]{64}$/.test(pushed.digest), `a manifest digest (got ${pushed.digest})`);
    expect(progress.length > 0, 'onProgress calls');
    const last = progress[progress.length - 1];
    expect(last.done === last.total, `last progress done = total (${last.done}/${last.total})`);
    out.pushed = { ...pushed, progressCalls: progress.length };
    return `${pushed.reference} ${pushed.digest.slice(0, 19)}…, ${pushed.requests} requests`;
  });
  await step('pull it back', async () => {
    const progress = [];
    pulled = await registry.pull(`${remote}/${pkg.name}:${pkg.version}`, { onProgress: (p) => progress.push(p) });
    expect(pulled.digest === pushed.digest, `pulled manifest digest ${pulled.digest} = pushed ${pushed.digest}`);
    expect(pulled.fileName === pkg.fileName, `fileName ${pulled.fileName}`);
    expect(sameBytes(pulled.archive, pkg.archive), 'the pulled archive = the pushed bytes');
    const sha = await sha256Hex(pulled.archive);
    expect(sha === out.sha256, `pulled sha256 ${sha} = ${out.sha256}`);
    expect(progress.length > 0, 'onProgress calls');
    out.pulled = { reference: pulled.reference, digest: pulled.digest, fileName: pulled.fileName, requests: pulled.requests, sha256: sha, progressCalls: progress.length };
    return `${pulled.requests} requests`;
  });
  await step('tags', async () => {
    const tags = await registry.tags(`${remote}/${pkg.name}`);
    expect(Array.isArray(tags) && tags.includes(pkg.version), `tags ${JSON.stringify(tags)} with ${pkg.version}`);
    out.tags = tags;
    return tags.join(', ');
  });
  showStatus();
  return out;
}

/** Settles like `promise`, or rejects after `ms` naming `what` (a stuck call must not hang the page). */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms (a browser login dialog?)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Through the chartpack proxy (pkg/test/proxy.mjs). params: { label, registryHost, proxy,
 * username, password, repo, version, timeoutMs }. Packages the tiny chart at `version`; a
 * wrong password must fail login() with a ChartpackError `unauthorized` (promptly: no login
 * dialog); then login, push to oci://registryHost/repo, pull it back (same bytes), tags. Stops at
 * the first failed step.
 * Returns { ok, failures, steps, sha256, archiveBase64, pushed, pulled, wrongPassword, ... }.
 */
export async function runProxyScenario(cp, { label, registryHost, proxy, username, password, repo, version, timeoutMs }) {
  const { out, step, expect } = stepper();
  const remote = `oci://${registryHost}/${repo}`;
  const registry = new cp.Registry(registryHost, { proxy, username, password });
  let pkg, pushed;
  // Each step needs the one before: the first failure ends the scenario (and bounds its time).
  const steps = [
    [`${label}: packageChart (tiny chart, version ${version})`, async () => {
      pkg = cp.packageChart(tinyChartFiles(), { version });
      out.sha256 = await sha256Hex(pkg.archive);
      expect(pkg.digest === `sha256:${out.sha256}`, `digest ${pkg.digest} = sha256 ${out.sha256}`);
      Object.assign(out, { name: pkg.name, version: pkg.version, fileName: pkg.fileName, size: pkg.archive.length });
      out.archiveBase64 = base64(pkg.archive);
      return `${pkg.fileName}, ${pkg.archive.length} bytes`;
    }],
    [`${label}: wrong password → unauthorized`, async () => {
      const wrong = new cp.Registry(registryHost, { proxy, username, password: `${password}-wrong` });
      const t0 = performance.now();
      let error = null;
      try {
        await within(wrong.login(), timeoutMs, 'login() with a wrong password');
      } catch (e) {
        error = e;
      }
      const ms = performance.now() - t0;
      expect(error !== null, 'login() with a wrong password to fail');
      expect(!/no answer in/.test(error.message), `a prompt answer (${error.message})`);
      out.wrongPassword = { name: error.name, code: error.code, message: error.message, ms };
      expect(error.name === 'ChartpackError', `a ChartpackError (got ${error.name}: ${error.message})`);
      expect(error.code === 'unauthorized', `code unauthorized (got ${error.code}: ${error.message})`);
      return `${error.code} in ${ms.toFixed(0)} ms: ${error.message}`;
    }],
    [`${label}: login`, () => within(registry.login(), timeoutMs, 'login()').then(() => `as ${username}`)],
    [`${label}: push to ${remote} through ${proxy}`, async () => {
      pushed = await within(registry.push(pkg.archive, remote), timeoutMs, 'push()');
      expect(/^sha256:[0-9a-f]{64}$/.test(pushed.digest), `a manifest digest (got ${pushed.digest})`);
      expect(pushed.reference === `${registryHost}/${repo}/${pkg.name}:${pkg.version}`, `reference ${pushed.reference} names the registry, not the proxy`);
      out.pushed = pushed;
      return `${pushed.reference} ${pushed.digest.slice(0, 19)}…, ${pushed.requests} requests`;
    }],
    [`${label}: pull it back`, async () => {
      const pulled = await within(registry.pull(`${remote}/${pkg.name}:${pkg.version}`), timeoutMs, 'pull()');
      expect(pulled.digest === pushed.digest, `pulled manifest ${pulled.digest} = pushed ${pushed.digest}`);
      expect(sameBytes(pulled.archive, pkg.archive), 'the pulled archive = the pushed bytes');
      out.pulled = { reference: pulled.reference, digest: pulled.digest, fileName: pulled.fileName, requests: pulled.requests, sha256: await sha256Hex(pulled.archive) };
      return `${pulled.fileName}, ${pulled.requests} requests so far`;
    }],
    [`${label}: tags`, async () => {
      const tags = await within(registry.tags(`${remote}/${pkg.name}`), timeoutMs, 'tags()');
      expect(Array.isArray(tags) && tags.includes(pkg.version), `tags ${JSON.stringify(tags)} with ${pkg.version}`);
      out.tags = tags;
      return tags.join(', ');
    }],
  ];
  for (const [name, fn] of steps) {
    if (!(await step(name, fn))) break;
  }
  showStatus();
  return out;
}

/**
 * A page on an origin the proxy does not allow (pkg/test/proxy.mjs). params: { label,
 * registryHost, proxy, username, password, timeoutMs }. The proxy answers 403 without CORS
 * headers, so the browser hides the answer: login() fails with code `transport`.
 */
export async function runProxyDenied(cp, { label, registryHost, proxy, username, password, timeoutMs }) {
  const { out, step, expect } = stepper();
  await step(`${label}: login from an origin the proxy does not allow → transport`, async () => {
    const registry = new cp.Registry(registryHost, { proxy, username, password });
    let error = null;
    try {
      await within(registry.login(), timeoutMs, 'login() from a foreign origin');
    } catch (e) {
      error = e;
    }
    expect(error !== null, 'login() to fail');
    out.denied = { name: error.name, code: error.code, message: error.message };
    expect(error.name === 'ChartpackError' && error.code === 'transport', `a ChartpackError coded transport (got ${error.name} ${error.code}: ${error.message})`);
    return `${error.code}: ${error.message}`;
  });
  showStatus();
  return out;
}

let failedSteps = 0; // over every scenario the page ran, for the status line

function showStatus() {
  document.getElementById('status').textContent = failedSteps ? `${failedSteps} step(s) failed` : 'all steps passed';
  document.getElementById('status').className = failedSteps ? 'fail' : 'ok';
}

/**
 * The browser-only entry points. params: { expectSha256 } (the reproducible sha256 of the
 * scenario's chart from fetched files). Before calling, the driver selects the scenario's chart
 * directory in #chart-dir (setInputFiles with a directory).
 *   - filesFromFileList(input.files) from <input webkitdirectory>, packaged with reproducible: 0
 *     (the epoch, as true), gives expectSha256: paths stripped of the picked directory's name,
 *     the files' real lastModified not in the bytes;
 *   - filesFromDirectoryHandle over a chart written to the origin private file system, nested
 *     directories and a .helmignore: the same archive as the same files in memory; inspect()
 *     reports the ignored file, and the archive (verifyArchive, inspect(archive)) lacks it;
 *   - a module worker that imports ../../index.js, awaits init() and packages the tiny chart:
 *     the digest the main thread gets for it.
 */
export async function runEntryPoints(cp, { expectSha256 }) {
  const { out, step, expect } = stepper();
  const digestHex = (pkg) => pkg.digest.replace(/^sha256:/, '');

  await step('filesFromFileList (<input webkitdirectory>)', async () => {
    const input = document.getElementById('chart-dir');
    expect(input.files && input.files.length > 0, 'files selected in #chart-dir');
    const top = input.files[0].webkitRelativePath.split('/')[0];
    expect(top && [...input.files].every((f) => f.webkitRelativePath.startsWith(top + '/')), `webkitRelativePaths under ${top}/`);
    const files = await cp.filesFromFileList(input.files);
    expect(files.length === input.files.length, `${input.files.length} chart files (got ${files.length})`);
    expect(files.every((f) => f.bytes instanceof Uint8Array && f.path.startsWith(top + '/') && Number.isFinite(f.lastModified)),
      'path (webkitRelativePath), bytes (Uint8Array), lastModified for every file');
    const pkg = cp.packageChart(files, { reproducible: 0 });
    out.fileListSha256 = digestHex(pkg);
    out.fileListFiles = files.length;
    expect(out.fileListSha256 === expectSha256, `sha256 ${out.fileListSha256} = the fetched files' reproducible ${expectSha256}`);
    return `${files.length} files under ${top}/, ${pkg.fileName} ${out.fileListSha256.slice(0, 16)}`;
  });

  await step('filesFromDirectoryHandle (origin private file system)', async () => {
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry('opfs-chart', { recursive: true }).catch(() => {});
    const chartDir = await opfs.getDirectoryHandle('opfs-chart', { create: true });
    const expected = tinyChartFiles();
    for (const f of expected) {
      const parts = f.path.split('/');
      let dir = chartDir;
      for (const d of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(d, { create: true });
      const w = await (await dir.getFileHandle(parts.at(-1), { create: true })).createWritable();
      await w.write(f.bytes);
      await w.close();
    }
    const files = await cp.filesFromDirectoryHandle(chartDir);
    const paths = files.map((f) => f.path).sort();
    const want = expected.map((f) => f.path).sort();
    expect(JSON.stringify(paths) === JSON.stringify(want), `paths ${JSON.stringify(paths)} = ${JSON.stringify(want)}`);
    expect(files.every((f) => f.bytes instanceof Uint8Array && Number.isFinite(f.lastModified)), 'bytes and lastModified');

    const preview = cp.inspect(files);
    expect(preview.ignored.includes('scratch.txt'), `inspect().ignored ${JSON.stringify(preview.ignored)} has scratch.txt`);
    expect(!preview.files.some((f) => f.path.endsWith('scratch.txt')), 'inspect().files without scratch.txt');
    expect(preview.metadata.name === 'tiny-inline', `metadata.name ${preview.metadata.name}`);

    const pkg = cp.packageChart(files, { reproducible: true });
    const inMemory = cp.packageChart(expected, { reproducible: true });
    expect(pkg.digest === inMemory.digest, `digest ${pkg.digest} = the same files in memory ${inMemory.digest}`);
    const v = cp.verifyArchive(pkg.archive, pkg.fileName);
    expect(v.files === pkg.entries && v.files === preview.files.length, `verified files ${v.files} = entries ${pkg.entries} = inspected ${preview.files.length}`);
    const entries = cp.inspect(pkg.archive).files.map((f) => f.path);
    expect(entries.some((p) => p.endsWith('templates/x.yaml')), `templates/x.yaml in the archive ${JSON.stringify(entries)}`);
    expect(!entries.some((p) => p.endsWith('scratch.txt')), `no scratch.txt in the archive ${JSON.stringify(entries)}`);

    // The OPFS root itself: every path starts with opfs-chart/, stripped as a common top directory.
    const fromRoot = cp.packageChart(await cp.filesFromDirectoryHandle(opfs), { reproducible: true });
    expect(fromRoot.digest === pkg.digest, `from the OPFS root ${fromRoot.digest} = ${pkg.digest}`);
    await opfs.removeEntry('opfs-chart', { recursive: true });
    out.directoryHandle = { digest: pkg.digest, ignored: preview.ignored, entries };
    return `${files.length} files, ignored ${preview.ignored.join(', ')}; archive: ${entries.length} entries`;
  });

  await step('module worker: import, init(), packageChart', async () => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    let reply;
    try {
      reply = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer from the worker in 20 s')), 20_000);
        worker.onmessage = (e) => (clearTimeout(timer), resolve(e.data));
        worker.onerror = (e) => (clearTimeout(timer), reject(new Error(`worker error: ${e.message || 'failed to load'} (${e.filename}:${e.lineno})`)));
        worker.postMessage('go');
      });
    } finally {
      worker.terminate();
    }
    expect(reply.ok, `the worker packaged the chart (${reply.error} [code ${reply.code}])`);
    expect(reply.inWorker, 'no window in the worker');
    // Other file times on the main thread: reproducible bytes do not depend on them.
    const main = cp.packageChart(tinyChartFiles(Date.now()), { reproducible: true });
    expect(reply.digest === main.digest, `worker digest ${reply.digest} = main thread ${main.digest}`);
    out.worker = { digest: reply.digest, initMs: reply.initMs };
    return `${reply.fileName} ${reply.digest.slice(0, 23)}…, init() ${reply.initMs.toFixed(1)} ms in the worker`;
  });

  showStatus();
  return out;
}

/** Times packageChart on a served chart: one warm-up, then `runs` runs. */
export async function timePackage(cp, { chartBase, runs }) {
  const files = await fetchChart(chartBase);
  const first = cp.packageChart(files);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    cp.packageChart(files);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return {
    name: first.name,
    version: first.version,
    files: files.length,
    inputBytes: files.reduce((n, f) => n + f.bytes.length, 0),
    archiveBytes: first.archive.length,
    ms,
    median: ms[Math.floor(ms.length / 2)],
  };
}
