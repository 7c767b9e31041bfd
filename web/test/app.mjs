// The web app (dist/, built by scripts/build-web.sh) end to end in headless Chromium, served by
// `chartpack serve --static-dir dist` in front of a registry with Basic auth (tests/tests/web_app.rs
// starts both). As a user would: open the app, pick a folder without Chart.yaml (a clear error, the
// page keeps working), drop the chart folder onto the page (a real directory drag), read the metadata and
// lint findings, package reproducibly (the download is saved), log in with a wrong then the right
// password, push (through the proxy, the page's own origin), list the versions, pull the pushed
// one and preview it (verified). Screenshots of each screen and a key=value results file go to
// RESULTS_DIR. Exit 1 on any failed step.
//
// Environment: APP_URL, REGISTRY_HOST, REG_USER, REG_PASS, CHART_DIR, BAD_DIR, LINT_DIR (a small
// chart with lint findings), HOSTILE_TGZ (an archive chartpack refuses), DOWN_HOST (host:port
// where nothing listens), RESULTS_DIR,
// CHROMIUM (optional).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { dropPaths, runDriver, statusAfter } from './lib.mjs';

const NAMES = ['CHART_DIR', 'BAD_DIR', 'LINT_DIR', 'HOSTILE_TGZ', 'DOWN_HOST'];
await runDriver('web-app', NAMES, async ({ page, context, env, results, step, shot }) => {
  const { APP_URL, REGISTRY_HOST: HOST, REG_USER: USER, REG_PASS: PASS, RESULTS_DIR: RESULTS } = env;
  const { CHART_DIR, BAD_DIR, LINT_DIR, HOSTILE_TGZ, DOWN_HOST } = env;
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  // How the wasm travelled (chartpack serve sends build-web.sh's gzip twin).
  context.on('response', async (r) => {
    if (r.url().endsWith('_bg.wasm')) {
      const headers = await r.allHeaders();
      results.wasmEncoding = headers['content-encoding'] ?? 'identity';
      results.wasmCache = headers['cache-control'] ?? '';
    }
  });

  await step('load the app', async () => {
    await page.goto(APP_URL);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const exports = await page.getAttribute('body', 'data-exports');
    results.exports = exports;
    for (const name of ['packageChart', 'verifyArchive', 'lint', 'inspect', 'show', 'buildManifest', 'Registry']) {
      if (!exports.split(',').includes(name)) throw new Error(`the worker's module lacks ${name}: ${exports}`);
    }
    results.defaultProxy = await page.inputValue('#reg-proxy');
    results.defaultHost = await page.inputValue('#reg-host');
    await shot(page, '01-start');
  });

  await step('a folder without Chart.yaml', async () => {
    await page.setInputFiles('#pick-dir', BAD_DIR);
    results.badFolderStatus = (await statusAfter(page, ['error'])).trim();
    await shot(page, '02-bad-folder');
  });

  await step('a chart with lint findings', async () => {
    await page.setInputFiles('#pick-dir', LINT_DIR);
    await statusAfter(page, ['ok', 'warn'], 'Opened');
    const rows = await page.$$eval('#lint tbody tr', (trs) =>
      trs.filter((tr) => tr.cells.length === 3).map((tr) => [...tr.cells].map((c) => c.textContent)),
    );
    results.smallLint = rows.map((r) => `[${r[0]}] ${r[1]}: ${r[2]}`).join('\n');
    results.smallTitle = (await page.textContent('#chart-title')).trim();
    await shot(page, '03-lint-findings');
  });

  await step('values for an environment (--set flavours) and a bad --set line', async () => {
    await page.fill('#set-lines', 'b.c=3\nstring: d=010\na=null');
    await page.click('#compute-values');
    await statusAfter(page, ['ok'], 'Computed the values');
    const merged = await page.textContent('#merged-values');
    writeFileSync(join(RESULTS, 'values.yaml'), merged);
    results.valuesFile = join(RESULTS, 'values.yaml');
    results.valuesCommand = (await page.textContent('#values-command code')).trim();
    await shot(page, '03b-values');
    await page.fill('#set-lines', 'a.b');
    await page.click('#compute-values');
    results.badSetStatus = (await statusAfter(page, ['error'])).trim();
  });

  await step('drop the chart folder', async () => {
    await dropPaths(page, '#drop', [CHART_DIR]);
    await statusAfter(page, ['ok', 'warn'], 'Opened');
    results.title = (await page.textContent('#chart-title')).trim();
    results.name = (await page.textContent('#metadata dd[data-key="name"]')).trim();
    results.version = (await page.textContent('#metadata dd[data-key="version"]')).trim();
    const rows = await page.$$eval('#lint tbody tr', (trs) =>
      trs.filter((tr) => tr.cells.length === 3).map((tr) => [...tr.cells].map((c) => c.textContent)),
    );
    writeFileSync(join(RESULTS, 'lint.json'), JSON.stringify(rows, null, 2));
    results.lintFindings = String(rows.length);
    results.lintFile = join(RESULTS, 'lint.json');
    results.filesSummary = (await page.textContent('#files-summary')).trim();
    results.depsListed = (await page.$$eval('#deps-list li', (li) => li.map((x) => x.textContent.trim()))).join(' | ');
    await page.click('#files button[data-path="values.yaml"]');
    results.viewedFile = join(RESULTS, 'viewed-values.yaml');
    writeFileSync(results.viewedFile, await page.textContent('#file-view-body'));
    results.viewedFocus = String(await page.evaluate(() => document.activeElement?.id));
    results.ignoredShown = String(await page.locator('#files li.ignored').count());
    results.readmeHeadings = String(await page.locator('#readme h3, #readme h4, #readme h5').count());
    results.readmeScripts = String(await page.locator('#readme script, #readme img, #readme iframe').count());
    results.valuesChars = String((await page.textContent('#values')).length);
    await shot(page, '04-chart');
  });

  await step('package (reproducible) and download', async () => {
    if (!(await page.isChecked('#reproducible'))) await page.check('#reproducible');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#package')]);
    const file = join(RESULTS, `downloaded-${download.suggestedFilename()}`);
    await download.saveAs(file);
    results.downloadName = download.suggestedFilename();
    results.downloadFile = file;
    results.downloadSha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
    results.shownDigest = (await page.textContent('#digest')).trim();
    const manifest = await page.textContent('#manifest');
    results.manifestHasChartLayer = String(manifest.includes('application/vnd.cncf.helm.chart.content.v1.tar+gzip'));
    await page.click('#packaged summary');
    await shot(page, '05-packaged');
  });

  await step('log in with a wrong password', async () => {
    // The host stays as the page filled it from the proxy's /healthz (http://HOST: plain HTTP).
    await page.fill('#reg-repo', 'webapp');
    await page.fill('#reg-user', USER);
    await page.fill('#reg-pass', `${PASS}-wrong`);
    await page.click('#login');
    results.wrongPasswordStatus = (await statusAfter(page, ['error'])).trim();
    await shot(page, '06-wrong-password');
  });

  await step('log in, push, list versions', async () => {
    await page.fill('#reg-pass', PASS);
    await page.press('#reg-pass', 'Enter'); // the form submits from the keyboard
    results.loginStatus = (await statusAfter(page, ['ok'], 'Logged in')).trim();
    await page.click('#push');
    results.pushStatus = (await statusAfter(page, ['ok'], 'version(s)')).trim();
    results.progressValue = String(await page.$eval('#progress', (p) => `${p.value}/${p.max}`));
    results.tags = (await page.$$eval('#tags code', (c) => c.map((x) => x.textContent))).join(',');
    results.commands = (await page.$$eval('#command-list code', (c) => c.map((x) => x.textContent))).join('\n');
    await shot(page, '07-registry');
  });

  await step('pull and preview', async () => {
    await page.click(`#tags button[data-tag="${results.version}"]`);
    await statusAfter(page, ['ok', 'warn'], 'Opened');
    results.pulledVerify = (await page.textContent('#verify')).trim();
    results.pulledVerifyOk = String(await page.locator('#verify.ok').count() === 1);
    results.pulledTitle = (await page.textContent('#chart-title')).trim();
    await page.click('#files button[data-path="values.yaml"]'); // read from the archive by the worker
    await page.waitForFunction(() => !document.getElementById('file-view').hidden);
    results.viewedPulledFile = join(RESULTS, 'viewed-pulled-values.yaml');
    writeFileSync(results.viewedPulledFile, await page.textContent('#file-view-body'));
    await shot(page, '08-pulled');
  });

  await step('a hostile archive', async () => {
    await page.setInputFiles('#pick-tgz', HOSTILE_TGZ);
    results.hostileStatus = (await statusAfter(page, ['error'])).trim();
    results.hostileVerify = (await page.textContent('#verify.error')).trim();
    await shot(page, '09-hostile-archive');
  });

  await step('a registry that is down', async () => {
    await page.fill('#reg-host', DOWN_HOST);
    await page.fill('#reg-proxy', ''); // straight to it: nothing listens there
    await page.fill('#tags-chart', 'redis');
    await page.click('#list-tags');
    results.downStatus = (await statusAfter(page, ['error'], 'Listing versions failed')).trim();
    await shot(page, '10-registry-down');
    // The page keeps working: the pushed chart is still there through the proxy.
    await page.fill('#reg-host', HOST);
    await page.fill('#reg-proxy', new URL(APP_URL).origin);
    await page.click('#list-tags');
    results.afterDownStatus = (await statusAfter(page, ['ok'], 'version(s)')).trim();
  });

  const origin = new URL(APP_URL).origin;
  // The worker's requests count too (Playwright reports a dedicated worker's fetches).
  results.proxied = String(requests.filter((u) => u.startsWith(`${origin}/r/`)).length);
  results.direct = String(requests.filter((u) => /^https?:/.test(u) && new URL(u).origin !== origin && new URL(u).host !== DOWN_HOST).length);
});
