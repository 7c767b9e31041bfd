// The package through a bundler: builds pkg/test/vite-app with the repository's Vite
// (node_modules/.bin/vite build) into a temporary outDir, checks that Vite emitted the wasm as
// an asset, serves the build, and runs it in headless Chromium: init, packageChart of a tiny
// inline chart, verifyArchive, show, lint (the second module), updateDependencies (the third). Exit 1 on failure. CHARTPACK_RESULTS_DIR gets the screenshot.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, TEST_DIR, launchChromium, newLoggedPage, packageBuilt, resultsDir, startStaticServer, writeKeyValues, writeResult } from './lib.mjs';

function filesUnder(dir, rel = '') {
  return readdirSync(join(dir, rel)).flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    return statSync(join(dir, r)).isDirectory() ? filesUnder(dir, r) : [r];
  });
}

async function main() {
  if (!packageBuilt()) {
    console.error('pkg/dist has no .wasm yet: build the package first (scripts/build-pkg.sh)');
    process.exit(2);
  }
  const vite = join(REPO_ROOT, 'node_modules', '.bin', 'vite');
  if (!existsSync(vite)) {
    console.error(`${vite} missing: npm install at the repository root`);
    process.exit(2);
  }
  const outDir = mkdtempSync(join(tmpdir(), 'chartpack-vite-'));
  const log = [];
  let ok = false;
  const results = {};
  try {
    const t0 = Date.now();
    const build = spawnSync(vite, ['build', '--config', join(TEST_DIR, 'vite-app', 'vite.config.mjs'), '--outDir', outDir], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    results.buildMs = Date.now() - t0;
    console.log(`vite build: exit ${build.status} in ${results.buildMs} ms`);
    if (build.stdout.trim()) console.log(build.stdout.trim());
    if (build.stderr.trim()) console.log(build.stderr.trim());
    if (build.status !== 0) throw new Error('vite build failed');
    const files = filesUnder(outDir);
    results.emitted = files;
    const wasm = files.filter((f) => f.endsWith('.wasm')).sort();
    console.log(`emitted: ${files.join(', ')}`);
    // The main module, the lint module (loaded by lint() on first use) and the dependencies
    // module (loaded by updateDependencies() on first use), each once.
    const expected = [/^assets\/chartpack_bg-[\w-]+\.wasm$/, /^assets\/chartpack_deps_bg-[\w-]+\.wasm$/, /^assets\/chartpack_lint_bg-[\w-]+\.wasm$/];
    if (wasm.length !== 3 || !expected.every((re, i) => re.test(wasm[i]))) {
      throw new Error(`expected Vite to emit chartpack_bg, chartpack_deps_bg and chartpack_lint_bg .wasm assets, got ${JSON.stringify(wasm)}`);
    }

    const server = await startStaticServer(outDir);
    const browser = await launchChromium();
    try {
      const page = await newLoggedPage(browser, log);
      await page.goto(`${server.url}/index.html`);
      const r = await page.waitForFunction(() => window.__result, null, { timeout: 30_000 }).then((h) => h.jsonValue());
      results.page = r;
      results.wasmRequests = server.requests.filter((q) => q.endsWith('.wasm'));
      results.screenshot = join(resultsDir(), 'vite-app.png');
      await page.screenshot({ path: results.screenshot, fullPage: true });
      console.log(`page: ${JSON.stringify({ ok: r.ok, initMs: r.initMs, fileName: r.fileName, digest: r.digest, error: r.error, code: r.code })}`);
      console.log(`wasm fetched: ${results.wasmRequests.join(', ')}`);
      console.log(`screenshot: ${results.screenshot}`);
      if (!r.ok) throw new Error(`the Vite app failed: ${r.error || JSON.stringify(r)}`);
      if (results.wasmRequests.length !== 3) throw new Error(`the page fetched ${JSON.stringify(results.wasmRequests)}, not the three .wasm assets`);
      ok = true;
    } finally {
      await browser.close();
      await server.close();
    }
  } catch (e) {
    console.error(`FAIL ${e && e.stack || e}`);
    if (log.length) console.error('page log:\n' + log.join('\n'));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  results.ok = ok;
  writeKeyValues('vite.txt', { ok, buildMs: results.buildMs, initMs: results.page && results.page.initMs, screenshot: results.screenshot });
  console.log(`results: ${writeResult('vite.json', results)}`);
  process.exit(ok ? 0 : 1);
}

main();
