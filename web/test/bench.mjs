// The web app's benchmark driver (tests/src/bin/bench_web.rs serves dist/ with `chartpack serve`
// and runs this): per run a fresh page, then
//   readyMs    navigation → the worker has loaded the wasm (body[data-ready]);
//   open.C     picking chart folder C → its preview and lint are shown (read, inspect, lint), as
//              the app measures it (body[data-open-ms]: from the files read to the lint shown);
//   package.C  "Package and download" (reproducible) → the download handed to the browser, as the
//              app measures it (body[data-package-ms]: from the click handler to the hand-over);
//   click.C    the same from outside: Playwright's click until the download event.
// Medians over BENCH_RUNS runs, written as key=value to RESULTS_DIR/web-bench.txt.
// Environment: APP_URL, CHARTS (comma-separated folders), BENCH_RUNS, RESULTS_DIR, CHROMIUM.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { launchChromium, statusAfter } from './lib.mjs';

const APP_URL = process.env.APP_URL;
const CHARTS = (process.env.CHARTS ?? '').split(',').filter(Boolean);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const RESULTS = process.env.RESULTS_DIR;
if (!APP_URL || !CHARTS.length || !RESULTS) throw new Error('APP_URL, CHARTS and RESULTS_DIR are needed');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await launchChromium();
const samples = {};
const add = (key, value) => (samples[key] ??= []).push(value);
try {
  for (let run = 0; run < RUNS + 1; run++) {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(APP_URL);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    const ready = Date.now() - t0;
    if (run > 0) add('readyMs', ready); // run 0 warms the HTTP cache and the disk
    for (const chart of CHARTS) {
      const name = basename(chart);
      await page.setInputFiles('#pick-dir', chart);
      await statusAfter(page, ['ok', 'warn'], 'Opened', 120_000);
      const open = Number(await page.getAttribute('body', 'data-open-ms'));
      const t = Date.now();
      await Promise.all([page.waitForEvent('download'), page.click('#package')]);
      const click = Date.now() - t;
      await statusAfter(page, ['ok'], 'Packaged', 120_000);
      const packaged = Number(await page.getAttribute('body', 'data-package-ms'));
      if (run > 0) {
        add(`open.${name}`, open);
        add(`package.${name}`, packaged);
        add(`click.${name}`, click);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
}
const lines = [`chromium=${browser.version()}`, ...Object.entries(samples).map(([k, v]) => `${k}=${median(v)}`)];
writeFileSync(join(RESULTS, 'web-bench.txt'), lines.join('\n') + '\n');
