// The chartpack web app's UI: plain JS, no framework, nothing fetched at run time but the app's own
// files and the registry (through the proxy). Every chart and registry rule lives in the wasm module
// Trunk builds from web/ (crates/chartpack-wasm), which web/worker.js runs off the page's thread.

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// Status area (polite live region): every failure shows its message and code here.

function setStatus(kind, text, error) {
  const status = $('status');
  status.className = `status ${kind}`;
  status.textContent = '';
  status.append(text);
  if (error) {
    const detail = document.createElement('span');
    detail.className = 'code-tag';
    detail.textContent = errorCode(error);
    if (detail.textContent) status.append(' ', detail);
  }
}

function errorMessage(error) {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}

function errorCode(error) {
  if (!error || typeof error !== 'object') return '';
  const parts = [];
  if (error.code) parts.push(`code: ${error.code}`);
  if (error.file) parts.push(`file: ${error.file}`);
  if (error.field) parts.push(`field: ${error.field}`);
  return parts.join(', ');
}

function fail(what, error) {
  console.error(what, error);
  setStatus('error', `${what}: ${errorMessage(error)}`, error);
}

window.addEventListener('error', (e) => fail('Unexpected error', e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => fail('Unexpected error', e.reason));

// ---------------------------------------------------------------------------------------------
// The wasm module runs in web/worker.js, off the page's thread: the page stays responsive while a
// large chart is packaged, linted or pulled. `call(method, ...args)` is one request to it; errors
// come back as { message, code, file, field } and are thrown as Errors with those properties.

let worker = null;
let exportNames = []; // what the module exports (the test reads document.body.dataset.exports)
let nextCall = 1;
const pending = new Map(); // id → { resolve, reject, onProgress }

/** Starts the worker with the module Trunk built (its file names are in #chartpack-module). */
function startWorker() {
  return new Promise((resolve, reject) => {
    let module;
    try {
      module = JSON.parse($('chartpack-module').textContent);
    } catch {
      reject(new Error('this page was not built by Trunk (no #chartpack-module); run scripts/build-web.sh'));
      return;
    }
    const base = new URL('.', location.href);
    worker = new Worker(new URL('worker.js', base), { type: 'module', name: 'chartpack' });
    const timer = setTimeout(() => reject(new Error('the WebAssembly module did not load within 30 s (see the browser console)')), 30000);
    worker.addEventListener('error', (e) => {
      const error = new Error(`the worker failed: ${e.message || 'see the browser console'}`);
      reject(error); // before it started (ignored after)
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(error); // calls in flight never hang
      }
    });
    worker.addEventListener('message', ({ data }) => {
      if (data.ready) {
        clearTimeout(timer);
        resolve(data.ready);
      } else if (data.failed) {
        clearTimeout(timer);
        reject(Object.assign(new Error(data.failed.message), data.failed));
      } else {
        const p = pending.get(data.id);
        if (!p) return;
        if (data.progress) p.onProgress?.(data.progress);
        else {
          pending.delete(data.id);
          if ('error' in data) p.reject(Object.assign(new Error(data.error.message), data.error));
          else p.resolve(data.result);
        }
      }
    });
    worker.postMessage({ init: { js: new URL(module.js, base).href, wasm: new URL(module.wasm, base).href } });
  });
}

/** One call into the worker; `onProgress` gets { done, total } for pushes and pulls, `onStart`
 * the call's id (posting `{ abort: id }` to the worker aborts the call). */
function call(method, args, { onProgress, onStart } = {}) {
  const id = nextCall++;
  onStart?.(id);
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, method, args });
  });
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------------------------
// A small, safe Markdown renderer: everything is escaped; headings, lists, fenced and indented
// code, inline code, emphasis, and links to http(s) URLs only. Images become links.

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function inline(text) {
  // Split off code spans first; the rest is escaped, then links and emphasis are marked up.
  return text
    .split(/(`+[^`]*?`+)/)
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.replace(/^`+|`+$/g, ''))}</code>`;
      // Escaped, then character references (&reg;, &#169;) put back: they can only name characters.
      let s = escapeHtml(part).replace(/&amp;(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/gi, '&$1;');
      s = s.replace(/!?\[([^\]]*)\]\(([^)\s]+)(?:\s+&quot;[^)]*&quot;)?\)/g, (m, label, url) => {
        const raw = url.replace(/&amp;/g, '&');
        if (!/^https?:\/\//i.test(raw)) return label;
        return `<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${label || url}</a>`;
      });
      s = s.replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '<strong>$2</strong>');
      s = s.replace(/(^|[^\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\*)/g, '$1<em>$2</em>');
      s = s.replace(/(^|[^\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])/g, '$1<em>$2</em>');
      return s;
    })
    .join('');
}

export function renderMarkdown(source) {
  const lines = source.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?-->/g, '').split('\n');
  const out = [];
  let para = [];
  let list = null; // { tag, items }
  const flushPara = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = line.match(/^\s*(```+|~~~+)\s*([\w+-]*)/);
    if (fence) {
      flushPara();
      flushList();
      const code = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) code.push(lines[i]);
      out.push(`<pre class="code"><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      flushPara();
      flushList();
      const level = Math.min(heading[1].length + 2, 6); // the page's own h1-h3 come first
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
      continue;
    }
    const item = line.match(/^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/);
    if (item) {
      flushPara();
      const tag = /\d/.test(item[1]) ? 'ol' : 'ul';
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push(item[2]);
      continue;
    }
    if (/^\s*$/.test(line)) {
      flushPara();
      flushList();
      continue;
    }
    if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ' ' + line.trim();
      continue;
    }
    if (/^( {4}|\t)/.test(line) && !para.length) {
      flushList();
      const code = [];
      for (; i < lines.length && (/^( {4}|\t)/.test(lines[i]) || /^\s*$/.test(lines[i])); i++) code.push(lines[i].replace(/^( {4}|\t)/, ''));
      i--;
      out.push(`<pre class="code"><code>${escapeHtml(code.join('\n').trimEnd())}</code></pre>`);
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushPara();
      flushList();
      out.push('<hr>');
      continue;
    }
    flushList();
    para.push(line.trim().replace(/^>\s?/, ''));
  }
  flushPara();
  flushList();
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Reading what the user gives: a folder (input or drop) or a .tgz.

async function filesFromFileList(list) {
  return Promise.all(
    Array.from(list, async (file) => ({
      path: file.webkitRelativePath || file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
      lastModified: file.lastModified,
    })),
  );
}

function readAllEntries(reader) {
  return new Promise((resolve, reject) => {
    const all = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (!batch.length) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function filesFromEntry(root) {
  const out = [];
  async function walk(entry) {
    if (entry.isDirectory) {
      for (const child of await readAllEntries(entry.createReader())) await walk(child);
    } else {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ path: entry.fullPath.replace(/^\/+/, ''), bytes: new Uint8Array(await file.arrayBuffer()), lastModified: file.lastModified });
    }
  }
  await walk(root);
  return out;
}

const isArchiveName = (name) => /\.(tgz|tar\.gz)$/i.test(name);

// ---------------------------------------------------------------------------------------------
// The current chart and what was made from it.

let current = null; // { kind: 'dir', files, label } | { kind: 'tgz', bytes, fileName, label }
let packaged = null; // { fileName, archive, digest, name, version }

async function openFolder(files, label) {
  if (!files.length) throw Object.assign(new Error('the folder is empty'), { code: 'invalid_input' });
  current = { kind: 'dir', files, label };
  localCharts = new Map();
  keepChart(current);
  await preview();
}

async function openArchive(bytes, fileName, label) {
  current = { kind: 'tgz', bytes, fileName, label: label ?? fileName };
  keepChart(current);
  await preview();
}

function clearChart() {
  $('chart').hidden = true;
  $('restored').hidden = true;
  $('merged-values').hidden = true;
  $('deps-panel').hidden = true;
  $('deps-log').hidden = true;
  $('file-view').hidden = true;
  $('values-command').hidden = true;
  $('packaged').hidden = true;
  packaged = null;
  $('push').disabled = true;
}

async function preview() {
  clearChart();
  // Work runs in the worker while the page stays live: a chart opened meanwhile wins.
  const chart = current;
  const stale = () => chart !== current;
  const started = performance.now();
  const input = chart.kind === 'dir' ? chart.files : chart.bytes;
  setStatus('info', `Reading ${chart.label}…`);

  const verify = $('verify');
  verify.hidden = true;
  verify.textContent = '';
  if (chart.kind === 'tgz') {
    verify.hidden = false;
    try {
      const v = await call('verifyArchive', [chart.bytes, chart.fileName]);
      if (stale()) return;
      verify.className = 'verify ok';
      verify.append(
        el('strong', {}, 'Verified: '),
        `${v.name} ${v.version}, ${v.files} files, ${formatBytes(v.size)}, `,
        el('code', {}, v.digest),
      );
    } catch (error) {
      if (stale()) return;
      verify.className = 'verify error';
      verify.append(el('strong', {}, 'Verification failed: '), errorMessage(error), ' ', el('span', { class: 'code-tag' }, errorCode(error)));
      setStatus('error', `${chart.label} is not a chart archive chartpack accepts: ${errorMessage(error)}`, error);
      $('chart').hidden = false;
      $('chart-title').textContent = chart.label;
      for (const id of ['metadata', 'files', 'values', 'readme']) $(id).textContent = '';
      $('lint').tBodies[0].textContent = '';
      $('lint-summary').textContent = '';
      $('package-panel').hidden = true;
      return;
    }
  }

  let info;
  try {
    info = await call('inspect', [input]);
  } catch (error) {
    if (stale()) return;
    fail(`${chart.label} is not a chart`, error);
    return;
  }
  if (stale()) return;
  const meta = info.metadata ?? {};
  $('chart-title').textContent = `${meta.name ?? '?'} ${meta.version ?? ''}`;
  renderMetadata(meta);
  renderFiles(info.files ?? [], info.ignored ?? []);
  $('values').textContent = info.values || '# no values.yaml';
  $('readme').innerHTML = info.readme ? renderMarkdown(info.readme) : '<p class="muted">No README.</p>';
  $('package-panel').hidden = false;
  $('package').textContent = chart.kind === 'dir' ? 'Package and download' : 'Download and show the OCI manifest';
  $('reproducible').disabled = chart.kind !== 'dir';
  $('chart').hidden = false;
  if (meta.name) $('tags-chart').value = meta.name; // the versions to list are the open chart's
  renderDependencies(chart, meta);

  let findings = [];
  let lintError = null;
  try {
    findings = await call('lint', [input]);
  } catch (error) {
    lintError = error;
  }
  if (stale()) return;
  renderLint(findings, lintError);
  document.body.dataset.openMs = String(Math.round(performance.now() - started)); // read by web/test/bench.mjs
  const errors = findings.filter((f) => f.severity === 'ERROR').length;
  setStatus(
    lintError || errors ? 'warn' : 'ok',
    `Opened ${meta.name} ${meta.version}` +
      (lintError ? `; lint failed: ${errorMessage(lintError)}` : `: ${findings.length} lint finding(s), ${errors} error(s)`),
    lintError,
  );
}

function renderMetadata(meta) {
  const dl = $('metadata');
  dl.textContent = '';
  const show = ['name', 'version', 'appVersion', 'apiVersion', 'type', 'description', 'kubeVersion', 'home', 'keywords', 'maintainers', 'sources', 'dependencies', 'deprecated'];
  for (const key of show) {
    const v = meta[key];
    if (v === undefined || v === null || v === '') continue;
    let text;
    if (Array.isArray(v)) {
      text = v.map((x) => (typeof x === 'object' ? x.name + (x.version ? ` ${x.version}` : '') + (x.repository ? ` (${x.repository})` : '') + (x.email ? ` <${x.email}>` : '') : String(x))).join(', ');
    } else text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    dl.append(el('dt', {}, key), el('dd', { 'data-key': key }, text));
  }
}

function renderLint(findings, error) {
  const body = $('lint').tBodies[0];
  body.textContent = '';
  if (error) {
    body.append(el('tr', { class: 'sev-ERROR' }, el('td', {}, 'ERROR'), el('td', {}, error.file ?? ''), el('td', {}, `${errorMessage(error)} (${errorCode(error)})`)));
  }
  for (const f of findings) {
    body.append(el('tr', { class: `sev-${f.severity}` }, el('td', {}, f.severity), el('td', {}, f.path), el('td', { class: 'message' }, f.message)));
  }
  if (!findings.length && !error) body.append(el('tr', {}, el('td', { colspan: '3', class: 'muted' }, 'No findings.')));
  const count = (s) => findings.filter((f) => f.severity === s).length;
  $('lint-summary').textContent = error ? '(failed)' : `(${count('ERROR')} errors, ${count('WARNING')} warnings, ${count('INFO')} info)`;
}

function renderFiles(files, ignored) {
  const root = { dirs: new Map(), files: [] };
  const add = (path, entry) => {
    const parts = path.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      if (!node.dirs.has(dir)) node.dirs.set(dir, { dirs: new Map(), files: [] });
      node = node.dirs.get(dir);
    }
    node.files.push({ name: parts[parts.length - 1], ...entry });
  };
  for (const f of files) add(f.path, { size: f.size, path: f.path });
  for (const p of ignored) add(p.replace(/\/$/, ''), { ignored: true });
  const render = (node) => {
    const ul = el('ul');
    for (const [name, child] of [...node.dirs].sort((a, b) => a[0].localeCompare(b[0]))) {
      ul.append(el('li', { class: 'dir' }, el('span', {}, `${name}/`), render(child)));
    }
    for (const f of node.files.sort((a, b) => a.name.localeCompare(b.name))) {
      ul.append(
        f.ignored
          ? el('li', { class: 'ignored' }, el('span', {}, f.name), ' ', el('em', {}, 'excluded by .helmignore'))
          : el(
              'li',
              {},
              el('button', { type: 'button', class: 'file', 'data-path': f.path, 'aria-label': `Show ${f.path}`, onclick: () => guarded(`Showing ${f.path} failed`, () => showFile(f.path)) }, f.name),
              ' ',
              el('span', { class: 'muted' }, formatBytes(f.size ?? 0)),
            ),
      );
    }
    return ul;
  };
  const list = $('files');
  list.textContent = '';
  list.append(...render(root).children);
  $('files-summary').textContent = `(${files.length} in the chart, ${ignored.length} excluded by .helmignore)`;
}

/** Shows one file of the open chart (the first 512 KB of text; binary files by their size). */
async function showFile(path) {
  const chart = current;
  let bytes;
  if (chart.kind === 'dir') {
    const wanted = chartRoot(chart.files) + path;
    bytes = chart.files.find((f) => f.path === wanted)?.bytes;
    if (!bytes) throw Object.assign(new Error(`${path} is not in the open folder`), { code: 'invalid_input', field: 'path' });
  } else {
    bytes = await call('readArchiveFile', [chart.bytes, path]);
  }
  if (chart !== current) return;
  const limit = 512 * 1024;
  const binary = bytes.subarray(0, 8192).includes(0);
  const body = $('file-view-body');
  body.textContent = binary
    ? `(a binary file of ${formatBytes(bytes.length)})`
    : new TextDecoder().decode(bytes.subarray(0, limit)) + (bytes.length > limit ? `\n… (${formatBytes(bytes.length - limit)} more not shown)` : '');
  $('file-view-name').textContent = path;
  $('file-view').hidden = false;
  body.focus();
}

// ---------------------------------------------------------------------------------------------
// Packaging.

function download(bytes, fileName) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/gzip' }));
  const a = $('download');
  if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
  a.dataset.url = url;
  a.href = url;
  a.download = fileName;
  a.textContent = fileName;
  a.click();
}

async function doPackage() {
  if (!current) return;
  const button = $('package');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  setStatus('info', `Packaging ${current.label}…`);
  const started = performance.now();
  try {
    // One trip to the worker: the archive (packaged, or the open one verified) and its manifest.
    const options = current.kind === 'dir' && $('reproducible').checked ? { reproducible: true } : {};
    const input = current.kind === 'dir' ? current.files : current.bytes;
    const made = await call('packageWithManifest', [current.kind, input, current.fileName ?? null, options]);
    packaged = made.packaged;
    const artifact = made.artifact;
    $('digest').textContent = packaged.digest;
    $('archive-size').textContent = formatBytes(packaged.archive.length);
    let manifest = new TextDecoder().decode(artifact.manifest);
    try {
      manifest = JSON.stringify(JSON.parse(manifest), null, 2);
    } catch {
      /* show the bytes as they are */
    }
    $('manifest').textContent = `# ${artifact.manifestDigest} (tag ${artifact.tag})\n${manifest}`;
    $('packaged').hidden = false;
    $('push').disabled = false;
    download(packaged.archive, packaged.fileName);
    const took = Math.round(performance.now() - started);
    document.body.dataset.packageMs = String(took); // read by web/test/bench.mjs
    setStatus('ok', `Packaged ${packaged.fileName} (${packaged.digest}) in ${took} ms`);
  } catch (error) {
    fail('Packaging failed', error);
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** The values panel's flags: `-f` sources and the --set flavours, as computeValues takes them. */
async function valuesOptions() {
  const options = { values: [], set: [], setString: [], setJson: [], setLiteral: [] };
  const shown = [];
  for (const file of [...($('values-files').files ?? [])]) {
    options.values.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    shown.push(`-f ${file.name}`);
  }
  const flavours = { string: ['setString', '--set-string'], json: ['setJson', '--set-json'], literal: ['setLiteral', '--set-literal'] };
  for (const raw of $('set-lines').value.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const prefixed = /^(string|json|literal):\s*(.*)$/.exec(line);
    const [key, flag] = prefixed ? flavours[prefixed[1]] : ['set', '--set'];
    const value = prefixed ? prefixed[2] : line;
    options[key].push(value);
    shown.push(`${flag} '${value.replaceAll("'", "'\\''")}'`);
  }
  return { options, shown };
}

async function doComputeValues() {
  if (!current) return;
  const input = current.kind === 'dir' ? current.files : current.bytes;
  const { options, shown } = await valuesOptions();
  const out = $('merged-values');
  out.hidden = true;
  const yaml = await call('computeValues', [input, options]);
  out.textContent = yaml;
  out.hidden = false;
  const command = $('values-command');
  command.querySelector('code').textContent = `chartpack values CHART ${shown.join(' ')}`.trim();
  command.hidden = false;
  setStatus('ok', `Computed the values helm would render ${current.label} with`);
}

// ---------------------------------------------------------------------------------------------
// Dependencies: `helm dependency update` over the open folder (updateDependencies in the worker).
// What comes back (the lock, archives for charts/, archives to remove) is written into the open
// chart's files, which are then kept and previewed again; packaging afterwards includes them.

let localCharts = new Map(); // "../common" (the path after file://) → that chart's files

/** The open folder's root inside its file paths ("mychart/" from a folder picker, or ""). */
function chartRoot(files) {
  const charts = files.map((f) => f.path).filter((p) => p === 'Chart.yaml' || p.endsWith('/Chart.yaml'));
  const shortest = charts.sort((x, y) => x.split('/').length - y.split('/').length)[0] ?? 'Chart.yaml';
  return shortest.slice(0, -'Chart.yaml'.length);
}

function renderDependencies(chart, meta) {
  const panel = $('deps-panel');
  const deps = Array.isArray(meta.dependencies) ? meta.dependencies : [];
  panel.hidden = chart.kind !== 'dir' || !deps.length;
  if (panel.hidden) return;
  const root = chartRoot(chart.files);
  const paths = chart.files.map((f) => f.path.slice(root.length));
  // What charts/ already holds: archives, and unpacked charts (charts/NAME/Chart.yaml).
  const vendored = [
    ...paths.filter((p) => /^charts\/[^/]+\.tgz$/.test(p)),
    ...paths.filter((p) => /^charts\/[^/]+\/Chart\.yaml$/.test(p)).map((p) => p.slice(0, -'Chart.yaml'.length)),
  ];
  const list = $('deps-list');
  list.textContent = '';
  const local = $('deps-local');
  local.textContent = '';
  for (const dep of deps) {
    const fetched = vendored.find((p) => p.startsWith(`charts/${dep.name}-`) || p === `charts/${dep.name}/`);
    list.append(
      el('li', {}, el('code', {}, `${dep.name} ${dep.version ?? '*'}`), ' ', dep.repository ? `from ${dep.repository}` : '(in charts/)', ' ',
        el('span', { class: `state ${fetched ? 'ok' : 'muted'}` }, fetched ? `— ${fetched}` : '— not in charts/ yet')),
    );
    const path = typeof dep.repository === 'string' && dep.repository.startsWith('file://') ? dep.repository.slice('file://'.length) : null;
    if (path !== null) {
      const id = `deps-local-${local.children.length}`;
      const input = el('input', { id, type: 'file', webkitdirectory: '', multiple: '' });
      input.addEventListener('change', () =>
        guarded('Reading the dependency folder failed', async () => {
          localCharts.set(path, await filesFromFileList(input.files));
          setStatus('ok', `Read ${input.files.length} files for file://${path}`);
        }),
      );
      local.append(el('p', {}, el('label', { for: id }, `Folder of the file://${path} chart (outside the chart folder, so the browser needs it picked)`), el('br'), input));
    }
  }
}

/** The options updateDependencies takes, from the registry panel and the repositories box. */
function dependencyOptions() {
  const options = { now: Date.now(), timeoutMs: 300000 };
  const host = registryHostKey();
  const proxy = $('reg-proxy').value.trim().replace(/\/+$/, '');
  if (proxy) options.proxy = proxy;
  else if (/^http:\/\//i.test($('reg-host').value.trim())) options.plainHttp = true;
  if (host && ($('reg-user').value || $('reg-pass').value)) {
    options.registries = { [host]: { username: $('reg-user').value, password: $('reg-pass').value, ...(proxy ? { proxy } : {}) } };
  }
  const repositories = [];
  for (const raw of $('deps-repos').value.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const [name, url, ...rest] = line.split(/\s+/);
    if (!url || rest.length) throw Object.assign(new Error(`"${line}" is not "name URL"`), { code: 'invalid_input', field: 'repositories' });
    repositories.push({ name, url });
  }
  if (repositories.length) options.repositories = repositories;
  if (localCharts.size) options.localCharts = Object.fromEntries(localCharts);
  return options;
}

async function doUpdateDependencies() {
  if (!current || current.kind !== 'dir') return;
  const chart = current;
  await busy($('update-deps'), 'Updating the dependencies', async () => {
    const options = dependencyOptions();
    setStatus('info', `Updating the dependencies of ${chart.label}…`);
    const result = await call('updateDependencies', [chart.files, options]);
    if (chart !== current) return;
    const log = $('deps-log');
    if (!result) {
      log.textContent = 'The chart declares no dependencies.';
      log.hidden = false;
      return;
    }
    const root = chartRoot(chart.files);
    const gone = new Set(result.remove.map((name) => `${root}charts/${name}`));
    const added = new Map(result.charts.map((c) => [`${root}charts/${c.fileName}`, c.bytes]));
    if (result.writeLock) added.set(`${root}${result.lockFile}`, new TextEncoder().encode(result.lock));
    const now = Date.now();
    const files = chart.files.filter((f) => !gone.has(f.path) && !added.has(f.path));
    for (const [path, bytes] of added) files.push({ path, bytes, lastModified: now });
    current = { ...chart, files };
    keepChart(current);
    const logText = result.log.join('\n');
    await preview();
    log.textContent = logText + (result.writeLock ? `\n(wrote ${result.lockFile})` : `\n(${result.lockFile} unchanged)`);
    log.hidden = false;
    setStatus('ok', `Updated the dependencies: ${result.charts.length} chart(s) in charts/, ${result.remove.length} removed` + (result.writeLock ? `, ${result.lockFile} written` : `, ${result.lockFile} unchanged`));
  });
}

// ---------------------------------------------------------------------------------------------
// Registry panel. Credentials live in the inputs and in the worker's Registry objects (memory),
// unless the user chose to remember them (see "Remembered credentials").

/** The registry the panel names: host, repository, proxy, credentials (what the worker needs). */
function registrySettings() {
  let host = $('reg-host').value.trim().replace(/^oci:\/\//, '').replace(/\/+$/, '');
  let plainHttp = false;
  if (/^http:\/\//i.test(host)) {
    plainHttp = true;
    host = host.replace(/^http:\/\//i, '');
  }
  host = host.replace(/^https:\/\//i, '');
  const repo = ($('reg-repo').value.trim() || 'charts').replace(/^\/+|\/+$/g, '');
  const proxy = $('reg-proxy').value.trim().replace(/\/+$/, '');
  const username = $('reg-user').value;
  const password = $('reg-pass').value;
  if (!host) throw Object.assign(new Error('enter a registry host, e.g. registry.example.com:5000'), { code: 'invalid_input', field: 'host' });
  return { host, repo, proxy, username, password, plainHttp };
}

/** The settings the worker's Registry is keyed by (the repository is not one of them). */
function client() {
  const s = registrySettings();
  const { host, proxy, username, password, plainHttp } = s;
  return { settings: { host, proxy, username, password, plainHttp }, ...s };
}

/** A push or pull with its progress bar and a Cancel button that aborts it in the worker. */
async function transfer(method, args) {
  const cancel = $('cancel');
  let id = null;
  const onCancel = () => {
    if (id !== null) worker.postMessage({ abort: id });
  };
  cancel.hidden = false;
  cancel.addEventListener('click', onCancel);
  try {
    return await call(method, args, { onProgress: progress, onStart: (callId) => (id = callId) });
  } finally {
    cancel.removeEventListener('click', onCancel);
    cancel.hidden = true;
  }
}

function progress(p) {
  const bar = $('progress');
  bar.hidden = false;
  bar.max = p.total || 1;
  bar.value = p.done;
}

function hint(error) {
  // The binding's messages name its options (for programs); say what to do in this page instead.
  const message = errorMessage(error);
  if (/localCharts\[/.test(message)) return ' Pick that chart\u2019s folder under \u201cFolder of the file://\u2026 chart\u201d, then update again.';
  if (/pass registries: /.test(message)) return ' Enter that registry\u2019s host, username and password in the registry panel (the proxy relays it), then update again.';
  if (/trustRealms/.test(message)) return ' The registry sent its token request to another host; chartpack does not send credentials there.';
  switch (error?.code) {
    case 'unauthorized':
      return ' Check the username and password (or token) for this registry, then log in again.';
    case 'aborted':
      return ' It was cancelled or timed out; a push stopped before its manifest adds no version.';
    case 'digest_mismatch':
    case 'size_mismatch':
      return ' The registry sent other bytes than its manifest names; nothing was kept.';
    case 'too_large':
      return ' The registry sent more than chartpack accepts for a chart.';
    case 'denied':
      return ' The account may not write to this repository.';
    case 'transport':
      return ' Is the registry (or the proxy) running and reachable, and does the proxy relay this registry? A chart repository must allow this page\u2019s origin (CORS).';
    case 'not_found':
      return ' Check the repository and chart name.';
    default:
      return '';
  }
}

async function busy(button, what, task) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } catch (error) {
    console.error(what, error);
    setStatus('error', `${what} failed: ${errorMessage(error)}.${hint(error)}`, error);
    return undefined;
  } finally {
    button.disabled = button.id === 'push' && !packaged;
    button.removeAttribute('aria-busy');
  }
}

async function doLogin(event) {
  event.preventDefault();
  await busy($('login'), 'Login', async () => {
    const { settings, host } = client();
    setStatus('info', `Logging in to ${host}…`);
    await call('login', [settings, { timeoutMs: 60000 }]);
    applyRememberChoice();
    setStatus('ok', `Logged in to ${host}` + ($('reg-remember').checked ? '; this browser remembers the credentials' : ''));
  });
}

async function doPush() {
  if (!packaged) return;
  await busy($('push'), 'Push', async () => {
    const { settings, host, repo } = client();
    const remote = `oci://${host}/${repo}`;
    setStatus('info', `Pushing ${packaged.fileName} to ${remote}…`);
    progress({ done: 0, total: packaged.archive.length });
    const result = await transfer('push', [settings, packaged.archive, remote, { fileName: packaged.fileName, timeoutMs: 300000 }]);
    progress({ done: 1, total: 1 });
    setStatus('ok', `Pushed ${result.reference} (${result.digest})`);
    $('tags-chart').value = packaged.name;
    await listTags();
  });
}

async function listTags() {
  await busy($('list-tags'), 'Listing versions', async () => {
    const { settings, host, repo } = client();
    const chart = $('tags-chart').value.trim();
    if (!chart) throw Object.assign(new Error('enter a chart name'), { code: 'invalid_input', field: 'chart' });
    const reference = `oci://${host}/${repo}/${chart}`;
    const tags = await call('tags', [settings, reference, { timeoutMs: 60000 }]);
    const list = $('tags');
    list.textContent = '';
    for (const tag of tags) {
      list.append(
        el(
          'li',
          {},
          el('code', {}, tag),
          ' ',
          el('button', { type: 'button', 'data-tag': tag, onclick: () => pull(reference, tag) }, `Pull and preview ${tag}`),
          ' ',
          el('button', { type: 'button', class: 'secondary', onclick: () => showCommands(reference, chart, tag) }, 'Command lines'),
        ),
      );
    }
    if (!tags.length) list.append(el('li', { class: 'muted' }, 'No versions.'));
    setStatus('ok', `${reference}: ${tags.length} version(s)`);
    if (tags.length) showCommands(reference, chart, tags[0]);
  });
}

async function pull(reference, tag) {
  const button = document.querySelector(`#tags button[data-tag="${CSS.escape(tag)}"]`) ?? $('list-tags');
  await busy(button, 'Pull', async () => {
    const { settings } = client();
    setStatus('info', `Pulling ${reference}:${tag}…`);
    const result = await transfer('pull', [settings, `${reference}:${tag}`, { timeoutMs: 300000 }]);
    await openArchive(result.archive, result.fileName, `${reference}:${tag}`);
    $('chart').scrollIntoView({ block: 'start' });
  });
}

function showCommands(reference, chart, version) {
  const { proxy, plainHttp } = registrySettings();
  // A registry named http://… (or one the proxy reaches over plain HTTP) needs --plain-http.
  const plain = plainHttp ? ' --plain-http' : '';
  const lines = [
    `helm pull ${reference} --version ${version}${plain}`,
    `helm install ${chart} ${reference} --version ${version}${plain}`,
    `chartpack pull ${reference} --version ${version}` + (proxy ? ` --proxy ${proxy}` : plain),
  ];
  const box = $('command-list');
  box.textContent = '';
  for (const line of lines) {
    const code = el('code', {}, line);
    box.append(
      el(
        'div',
        { class: 'command' },
        code,
        ' ',
        el('button', {
          type: 'button',
          class: 'secondary',
          'aria-label': `Copy: ${line}`,
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(line);
              setStatus('ok', `Copied: ${line}`);
            } catch {
              getSelection().selectAllChildren(code);
              setStatus('info', 'Selected the command; press Ctrl+C to copy it.');
            }
          },
        }, 'Copy'),
      ),
    );
  }
  $('commands').hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Keeping the user's work across a reload: the open chart (its files or archive) and the values
// panel's -f files in IndexedDB, the registry panel's host, repository and proxy and the --set
// lines in localStorage. All of it stays in this browser; "Close" forgets the chart and the values
// files. Credentials are kept only when the user ticks "Remember" (localStorage, per registry
// host, unencrypted: the hint says so).

const DB_NAME = 'chartpack';
const STORE = 'session';
const CHART_KEY = 'chart';
const VALUES_KEY = 'values';
const FORM_KEY = 'chartpack.form';
const CREDENTIALS_KEY = 'chartpack.credentials';

function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

/** One IndexedDB request on the session store; resolves with its result. */
async function stored(mode, action) {
  const db = await database();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('the browser refused to store the chart'));
    });
  } finally {
    db.close();
  }
}

/** Stores the open chart; on failure (private mode, quota) the page warns before a reload instead. */
async function keepChart(chart) {
  try {
    const { kind, files, bytes, fileName, label } = chart;
    await stored('readwrite', (s) => s.put({ kind, files, bytes, fileName, label, savedAt: Date.now() }, CHART_KEY));
    chart.kept = true;
  } catch (error) {
    chart.kept = false;
    console.warn('the chart could not be kept for a reload', error);
  }
}

/** Forgets what is kept for a reload under `key` ('chart' or 'values'). */
async function forgetKept(key) {
  try {
    await stored('readwrite', (s) => s.delete(key));
  } catch (error) {
    console.warn(`could not forget the kept ${key}`, error);
  }
}

/** What was kept under `key` before the reload, if anything (null when storage is unavailable). */
async function kept(key) {
  try {
    return (await stored('readonly', (s) => s.get(key))) ?? null;
  } catch {
    return null;
  }
}

/** Keeps the values panel's `-f` files (names and bytes) for a reload. */
async function keepValuesFiles() {
  const files = await Promise.all([...($('values-files').files ?? [])].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  try {
    if (files.length) await stored('readwrite', (s) => s.put(files, VALUES_KEY));
    else await forgetKept(VALUES_KEY);
    if (files.length) setStatus('ok', `Values files ${files.map((f) => f.name).join(', ')}: kept in this browser for a reload`);
  } catch (error) {
    console.warn('the values files could not be kept for a reload', error);
    setStatus('warn', `Values files ${files.map((f) => f.name).join(', ')}: this browser would not keep them, so a reload forgets them`);
  }
}

/** Puts the kept `-f` files back into the values panel's file input. */
async function restoreValuesFiles() {
  const files = await kept(VALUES_KEY);
  if (!Array.isArray(files) || !files.length) return;
  const transfer = new DataTransfer();
  for (const f of files) transfer.items.add(new File([f.bytes], f.name));
  $('values-files').files = transfer.files;
}

const FORM_FIELDS = ['reg-host', 'reg-repo', 'reg-proxy', 'tags-chart', 'set-lines'];

function keepForm() {
  try {
    localStorage.setItem(FORM_KEY, JSON.stringify(Object.fromEntries(FORM_FIELDS.map((id) => [id, $(id).value]))));
  } catch {
    /* storage disabled: nothing kept */
  }
}

/** Puts back the kept form values; false when nothing was kept. */
function restoreForm() {
  try {
    const form = JSON.parse(localStorage.getItem(FORM_KEY) ?? 'null');
    if (!form || typeof form !== 'object') return false;
    for (const id of FORM_FIELDS) if (typeof form[id] === 'string') $(id).value = form[id];
    return true;
  } catch {
    return false; // nothing kept, or not readable
  }
}

/** Reopens the chart kept before a reload, and says so. */
async function restoreChart() {
  const chart = await kept(CHART_KEY);
  if (!chart || current || !['dir', 'tgz'].includes(chart.kind)) return;
  current = { ...chart, kept: true };
  await preview();
  const note = $('restored');
  note.textContent = `Reopened ${chart.label} as it was before the reload (kept in this browser only, since ${new Date(chart.savedAt).toLocaleString()}). Close forgets it.`;
  note.hidden = false;
}

async function closeChart() {
  current = null;
  clearChart();
  $('values-files').value = '';
  await forgetKept(CHART_KEY);
  await forgetKept(VALUES_KEY);
  setStatus('ok', 'Closed the chart; this browser no longer keeps it or its values files.');
  $('drop').focus();
}

function rememberedCredentials() {
  try {
    return JSON.parse(localStorage.getItem(CREDENTIALS_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function setRememberedCredentials(all) {
  if (Object.keys(all).length) localStorage.setItem(CREDENTIALS_KEY, JSON.stringify(all));
  else localStorage.removeItem(CREDENTIALS_KEY);
}

function registryHostKey() {
  return $('reg-host').value.trim().replace(/^(oci|https?):\/\//i, '').replace(/\/+$/, '');
}

/** Fills the credentials remembered for the host in the panel, and the checkbox and hint. */
function showRememberedCredentials() {
  const saved = rememberedCredentials()[registryHostKey()];
  if (saved) {
    $('reg-user').value = saved.username ?? '';
    $('reg-pass').value = saved.password ?? '';
  }
  $('reg-remember').checked = Boolean(saved);
  credentialHint();
}

function credentialHint() {
  $('cred-hint').textContent = $('reg-remember').checked
    ? 'These credentials are kept in this browser\u2019s local storage, unencrypted, for this host, until you untick the box. Anyone using this browser profile can read them.'
    : 'Credentials stay in this page\u2019s memory only; a reload forgets them.';
}

/** After a successful login: remember or forget the host's credentials as the checkbox says. */
function applyRememberChoice() {
  const all = rememberedCredentials();
  const host = registryHostKey();
  if ($('reg-remember').checked) all[host] = { username: $('reg-user').value, password: $('reg-pass').value };
  else delete all[host];
  try {
    setRememberedCredentials(all);
  } catch (error) {
    setStatus('warn', `The browser refused to store the credentials: ${errorMessage(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring.

async function guarded(what, task) {
  try {
    await task();
  } catch (error) {
    fail(what, error);
  }
}

function wire() {
  $('pick-dir').addEventListener('change', (e) =>
    guarded('Opening the folder failed', async () => {
      const list = e.target.files;
      if (!list.length) return;
      const top = (list[0].webkitRelativePath || '').split('/')[0] || 'folder';
      await openFolder(await filesFromFileList(list), `folder ${top}`);
      e.target.value = '';
    }),
  );
  $('pick-tgz').addEventListener('change', (e) =>
    guarded('Opening the archive failed', async () => {
      const file = e.target.files[0];
      if (!file) return;
      await openArchive(new Uint8Array(await file.arrayBuffer()), file.name);
      e.target.value = '';
    }),
  );
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const items = Array.from(e.dataTransfer.items ?? []);
    const entries = items.map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
    guarded('Opening what was dropped failed', async () => {
      if (entries.length === 1 && entries[0].isDirectory) {
        await openFolder(await filesFromEntry(entries[0]), `folder ${entries[0].name}`);
      } else {
        const file = e.dataTransfer.files[0];
        if (!file) throw Object.assign(new Error('drop one chart folder or one .tgz file'), { code: 'invalid_input' });
        if (!isArchiveName(file.name)) {
          throw Object.assign(new Error(`${file.name} is not a .tgz; drop a chart folder or a chart archive`), { code: 'invalid_input' });
        }
        await openArchive(new Uint8Array(await file.arrayBuffer()), file.name);
      }
    });
  });
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      $('pick-dir').click();
    }
  });
  $('package').addEventListener('click', () => guarded('Packaging failed', doPackage));
  $('update-deps').addEventListener('click', doUpdateDependencies);
  $('close-chart').addEventListener('click', () => guarded('Closing the chart failed', closeChart));
  for (const id of FORM_FIELDS) $(id).addEventListener('change', keepForm);
  $('values-files').addEventListener('change', () => guarded('Keeping the values files failed', keepValuesFiles));
  $('reg-host').addEventListener('change', showRememberedCredentials);
  $('reg-remember').addEventListener('change', () => {
    credentialHint();
    if (!$('reg-remember').checked) {
      const all = rememberedCredentials();
      if (all[registryHostKey()]) {
        delete all[registryHostKey()];
        setRememberedCredentials(all);
        setStatus('ok', `This browser no longer remembers the credentials for ${registryHostKey()}.`);
      }
    }
  });
  $('compute-values').addEventListener('click', () => guarded('Computing the values failed', doComputeValues));
  $('registry-form').addEventListener('submit', doLogin);
  $('push').addEventListener('click', doPush);
  $('list-tags').addEventListener('click', listTags);
}

async function defaults(formRestored) {
  if (!/^https?:$/.test(location.protocol)) return;
  // `chartpack serve` serves the app and relays registries.
  if (!formRestored) $('reg-proxy').value = location.origin;
  try {
    const health = await fetch('/healthz', { credentials: 'omit' }).then((r) => (r.ok ? r.json() : null));
    const first = health?.registries?.[0];
    if (first && !$('reg-host').value) {
      const name = typeof first === 'string' ? first : first.host ?? '';
      const plain = Array.isArray(health.plainHttp) && health.plainHttp.includes(name);
      $('reg-host').value = (plain ? 'http://' : '') + name.replace(/^https?:\/\//, '');
      showRememberedCredentials();
    }
  } catch {
    /* not behind chartpack serve: the user types the registry */
  }
}

// A chart the browser would not store is lost on a reload: say so rather than lose it silently.
addEventListener('beforeunload', (e) => {
  keepForm();
  if (current && current.kept === false) {
    e.preventDefault();
    e.returnValue = '';
  }
});

async function main() {
  wire();
  const formRestored = restoreForm();
  showRememberedCredentials();
  defaults(formRestored);
  try {
    exportNames = await startWorker();
  } catch (error) {
    fail('chartpack could not start', error);
    return;
  }
  document.body.dataset.exports = exportNames.join(',');
  setStatus('ok', 'Ready. Open a chart folder or a .tgz to begin.');
  await guarded('Reopening the chart kept before the reload failed', async () => {
    await restoreValuesFiles();
    await restoreChart();
  });
  document.body.dataset.ready = 'true';
}

main();
