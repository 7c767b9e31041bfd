// The package's API in Node 20+ (run: node --test pkg/test/node.test.mjs), written against
// pkg/API.md: init, packageChart (fixture chart and the corpus, byte-identical to the native
// `chartpack package --reproducible`), verifyArchive, lint (helm's diagnostics, from the
// corpus's golden helm output), show (= native `chartpack show`), inspect, buildManifest,
// structured errors, the Registry client against a real registry (REGISTRY_HOST, plain
// http, no auth): push, pull, tags, digests, progress, abort; and updateDependencies /
// buildDependencies (= native `chartpack dependency update|build`) with OCI, HTTP-repository
// (a Basic-auth repository served by this file), file:// and vendored dependencies.
//
// Environment: CHARTPACK_CORPUS (default ../shared/corpus; corpus cases skip with a note when
// absent), CHARTPACK_BIN (the native chartpack; default target/debug/chartpack), REGISTRY_HOST
// (registry cases skip without it), CHARTPACK_CHART_DIR (a chart whose reproducible archive's
// sha256 goes to CHARTPACK_RESULTS_DIR/node.json for the cross-environment comparison).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import * as cp from '../index.js';
import { REPO_ROOT, corpusDir, readChartFiles, sha256Hex, writeKeyValues, writeResult } from './lib.mjs';

const corpus = corpusDir();
const registryHost = process.env.REGISTRY_HOST || null;
const nativeBin = (() => {
  const candidates = [
    process.env.CHARTPACK_BIN,
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'debug', 'chartpack'),
    join(REPO_ROOT, 'target', 'debug', 'chartpack'),
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p)) || null;
})();
if (!corpus) console.log('# note: corpus not found (set CHARTPACK_CORPUS); corpus cases skipped');
if (!nativeBin) console.log('# note: no native chartpack (set CHARTPACK_BIN); comparisons with the CLI skipped');
if (!registryHost) console.log('# note: REGISTRY_HOST not set; registry cases skipped');

const work = mkdtempSync(join(tmpdir(), 'chartpack-node-test-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const enc = new TextEncoder();
const results = {};

/** Writes `files` ({ path: text }) as a chart directory under the work dir. */
function writeChart(name, files) {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const fixtureDir = writeChart('fixture', {
  'Chart.yaml': 'apiVersion: v2\nname: fixture\nversion: 1.4.2\nappVersion: "2.0"\ndescription: a fixture chart\ntype: application\n',
  'values.yaml': '# defaults\nreplicas: 1\nimage:\n  repository: nginx\n  tag: "1.27"\n',
  '.helmignore': '*.bak\nscratch/\n',
  'templates/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n',
  'templates/_helpers.tpl': '{{- define "fixture.name" -}}{{ .Chart.Name }}{{- end -}}\n',
  'templates/NOTES.txt': 'Installed {{ .Chart.Name }}.\n',
  'README.md': '# fixture\n',
  'notes.bak': 'ignored by .helmignore\n',
  'scratch/tmp.txt': 'ignored directory\n',
});

/** Runs the native CLI; returns { status, stdout (Buffer), stderr }. */
function native(args, opts = {}) {
  const env = { ...process.env, ...(opts.env || {}) };
  delete env.SOURCE_DATE_EPOCH;
  Object.assign(env, opts.env || {});
  const r = spawnSync(nativeBin, args, { cwd: opts.cwd || work, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** The archive `chartpack package --reproducible DIR` writes, or null when it fails. */
function nativeReproducible(dir) {
  const out = mkdtempSync(join(work, 'native-'));
  const r = native(['package', '--reproducible', dir, '-d', out]);
  if (r.status !== 0) return { error: r.stderr };
  const [file] = readdirSync(out);
  return { fileName: file, archive: readFileSync(join(out, file)) };
}

/** The entry names of a .tgz, in order (ustar name + prefix; PAX headers skipped). */
function tarNames(archive) {
  const tar = gunzipSync(archive);
  const names = [];
  const field = (b, at, len) => b.subarray(at, at + len).toString('latin1').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; ) {
    const h = tar.subarray(at, at + 512);
    if (h.every((x) => x === 0)) break;
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const prefix = field(h, 345, 155);
    if (h[156] !== 0x78 && h[156] !== 0x67) names.push(prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

/** Calls `f`, expecting it to throw; returns the error. */
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

/** A stable error code: `snake_case`, or `area.snake_case` as the core names them (chart.…, archive.…). */
const isCode = (code) => typeof code === 'string' && /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/.test(code);

test('sync functions before init() throw an Error with code not_initialized', () => {
  const e = thrown(() => cp.packageChart(readChartFiles(fixtureDir)));
  assert.ok(e instanceof Error, `an Error, got ${e}`);
  assert.equal(e.code, 'not_initialized', e.message);
});

test('init() loads the wasm once; repeated and concurrent calls are fine', async () => {
  await Promise.all([cp.init(), cp.init()]);
  await cp.init();
  assert.equal(cp.packageChart(readChartFiles(fixtureDir)).name, 'fixture');
});

test('packageChart: a fixture chart (.helmignore applied, digest, entries, options)', () => {
  const files = readChartFiles(fixtureDir);
  const pkg = cp.packageChart(files);
  assert.equal(pkg.name, 'fixture');
  assert.equal(pkg.version, '1.4.2');
  assert.equal(pkg.fileName, 'fixture-1.4.2.tgz');
  assert.ok(pkg.archive instanceof Uint8Array);
  assert.equal(pkg.digest, `sha256:${sha256Hex(pkg.archive)}`);
  assert.equal(pkg.entries, 7);
  assert.deepEqual(tarNames(pkg.archive), [
    'fixture/Chart.yaml',
    'fixture/values.yaml',
    'fixture/templates/NOTES.txt',
    'fixture/templates/_helpers.tpl',
    'fixture/templates/deployment.yaml',
    'fixture/.helmignore',
    'fixture/README.md',
  ]);

  const bumped = cp.packageChart(files, { version: '2.0.0-rc.1', appVersion: '9.9', reproducible: true });
  assert.equal(bumped.fileName, 'fixture-2.0.0-rc.1.tgz');
  const v = cp.verifyArchive(bumped.archive, bumped.fileName);
  assert.equal(v.version, '2.0.0-rc.1');
  assert.equal(v.metadata.appVersion, '9.9');

  // reproducible: true = epoch 0; a number = those seconds; the files' own times don't matter.
  const r0 = cp.packageChart(files, { reproducible: true });
  const shifted = files.map((f) => ({ ...f, lastModified: f.lastModified + 3_600_000 }));
  assert.deepEqual(cp.packageChart(shifted, { reproducible: true }).archive, r0.archive);
  assert.deepEqual(cp.packageChart(files, { reproducible: 0 }).archive, r0.archive);
  assert.notDeepEqual(cp.packageChart(files, { reproducible: 1_700_000_000 }).archive, r0.archive);
});

test('packageChart: a common top directory is stripped; Node Buffers are accepted', () => {
  const plain = readChartFiles(fixtureDir);
  const prefixed = plain.map((f) => ({ ...f, path: `fixture/${f.path}` }));
  const a = cp.packageChart(plain, { reproducible: true });
  assert.deepEqual(cp.packageChart(prefixed, { reproducible: true }).archive, a.archive);
  const buffers = readChartFiles(fixtureDir, { asBuffer: true });
  assert.ok(Buffer.isBuffer(buffers[0].bytes));
  assert.deepEqual(cp.packageChart(buffers, { reproducible: true }).archive, a.archive);
});

test('packageChart --reproducible: the same bytes as the native CLI (fixture)', { skip: !nativeBin && 'no native chartpack' }, () => {
  const ours = cp.packageChart(readChartFiles(fixtureDir), { reproducible: true });
  const theirs = nativeReproducible(fixtureDir);
  assert.ok(theirs.archive, theirs.error);
  assert.equal(ours.fileName, theirs.fileName);
  assert.equal(sha256Hex(ours.archive), sha256Hex(theirs.archive));
});

test('packageChart on every corpus chart: bytes of the native reproducible package, or an error with a code where it fails', { skip: (!corpus || !nativeBin) && 'no corpus or no native chartpack' }, () => {
  const failures = [];
  let same = 0;
  let refused = 0;
  for (const id of readdirSync(join(corpus, 'charts')).sort()) {
    const dir = join(corpus, 'charts', id);
    const theirs = nativeReproducible(dir);
    let ours;
    try {
      ours = cp.packageChart(readChartFiles(dir), { reproducible: true });
    } catch (e) {
      if (theirs.archive) failures.push(`${id}: wasm failed (${e.code}: ${e.message}) where the CLI packaged`);
      else if (!isCode(e.code)) failures.push(`${id}: error without a known code: ${e.code} ${e.message}`);
      else refused++;
      continue;
    }
    if (!theirs.archive) failures.push(`${id}: wasm packaged where the CLI failed: ${theirs.error.trim()}`);
    else if (ours.fileName !== theirs.fileName) failures.push(`${id}: file name ${ours.fileName} != ${theirs.fileName}`);
    else if (sha256Hex(ours.archive) !== sha256Hex(theirs.archive)) failures.push(`${id}: archive bytes differ`);
    else same++;
  }
  console.log(`# ${same} corpus charts byte-identical to the native CLI, ${refused} refused by both`);
  assert.deepEqual(failures, []);
  assert.ok(same > 30, `only ${same} charts compared`);
});

test('verifyArchive: the fixture, and every corpus archive as the native `chartpack verify` judges it', () => {
  const pkg = cp.packageChart(readChartFiles(fixtureDir));
  const v = cp.verifyArchive(pkg.archive, pkg.fileName);
  assert.equal(v.name, 'fixture');
  assert.equal(v.version, '1.4.2');
  assert.equal(v.files, 7);
  assert.equal(v.size, pkg.archive.length);
  assert.equal(v.digest, pkg.digest);
  assert.equal(v.metadata.apiVersion, 'v2');
  assert.equal(v.metadata.appVersion, '2.0');
  const bad = thrown(() => cp.verifyArchive(pkg.archive.subarray(0, pkg.archive.length - 40), pkg.fileName));
  assert.match(bad.code, /^archive\./, bad.message);
  // readArchiveFile: each file inspect() lists, as the chart directory holds it.
  const fixture = new Map(readChartFiles(fixtureDir).map((f) => [f.path, f.bytes]));
  const listed = cp.inspect(pkg.archive).files;
  assert.equal(listed.length, 7);
  for (const { path, size } of listed) {
    const bytes = cp.readArchiveFile(pkg.archive, path);
    assert.equal(bytes.length, size, path);
    if (path !== 'Chart.yaml') assert.deepEqual(Buffer.from(bytes), Buffer.from(fixture.get(path)), path);
  }
  const missing = thrown(() => cp.readArchiveFile(pkg.archive, 'templates/nope.yaml'));
  assert.equal(missing.code, 'invalid_input');
  assert.equal(missing.field, 'path');
  const truncated = thrown(() => cp.readArchiveFile(pkg.archive.subarray(0, 100), 'Chart.yaml'));
  assert.match(truncated.code, /^archive\./, truncated.message);
  if (!corpus || !nativeBin) return;
  const failures = [];
  const archives = readdirSync(join(corpus, 'archives')).filter((f) => f.endsWith('.tgz')).sort();
  for (const file of archives) {
    const path = join(corpus, 'archives', file);
    const nativeOk = native(['verify', path]).status === 0;
    let err = null;
    try {
      cp.verifyArchive(new Uint8Array(readFileSync(path)), file);
    } catch (e) {
      err = e;
    }
    if (nativeOk && err) failures.push(`${file}: wasm refused (${err.code}: ${err.message}), the CLI verified`);
    if (!nativeOk && !err) failures.push(`${file}: wasm verified, the CLI refused`);
    if (err && !isCode(err.code)) failures.push(`${file}: unknown code ${err.code}`);
  }
  console.log(`# ${archives.length} corpus archives judged as the CLI does`);
  assert.deepEqual(failures, []);
});

/** Our diagnostics as `helm lint` prints them. */
function lintText(diagnostics) {
  return diagnostics.map((d) => `[${d.severity}] ${d.path}: ${d.message}\n`).join('');
}

test('lint: diagnostics shaped like helm (fixture, files and archive)', async () => {
  const d = await cp.lint(readChartFiles(fixtureDir));
  assert.ok(Array.isArray(d));
  for (const x of d) {
    assert.ok(['INFO', 'WARNING', 'ERROR'].includes(x.severity), JSON.stringify(x));
    assert.equal(typeof x.path, 'string');
    assert.equal(typeof x.message, 'string');
  }
  assert.equal(lintText(d), '[INFO] Chart.yaml: icon is recommended\n');
  // An archive lints like its directory.
  assert.deepEqual(await cp.lint(cp.packageChart(readChartFiles(fixtureDir)).archive), d);
});

/** The findings `chartpack lint DIR` prints, the chart directory's own path written ".". */
function nativeLint(dir) {
  const r = native(['lint', dir]);
  const out = r.stdout.toString();
  const header = `==> Linting ${dir}\n`;
  if (!out.startsWith(header)) return { error: `unexpected output: ${out}${r.stderr}` };
  let body = out.slice(header.length).replace(/(\d+ chart\(s\) linted, \d+ chart\(s\) failed\n)$/, '');
  if (body.startsWith('Error ')) return { fatal: body.slice('Error '.length, body.indexOf('\n')) };
  body = body.replaceAll(`] ${dir}: `, '] .: ');
  return { text: body };
}

test('lint equals the native `chartpack lint` (= helm lint without template rendering) on fixtures and every corpus chart', { skip: !nativeBin && 'no native chartpack' }, async () => {
  const dirs = [
    fixtureDir,
    writeChart('lint-broken-values', {
      'Chart.yaml': 'apiVersion: v2\nname: broken\nversion: 0.1.0\nicon: https://example.com/i.png\n',
      'values.yaml': 'replicas: [1\n',
      'templates/cm.yaml': 'kind: ConfigMap\n',
    }),
    writeChart('lint-bad-chart-yaml', {
      'Chart.yaml': 'apiVersion: v3\nname: Bad_Name\nversion: one\ntype: plugin\n',
      'values.yaml': 'a: 1\n',
    }),
    writeChart('lint-schema', {
      'Chart.yaml': 'apiVersion: v2\nname: schema\nversion: 0.1.0\n',
      'values.yaml': 'port: "80"\n',
      'values.schema.json': '{"type":"object","properties":{"port":{"type":"integer","minimum":1}},"required":["port","host"]}\n',
      'templates/cm.yaml': 'kind: ConfigMap\n',
    }),
  ];
  if (corpus) dirs.push(...readdirSync(join(corpus, 'charts')).sort().map((id) => join(corpus, 'charts', id)));
  const failures = [];
  for (const dir of dirs) {
    const theirs = nativeLint(dir);
    let ours;
    try {
      ours = lintText(await cp.lint(readChartFiles(dir))) + '\n';
    } catch (e) {
      if (!theirs.fatal) failures.push(`${dir}: lint threw ${e.code}: ${e.message}`);
      else if (!isCode(e.code) || !e.message.includes(theirs.fatal)) failures.push(`${dir}: threw ${e.code}: ${e.message}; the CLI: Error ${theirs.fatal}`);
      continue;
    }
    if (theirs.error || theirs.fatal) failures.push(`${dir}: the CLI: ${theirs.error || theirs.fatal}; wasm:\n${ours}`);
    else if (ours !== theirs.text) failures.push(`${dir}:\n--- cli\n${theirs.text}--- wasm\n${ours}`);
  }
  console.log(`# lint compared on ${dirs.length} charts`);
  assert.deepEqual(failures, []);
});

test('computeValues equals the native `chartpack values` (-f files, every --set flavour, subcharts) on fixtures and corpus charts', { skip: !nativeBin && 'no native chartpack' }, async () => {
  const parent = writeChart('values-parent', {
    'Chart.yaml': 'apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n',
    'values.yaml': 'replicas: 1\nimage: {repo: nginx, tag: "1.0"}\nlist: [a, b]\nglobal: {region: eu}\nsub: {enabled: true, port: 80}\n',
    'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n',
    'charts/sub/values.yaml': 'port: 8080\nname: sub\n',
  });
  const extra = join(work, 'values-extra.yaml');
  writeFileSync(extra, 'replicas: 3\nimage: {tag: null}\nlist: [c]\n');
  const note = join(work, 'note.txt');
  writeFileSync(note, 'from a file\n');
  const flags = [
    ['-f', extra],
    ['--set', 'a.b=1,c=true,d=null,e[1]=x,f=010'],
    ['--set-string', 'g=2'],
    ['--set-json', 'h={"k":[1,2]}'],
    ['--set-literal', 'i=a,b=c'],
    ['--set-file', `note=${note}`],
    ['--set', 'sub.port=9090,global.region=us'],
  ];
  const options = {
    values: [{ name: extra, text: readFileSync(extra, 'utf8') }],
    set: ['a.b=1,c=true,d=null,e[1]=x,f=010', 'sub.port=9090,global.region=us'],
    setString: ['g=2'],
    setJson: ['h={"k":[1,2]}'],
    setLiteral: ['i=a,b=c'],
    setFile: [`note=${note}`],
    setFiles: { [note]: readFileSync(note, 'utf8') },
  };
  const cases = [[parent, flags.flat(), options], [parent, [], {}]];
  if (corpus) {
    for (const id of readdirSync(join(corpus, 'charts')).sort().slice(0, 25)) cases.push([join(corpus, 'charts', id), [], {}]);
  }
  const failures = [];
  let compared = 0;
  for (const [dir, args, opts] of cases) {
    const theirs = native(['values', dir, ...args]);
    let ours;
    try {
      ours = await cp.computeValues(readChartFiles(dir), opts);
    } catch (e) {
      if (theirs.status === 0) failures.push(`${dir}: computeValues threw ${e.code}: ${e.message}`);
      else if (!isCode(e.code) || !theirs.stderr.includes(e.message.split('\n')[0])) failures.push(`${dir}: threw ${e.code}: ${e.message}; the CLI: ${theirs.stderr}`);
      continue;
    }
    if (theirs.status !== 0) failures.push(`${dir}: the CLI failed: ${theirs.stderr}; wasm:\n${ours}`);
    else if (ours !== theirs.stdout.toString()) failures.push(`${dir}:\n--- cli\n${theirs.stdout}--- wasm\n${ours}`);
    compared++;
  }
  console.log(`# values compared on ${compared} charts`);
  assert.ok(compared >= 2);
  assert.deepEqual(failures, []);
  const bad = await cp.computeValues(readChartFiles(parent), { set: ['a.b'] }).catch((e) => e);
  assert.equal(bad.name, 'ChartpackError');
  assert.equal(bad.code, 'values.set');
});

test('show("chart") and the other parts equal the native `chartpack show` output', { skip: !nativeBin && 'no native chartpack' }, () => {
  const dirs = [fixtureDir];
  if (corpus) {
    for (const id of readdirSync(join(corpus, 'charts')).sort()) dirs.push(join(corpus, 'charts', id));
  }
  const failures = [];
  for (const dir of dirs) {
    const files = readChartFiles(dir);
    for (const part of dir === fixtureDir ? ['chart', 'values', 'readme', 'crds', 'all'] : ['chart']) {
      const theirs = native(['show', part, dir]);
      let ours;
      try {
        ours = cp.show(files, part);
      } catch (e) {
        // Where the CLI fails too, with the same message.
        if (theirs.status === 0 || !theirs.stderr.includes(`Error: ${e.message}`) || !isCode(e.code)) {
          failures.push(`${dir} ${part}: threw ${e.code}: ${e.message}; the CLI: exit ${theirs.status} ${theirs.stderr}`);
        }
        continue;
      }
      if (theirs.status !== 0) failures.push(`${dir} ${part}: the CLI failed: ${theirs.stderr}`);
      else if (ours !== theirs.stdout.toString()) failures.push(`${dir} ${part}:\n--- cli\n${theirs.stdout}--- wasm\n${ours}`);
    }
  }
  // From the archive too.
  const archive = cp.packageChart(readChartFiles(fixtureDir)).archive;
  assert.equal(cp.show(archive, 'chart'), cp.show(readChartFiles(fixtureDir), 'chart'));
  console.log(`# show compared on ${dirs.length} charts`);
  assert.deepEqual(failures, []);
});

test('inspect: metadata, values, readme, files and what .helmignore excluded', () => {
  const p = cp.inspect(readChartFiles(fixtureDir));
  assert.equal(p.metadata.name, 'fixture');
  assert.equal(p.values, readFileSync(join(fixtureDir, 'values.yaml'), 'utf8'));
  assert.equal(p.readme, '# fixture\n');
  assert.ok(p.files.some((f) => f.path === 'templates/deployment.yaml' && f.size > 0), JSON.stringify(p.files));
  assert.ok(p.ignored.includes('notes.bak'), `ignored ${JSON.stringify(p.ignored)}`);
  assert.ok(p.ignored.some((x) => x === 'scratch' || x === 'scratch/' || x === 'scratch/tmp.txt'), `ignored ${JSON.stringify(p.ignored)}`);
  assert.ok(!p.files.some((f) => f.path === 'notes.bak'), 'ignored files are not listed as chart files');
});

test('buildManifest: helm\'s chart artifact for an archive', () => {
  const pkg = cp.packageChart(readChartFiles(fixtureDir), { reproducible: true });
  const created = '2026-01-02T03:04:05Z';
  const a = cp.buildManifest(pkg.archive, { created });
  assert.equal(a.tag, '1.4.2');
  assert.equal(a.manifestDigest, `sha256:${sha256Hex(a.manifest)}`);
  const manifest = JSON.parse(Buffer.from(a.manifest).toString());
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.config.mediaType, 'application/vnd.cncf.helm.config.v1+json');
  assert.equal(manifest.config.digest, `sha256:${sha256Hex(a.config)}`);
  assert.equal(manifest.layers.length, 1);
  assert.deepEqual(a.layers, [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest: pkg.digest, size: pkg.archive.length }]);
  const config = JSON.parse(Buffer.from(a.config).toString());
  assert.equal(config.name, 'fixture');
  assert.equal(config.version, '1.4.2');
  assert.equal(a.annotations['org.opencontainers.image.created'], created);
  assert.equal(a.annotations['org.opencontainers.image.title'], 'fixture');
  assert.equal(a.annotations['org.opencontainers.image.version'], '1.4.2');
  assert.deepEqual(manifest.annotations, a.annotations);
  assert.equal(cp.buildManifest(pkg.archive, { created }).manifestDigest, a.manifestDigest, 'deterministic');
  const prov = cp.buildManifest(pkg.archive, { created, provenance: enc.encode('-----BEGIN PGP SIGNED MESSAGE-----\n') });
  assert.equal(prov.layers.length, 2);
  assert.deepEqual(prov.layers.map((l) => l.mediaType).sort(), [
    'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    'application/vnd.cncf.helm.chart.provenance.v1.prov',
  ]);
  assert.deepEqual(prov.layers.map((l) => l.digest), prov.layers.map((l) => l.digest).sort(), 'layers sorted by digest, as helm');
});

test('errors are Errors with a code, and file/field when known', () => {
  const notFiles = thrown(() => cp.packageChart('Chart.yaml'));
  assert.equal(notFiles.code, 'invalid_input', notFiles.message);
  const badPart = thrown(() => cp.show(readChartFiles(fixtureDir), 'everything'));
  assert.equal(badPart.code, 'invalid_input', badPart.message);
  const badOption = thrown(() => cp.packageChart(readChartFiles(fixtureDir), { version: 'not-semver' }));
  assert.ok(isCode(badOption.code), `code ${badOption.code}`);
  assert.equal(badOption.field, 'version', JSON.stringify({ code: badOption.code, message: badOption.message }));
  const garbage = thrown(() => cp.verifyArchive(enc.encode('not a chart\n'), 'notes.tgz'));
  assert.ok(garbage instanceof Error);
  assert.equal(garbage.name, 'ChartpackError');
  assert.match(garbage.code, /^archive\./, garbage.message);
  const badValues = thrown(() =>
    cp.packageChart(readChartFiles(fixtureDir).map((f) => (f.path === 'values.yaml' ? { ...f, bytes: enc.encode('a: [1\n') } : f))),
  );
  assert.match(badValues.code, /^chart\./, badValues.message);
  assert.equal(badValues.file, 'values.yaml');

  // Chart.yaml without `version`: the CLI's message, a chart code, the file and the field.
  const noVersion = readChartFiles(fixtureDir).map((f) =>
    f.path === 'Chart.yaml' ? { ...f, bytes: enc.encode('apiVersion: v2\nname: fixture\n') } : f,
  );
  const e = thrown(() => cp.packageChart(noVersion));
  const seen = JSON.stringify({ code: e.code, message: e.message, file: e.file, field: e.field });
  assert.ok(e instanceof Error);
  assert.match(e.code, /^chart\./, seen);
  assert.match(e.message, /version/);
  assert.equal(e.file, 'Chart.yaml', seen);
  if (nativeBin) {
    const dir = writeChart('no-version', { 'Chart.yaml': 'apiVersion: v2\nname: fixture\n' });
    const r = native(['package', dir, '-d', work]);
    assert.equal(r.status, 1);
    assert.ok(r.stderr.includes(e.message), `the CLI says ${JSON.stringify(r.stderr)}, wasm ${JSON.stringify(e.message)}`);
  }
  assert.equal(e.field, 'version', `the missing field is known: ${seen}`);
});

test('Registry: push, pull, tags against a real registry (plain http), digests and progress', { skip: !registryHost && 'REGISTRY_HOST not set' }, async () => {
  const reg = new cp.Registry(registryHost, { plainHttp: true });
  const pkg = cp.packageChart(readChartFiles(fixtureDir), { reproducible: true });
  const created = '2026-01-02T03:04:05Z';
  const remote = `oci://${registryHost}/node`;
  const pushProgress = [];
  const pushed = await reg.push(pkg.archive, remote, { created, onProgress: (p) => pushProgress.push(p) });
  assert.equal(pushed.reference, `${registryHost}/node/fixture:1.4.2`);
  assert.equal(pushed.digest, cp.buildManifest(pkg.archive, { created }).manifestDigest);
  assert.ok(pushed.requests > 0);
  assert.ok(pushProgress.length > 0, 'push onProgress called');
  assert.ok(pushProgress.every((p) => p.done <= p.total), JSON.stringify(pushProgress));
  assert.equal(pushProgress.at(-1).done, pushProgress.at(-1).total);

  if (nativeBin) {
    // The native CLI pushes the same manifest for the same instant.
    const file = join(work, pkg.fileName);
    writeFileSync(file, pkg.archive);
    const secs = String(Date.parse(created) / 1000);
    const r = native(['push', file, `oci://${registryHost}/native`, '--plain-http'], {
      env: { SOURCE_DATE_EPOCH: secs, HELM_REGISTRY_CONFIG: join(work, 'registry.json'), DOCKER_CONFIG: join(work, 'no-docker') },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stderr.includes(`Digest: ${pushed.digest}`), r.stderr);
  }

  const pullProgress = [];
  const pulled = await reg.pull(`${remote}/fixture:1.4.2`, { onProgress: (p) => pullProgress.push(p) });
  assert.equal(pulled.digest, pushed.digest);
  assert.equal(pulled.fileName, 'fixture-1.4.2.tgz');
  assert.equal(sha256Hex(pulled.archive), sha256Hex(pkg.archive));
  assert.ok(pullProgress.length > 0, 'pull onProgress called');
  const byDigest = await reg.pull(`${remote}/fixture@${pushed.digest}`);
  assert.equal(sha256Hex(byDigest.archive), sha256Hex(pkg.archive));

  const v2 = cp.packageChart(readChartFiles(fixtureDir), { reproducible: true, version: '1.10.0' });
  await reg.push(v2.archive, remote);
  const pre = cp.packageChart(readChartFiles(fixtureDir), { reproducible: true, version: '2.0.0-beta.1' });
  await reg.push(pre.archive, remote);
  assert.deepEqual(await reg.tags(`${remote}/fixture`), ['2.0.0-beta.1', '1.10.0', '1.4.2']);
  const newest = await reg.pull(`${remote}/fixture`, { version: '^1.0.0' });
  assert.equal(newest.fileName, 'fixture-1.10.0.tgz');

  const missing = await reg.pull(`${remote}/fixture:9.9.9`).then(() => null, (e) => e);
  assert.ok(missing instanceof Error, 'pull of a missing tag fails');
  assert.equal(missing.code, 'not_found', missing.message);
});

test('Registry: an AbortSignal aborts a pull (code "aborted")', { skip: !registryHost && 'REGISTRY_HOST not set' }, async () => {
  const reg = new cp.Registry(registryHost, { plainHttp: true });
  const pkg = cp.packageChart(readChartFiles(fixtureDir), { reproducible: true, version: '3.0.0' });
  await reg.push(pkg.archive, `oci://${registryHost}/abort`);
  const ref = `oci://${registryHost}/abort/fixture:3.0.0`;
  // Already aborted.
  const before = new AbortController();
  before.abort();
  const e1 = await reg.pull(ref, { signal: before.signal }).then(() => null, (e) => e);
  assert.ok(e1 instanceof Error, 'an aborted pull rejects');
  assert.equal(e1.code, 'aborted', e1.message);
  // Aborted in flight: a registry that answers /v2/ and then never answers the manifest.
  const held = [];
  const stuck = createServer((req, res) => {
    if (req.url === '/v2/') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    } else {
      held.push(res); // never answered
    }
  });
  await new Promise((ok) => stuck.listen(0, '127.0.0.1', ok));
  try {
    const stuckHost = `127.0.0.1:${stuck.address().port}`;
    const during = new AbortController();
    const started = Date.now();
    const p = new cp.Registry(stuckHost, { plainHttp: true }).pull(`oci://${stuckHost}/abort/fixture:3.0.0`, { signal: during.signal });
    while (held.length === 0 && Date.now() - started < 10_000) await new Promise((ok) => setTimeout(ok, 10));
    assert.ok(held.length > 0, 'the pull reached the manifest request');
    during.abort();
    const e2 = await p.then(() => null, (e) => e);
    assert.ok(e2 instanceof Error, 'a pull aborted in flight rejects');
    assert.equal(e2.code, 'aborted', e2.message);
    assert.ok(Date.now() - started < 10_000, 'the abort ended the pull at once');
  } finally {
    for (const res of held) res.destroy();
    stuck.close();
  }
  // The client is still usable afterwards.
  assert.equal(sha256Hex((await reg.pull(ref)).archive), sha256Hex(pkg.archive));
});

/** Runs the native CLI without blocking the event loop (a server of this process must answer it). */
function nativeAsync(args, opts = {}) {
  const env = { ...process.env };
  delete env.SOURCE_DATE_EPOCH;
  Object.assign(env, opts.env || {});
  return new Promise((resolve) => {
    execFile(nativeBin, args, { cwd: work, env, encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

/**
 * A classic chart repository on 127.0.0.1 (`/charts/index.yaml` and the archives, relative URLs),
 * answering only requests with Basic `user:password`. Returns { url, requests, close }.
 */
async function chartRepository(charts, user, password) {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const entries = {};
  for (const c of charts) {
    (entries[c.name] ??= []).push(
      `  - apiVersion: v2\n    name: ${c.name}\n    version: ${c.version}\n    created: "2026-01-01T00:00:00Z"\n` +
        `    digest: ${sha256Hex(c.archive)}\n    urls:\n    - ${c.fileName}\n`,
    );
  }
  const index =
    'apiVersion: v1\nentries:\n' +
    Object.entries(entries).map(([name, versions]) => `  ${name}:\n${versions.join('')}`).join('') +
    'generated: "2026-01-01T00:00:00Z"\n';
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="charts"' });
      return res.end();
    }
    const chart = charts.find((c) => req.url === `/charts/${c.fileName}`);
    if (req.url === '/charts/index.yaml') {
      res.writeHead(200, { 'Content-Type': 'text/yaml' });
      res.end(index);
    } else if (chart) {
      res.writeHead(200, { 'Content-Type': 'application/gzip' });
      res.end(chart.archive);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/charts`, requests, close: () => server.close() };
}

/** The chart `name`-`version` packaged reproducibly from a minimal directory. */
function tinyChart(name, version) {
  const files = [
    { path: 'Chart.yaml', bytes: enc.encode(`apiVersion: v2\nname: ${name}\nversion: ${version}\n`) },
    { path: 'values.yaml', bytes: enc.encode(`who: ${name}\n`) },
    { path: 'templates/cm.yaml', bytes: enc.encode('kind: ConfigMap\n') },
  ];
  return { name, version, ...cp.packageChart(files, { reproducible: true }) };
}

/** A lock's YAML without its `generated` line. */
const withoutGenerated = (lock) => lock.split('\n').filter((l) => !l.startsWith('generated:')).join('\n');

/** The files directly in `dir`/charts, sorted. */
const chartsDirFiles = (dir) =>
  existsSync(join(dir, 'charts')) ? readdirSync(join(dir, 'charts')).filter((f) => statSync(join(dir, 'charts', f)).isFile()).sort() : [];

test('updateDependencies / buildDependencies equal the native `chartpack dependency update|build` (OCI range, HTTP repository with Basic auth, file://, vendored)', { skip: (!registryHost || !nativeBin) && 'REGISTRY_HOST or the native chartpack missing' }, async () => {
  await cp.init(); // for packageChart (the dependency functions load their own module)
  const dir = mkdtempSync(join(work, 'deps-'));
  const noCredentials = { HELM_REGISTRY_CONFIG: join(work, 'registry.json'), DOCKER_CONFIG: join(work, 'no-docker') };
  // OCI: three versions pushed by the native CLI; ^1.0.0 resolves to 1.1.0.
  const ociRepo = `oci://${registryHost}/deps-${process.pid}`;
  for (const version of ['1.0.0', '1.1.0', '2.0.0']) {
    const chart = tinyChart('ocidep', version);
    const file = join(dir, chart.fileName);
    writeFileSync(file, chart.archive);
    const r = await nativeAsync(['push', file, ociRepo, '--plain-http'], { env: noCredentials });
    assert.equal(r.status, 0, r.stderr);
  }
  // A classic repository with Basic auth: ~0.2.0 resolves to 0.2.3.
  const repoCharts = [tinyChart('repodep', '0.2.3'), tinyChart('repodep', '0.3.0')];
  const repo = await chartRepository(repoCharts, 'chart-user', 'chart-secret');
  try {
    writeChart(join(dir.slice(work.length + 1), 'common'), {
      'Chart.yaml': 'apiVersion: v2\nname: common\nversion: 0.1.5\ntype: library\n',
      'templates/_helpers.tpl': '{{- define "common.name" -}}common{{- end -}}\n',
    });
    const appRel = join(dir.slice(work.length + 1), 'app');
    const appDir = writeChart(appRel, {
      'Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n' +
        `- name: ocidep\n  version: ^1.0.0\n  repository: ${ociRepo}\n` +
        '- name: repodep\n  version: ~0.2.0\n  repository: "@local"\n' +
        '- name: common\n  version: ">=0.1.0"\n  repository: file://../common\n' +
        '- name: vend\n  version: 0.1.0\n  repository: ""\n',
      'values.yaml': 'a: 1\n',
      'charts/vend/Chart.yaml': 'apiVersion: v2\nname: vend\nversion: 0.1.0\n',
    });
    writeFileSync(join(appDir, 'charts', 'ocidep-0.9.0.tgz'), tinyChart('ocidep', '0.9.0').archive); // outdated
    const files = readChartFiles(appDir);
    const commonFiles = readChartFiles(join(dir, 'common'));
    const repositories = [{ name: 'local', url: repo.url, username: 'chart-user', password: 'chart-secret' }];
    const options = {
      repositories,
      registries: { [registryHost]: { plainHttp: true } },
      localCharts: { '../common': commonFiles },
      sourceDateEpoch: 1_700_000_000,
      now: Date.parse('2026-03-04T05:06:07Z'),
    };

    const ours = await cp.updateDependencies(files, options);

    // The native CLI on a copy beside `common`, with the same repositories.
    const nativeDir = join(dir, 'app-native');
    cpSync(appDir, nativeDir, { recursive: true });
    const reposFile = join(dir, 'repositories.yaml');
    writeFileSync(reposFile, `apiVersion: ""\nrepositories:\n- name: local\n  url: ${repo.url}\n  username: chart-user\n  password: chart-secret\n`);
    const env = { ...noCredentials, SOURCE_DATE_EPOCH: '1700000000' };
    const theirs = await nativeAsync(['dependency', 'update', nativeDir, '--repository-config', reposFile, '--plain-http'], { env });
    assert.equal(theirs.status, 0, theirs.stderr);

    assert.equal(ours.lockFile, 'Chart.lock');
    assert.equal(ours.writeLock, true);
    assert.ok(ours.lock.includes('generated: "2026-03-04T05:06:07Z"'), ours.lock);
    assert.equal(withoutGenerated(ours.lock), withoutGenerated(readFileSync(join(nativeDir, 'Chart.lock'), 'utf8')));
    assert.match(ours.lock, /name: ocidep\n {2}repository: oci:\/\/.*\n {2}version: 1\.1\.0\n/);
    assert.deepEqual(ours.remove, ['ocidep-0.9.0.tgz']);
    const before = chartsDirFiles(appDir);
    const after = [...new Set([...before.filter((f) => !ours.remove.includes(f)), ...ours.charts.map((c) => c.fileName)])].sort();
    assert.deepEqual(after, chartsDirFiles(nativeDir), 'charts/ as the native update leaves it');
    assert.deepEqual(ours.charts.map((c) => c.fileName).sort(), ['common-0.1.5.tgz', 'ocidep-1.1.0.tgz', 'repodep-0.2.3.tgz']);
    for (const c of ours.charts) {
      assert.ok(c.bytes instanceof Uint8Array);
      assert.equal(sha256Hex(c.bytes), sha256Hex(readFileSync(join(nativeDir, 'charts', c.fileName))), `${c.fileName}: the native bytes`);
    }
    const repoArchive = ours.charts.find((c) => c.fileName === 'repodep-0.2.3.tgz');
    assert.equal(sha256Hex(repoArchive.bytes), sha256Hex(repoCharts[0].archive), 'the repository served these bytes');
    const nativeLog = theirs.stdout.split('\n').filter((l) => l && !/^(Pulled|Digest): /.test(l));
    assert.deepEqual(ours.log, nativeLog, 'the log is what the CLI prints');
    console.log(`# dependency update: lock and ${ours.charts.length} archives as the native CLI's; log:\n# ${ours.log.join('\n# ')}`);

    // build: the lock's exact versions, the same archives; the lock stays as it is.
    const locked = [...files, { path: 'Chart.lock', bytes: enc.encode(ours.lock) }];
    const built = await cp.buildDependencies(locked, { ...options, registries: undefined, plainHttp: true });
    assert.equal(built.writeLock, false);
    assert.equal(built.lock, ours.lock);
    assert.deepEqual(
      built.charts.map((c) => [c.fileName, sha256Hex(c.bytes)]).sort(),
      ours.charts.map((c) => [c.fileName, sha256Hex(c.bytes)]).sort(),
    );

    // build with a lock that no longer matches Chart.yaml: refused, as natively.
    const edit = (text) => text.replace('version: ~0.2.0', 'version: ~0.3.0');
    const stale = locked.map((f) => (f.path === 'Chart.yaml' ? { ...f, bytes: enc.encode(edit(Buffer.from(f.bytes).toString())) } : f));
    const refused = await cp.buildDependencies(stale, options).then(() => null, (e) => e);
    assert.ok(refused instanceof Error, 'an out-of-sync lock is refused');
    assert.equal(refused.name, 'ChartpackError');
    assert.equal(refused.code, 'dependency.out_of_sync', refused.message);
    assert.equal(refused.file, 'Chart.lock');
    writeFileSync(join(nativeDir, 'Chart.yaml'), edit(readFileSync(join(nativeDir, 'Chart.yaml'), 'utf8')));
    const nativeStale = await nativeAsync(['dependency', 'build', nativeDir, '--repository-config', reposFile, '--plain-http'], { env });
    assert.notEqual(nativeStale.status, 0);
    assert.ok(nativeStale.stderr.includes(refused.message), `the CLI: ${nativeStale.stderr}; wasm: ${refused.message}`);

    // Wrong credentials: the index cannot be had (dependency.fetch), as the CLI reports it.
    const badCredentials = { ...options, repositories: [{ ...repositories[0], password: 'wrong' }] };
    const unauthorized = await cp.updateDependencies(files, badCredentials).then(() => null, (e) => e);
    assert.ok(unauthorized instanceof Error);
    assert.equal(unauthorized.code, 'dependency.fetch', unauthorized.message);

    // A file:// chart nobody gave: named in the message.
    const noLocal = await cp.updateDependencies(files, { ...options, localCharts: {} }).then(() => null, (e) => e);
    assert.equal(noLocal?.code, 'dependency.resolve', noLocal?.message);
    assert.match(noLocal.message, /localCharts\["\.\.\/common"\]/);

    // Already aborted: nothing is fetched.
    const count = repo.requests.length;
    const aborted = await cp.updateDependencies(files, { ...options, signal: AbortSignal.abort() }).then(() => null, (e) => e);
    assert.equal(aborted?.code, 'aborted', aborted?.message);
    assert.equal(repo.requests.length, count);
  } finally {
    repo.close();
  }
});

test('updateDependencies: null without dependencies; bad options are invalid_input', async () => {
  assert.equal(await cp.updateDependencies(readChartFiles(fixtureDir)), null);
  assert.equal(await cp.buildDependencies(readChartFiles(fixtureDir), { plainHttp: true }), null);
  const bad = await cp.updateDependencies(readChartFiles(fixtureDir), { repositories: [{ name: 'x' }] }).then(() => null, (e) => e);
  assert.equal(bad?.code, 'invalid_input', bad?.message);
  assert.equal(bad.field, 'repositories[0].url');
  const badRegistry = await cp.updateDependencies(readChartFiles(fixtureDir), { registries: { 'r.example': { plainHttp: 'yes' } } }).then(() => null, (e) => e);
  assert.equal(badRegistry?.code, 'invalid_input', badRegistry?.message);
  assert.equal(badRegistry.field, 'registries["r.example"].plainHttp');
});

test('the cross-environment chart: reproducible archive sha256 (for the orchestrator)', { skip: !process.env.CHARTPACK_CHART_DIR && 'CHARTPACK_CHART_DIR not set' }, () => {
  const dir = process.env.CHARTPACK_CHART_DIR;
  const pkg = cp.packageChart(readChartFiles(dir), { reproducible: true });
  results.reproducible = { chartDir: dir, fileName: pkg.fileName, sha256: sha256Hex(pkg.archive) };
  writeResult('node.json', results);
  writeKeyValues('node.txt', { fileName: pkg.fileName, reproducibleSha256: results.reproducible.sha256 });
  if (nativeBin) {
    const theirs = nativeReproducible(dir);
    assert.ok(theirs.archive, theirs.error);
    assert.equal(sha256Hex(theirs.archive), results.reproducible.sha256);
  }
});
