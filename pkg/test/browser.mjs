// The package in a plain <script type="module"> page in headless Chromium (playwright-core).
//
//   node pkg/test/browser.mjs           test: serve pkg/ and the page, package a chart from files
//                                       the page fetches, verify, push to REGISTRY_HOST (another
//                                       origin: CORS, no auth), pull back, compare digests; then
//                                       the same chart directory through <input webkitdirectory>
//                                       (filesFromFileList), a chart in the origin private file
//                                       system (filesFromDirectoryHandle), a module worker; time
//                                       init() and packageChart on the largest corpus charts;
//                                       screenshot. Exit 1 on any failed step.
//   node pkg/test/browser.mjs --bench   benchmark: init() over BENCH_RUNS fresh page loads and
//                                       packageChart on CHARTPACK_BENCH_CHARTS (median); JSON out.
//
// Environment: REGISTRY_HOST (host:port, plain http; test mode), CHARTPACK_CHART_DIR (the chart
// of the scenario; default the corpus's bitnami__redis, else a small fixture), CHARTPACK_CORPUS,
// CHARTPACK_BENCH_CHARTS (comma-separated chart directories), BENCH_RUNS, CHARTPACK_RESULTS_DIR
// (browser.json, the pushed archive, the screenshot), CHROMIUM.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  PKG_DIR,
  corpusDir,
  launchChromium,
  median,
  newLoggedPage,
  packageBuilt,
  packagedChartsBySize,
  resultsDir,
  sha256Hex,
  startStaticServer,
  writeKeyValues,
  writeResult,
} from './lib.mjs';

const bench = process.argv.includes('--bench');
const log = [];
const say = (...a) => console.log(...a);

function fixtureChart() {
  const tmp = mkdtempSync(join(tmpdir(), 'chartpack-browser-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const dir = join(tmp, 'browser-fixture');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: browser-fixture\nversion: 0.3.1\ndescription: a chart packaged in a browser\n');
  writeFileSync(join(dir, 'values.yaml'), 'replicas: 2\nimage: nginx:1.27\n');
  writeFileSync(join(dir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  image: {{ .Values.image | quote }}\n');
  return dir;
}

function scenarioChartDir() {
  if (process.env.CHARTPACK_CHART_DIR) return process.env.CHARTPACK_CHART_DIR;
  const corpus = corpusDir();
  if (corpus) return join(corpus, 'charts', 'bitnami__redis');
  say('note: corpus not found (set CHARTPACK_CORPUS); the scenario uses a small fixture chart');
  return fixtureChart();
}

function benchChartDirs(count) {
  if (process.env.CHARTPACK_BENCH_CHARTS) return process.env.CHARTPACK_BENCH_CHARTS.split(',').filter(Boolean);
  const corpus = corpusDir();
  if (!corpus) return [];
  return packagedChartsBySize(corpus).slice(0, count).map((c) => join(corpus, 'charts', c.id));
}

async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await newLoggedPage(context, log);
  await page.goto(url);
  const ready = await page.waitForFunction(() => window.__ready, null, { timeout: 30_000 }).then((h) => h.jsonValue());
  if (!ready.ok) throw new Error(`init() failed in the page: ${ready.error} (code ${ready.code})`);
  return { context, page, initMs: ready.initMs };
}

async function main() {
  if (!packageBuilt()) {
    console.error(`pkg/dist has no .wasm yet: build the package first (scripts/build-pkg.sh)`);
    process.exit(2);
  }
  const runs = Number(process.env.BENCH_RUNS || (bench ? 15 : 1));
  const scenarioDir = bench ? null : scenarioChartDir();
  const benchDirs = benchChartDirs(3);
  const charts = {};
  if (scenarioDir) charts.scenario = scenarioDir;
  benchDirs.forEach((d, i) => (charts[`bench${i}`] = d));
  const server = await startStaticServer(PKG_DIR, { charts });
  const pageUrl = `${server.url}/test/page/index.html`;
  const browser = await launchChromium();
  const results = { mode: bench ? 'bench' : 'test', pageUrl, chromium: browser.version() };
  let ok = true;
  try {
    // Instantiation: fresh browser context per load (nothing cached), median over `runs`.
    const inits = [];
    for (let i = 0; i < Math.max(1, bench ? runs : 1); i++) {
      const { context, initMs } = await openPage(browser, pageUrl);
      inits.push(initMs);
      await context.close();
    }
    results.initMs = { median: median(inits), samples: inits };
    const wasmRequests = server.requests.filter((r) => r.endsWith('.wasm'));
    results.wasmRequests = [...new Set(wasmRequests)];
    say(`init(): median ${median(inits).toFixed(1)} ms over ${inits.length} page load(s); wasm: ${results.wasmRequests.join(', ')}`);

    const { context, page } = await openPage(browser, pageUrl);
    if (!bench) {
      const registryHost = process.env.REGISTRY_HOST;
      if (!registryHost) throw new Error('REGISTRY_HOST (host:port of a registry with CORS, no auth) is not set');
      const r = await page.evaluate(
        (p) => window.runScenario(p),
        { chartBase: '/__chart/scenario/', registryHost, repo: 'browser' },
      );
      for (const s of r.steps) say(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.ms.toFixed(1)} ms)${s.detail ? ': ' + s.detail : ''}`);
      if (!r.ok) {
        ok = false;
        for (const f of r.failures) console.error(`FAIL ${f}`);
      }
      if (r.archiveBase64) {
        const bytes = Buffer.from(r.archiveBase64, 'base64');
        results.archiveFile = join(resultsDir(), `browser-${r.fileName}`);
        writeFileSync(results.archiveFile, bytes);
        if (sha256Hex(bytes) !== r.sha256) {
          ok = false;
          console.error('FAIL the archive that reached Node differs from the page\'s sha256');
        }
        delete r.archiveBase64;
      }
      results.scenario = { ...r, chartDir: scenarioDir, registryHost };

      // The browser-only entry points; the directory picked as a user would (webkitdirectory).
      await page.setInputFiles('#chart-dir', scenarioDir);
      const e = await page.evaluate((p) => window.runEntryPoints(p), { expectSha256: r.reproducibleSha256 });
      for (const s of e.steps) say(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.ms.toFixed(1)} ms)${s.detail ? ': ' + s.detail : ''}`);
      if (!e.ok) {
        ok = false;
        for (const f of e.failures) console.error(`FAIL ${f}`);
      }
      results.entryPoints = e;
      const shot = join(resultsDir(), 'browser-page.png');
      await page.screenshot({ path: shot, fullPage: true });
      results.screenshot = shot;
      say(`screenshot: ${shot}`);
    }
    results.package = [];
    for (let i = 0; i < benchDirs.length; i++) {
      const t = await page.evaluate((p) => window.timePackage(p), { chartBase: `/__chart/bench${i}/`, runs });
      results.package.push({ chart: basename(benchDirs[i]), dir: benchDirs[i], ...t });
      say(`packageChart ${basename(benchDirs[i])}: median ${t.median.toFixed(1)} ms over ${t.ms.length} run(s), ${t.files} files, ${t.inputBytes} bytes`);
    }
    await context.close();
  } catch (e) {
    ok = false;
    console.error(`FAIL ${e && e.stack || e}`);
  } finally {
    await browser.close();
    await server.close();
  }
  results.ok = ok;
  if (!ok && log.length) console.error('page log:\n' + log.join('\n'));
  results.resultsFile = writeResult(bench ? 'browser-bench.json' : 'browser.json', results);
  const sc = results.scenario || {};
  const kv = {
    ok,
    chromium: results.chromium,
    initMs: results.initMs && results.initMs.median.toFixed(2),
    initRuns: results.initMs && results.initMs.samples.length,
    name: sc.name,
    version: sc.version,
    fileName: sc.fileName,
    sha256: sc.sha256,
    archiveFile: results.archiveFile,
    pushedDigest: sc.pushed && sc.pushed.digest,
    pulledDigest: sc.pulled && sc.pulled.digest,
    reproducibleSha256: sc.reproducibleSha256,
    fileListSha256: results.entryPoints && results.entryPoints.fileListSha256,
    workerDigest: results.entryPoints && results.entryPoints.worker && results.entryPoints.worker.digest,
    screenshot: results.screenshot,
  };
  for (const p of results.package || []) {
    kv[`package.${p.chart}.ms`] = p.median.toFixed(2);
    kv[`package.${p.chart}.runs`] = p.ms.length;
    kv[`package.${p.chart}.inputBytes`] = p.inputBytes;
  }
  say(`results: ${results.resultsFile} ${writeKeyValues(bench ? 'browser-bench.txt' : 'browser.txt', kv)}`);
  process.exit(ok ? 0 : 1);
}

main();
