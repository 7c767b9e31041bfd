// Helpers shared by the web app's Chromium drivers (app.mjs, session.mjs, bench.mjs): runDriver
// (environment, page, results, failure path), statusAfter, dropPaths, launchChromium.
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argv } from 'node:process';
import { execSync } from 'node:child_process';

/** The environment variable `name`, or a failure naming the driver's documentation. */
function required(name, driver) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the head of ${driver})`);
  return value;
}

/** Headless Chromium (CHROMIUM, else `chromium` on PATH) through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const executablePath = process.env.CHROMIUM || execSync('command -v chromium', { shell: '/bin/bash' }).toString().trim();
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A named step: prints ok/FAIL with its time and records the time in `timings`. */
function stepper(timings) {
  return async function step(name, fn) {
    const t = Date.now();
    try {
      const r = await fn();
      timings[name] = Date.now() - t;
      console.log(`ok   ${name} (${timings[name]} ms)`);
      return r;
    } catch (error) {
      console.log(`FAIL ${name}: ${error.stack || error}`);
      throw error;
    }
  };
}

/** Waits until the status area has one of `kinds`, contains `contains` and is not an "…" progress
 * line; returns its text. */
export async function statusAfter(page, kinds, contains = '', timeout = 60_000) {
  await page.waitForFunction(
    ([kinds, contains]) => {
      const s = document.getElementById('status');
      return kinds.some((k) => s.classList.contains(k)) && s.textContent.includes(contains) && !s.textContent.endsWith('…');
    },
    [kinds, contains],
    { timeout },
  );
  return (await page.textContent('#status')).trim();
}

/** A full-page screenshot `name`.png in `dir`, its path recorded in `results`. */
async function shot(page, dir, results, name) {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  results[`screenshot.${name}`] = path;
}

/** Drops files or directories (absolute paths) onto `selector` as a real drag from the desktop
 * would (CDP Input.dispatchDragEvent; a directory arrives as a directory entry). */
export async function dropPaths(page, selector, paths) {
  // In the middle of the viewport: not under the sticky status bar at the top.
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  const box = await page.locator(selector).boundingBox(); // viewport coordinates, as CDP wants
  const cdp = await page.context().newCDPSession(page);
  // Canonical paths: Chromium makes no directory entry for a path with `..` in it.
  const data = { items: [], files: paths.map((p) => realpathSync(p)), dragOperationsMask: 1 };
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  await cdp.detach();
}

/** Writes `results` (and the step timings as ms.STEP) as key=value lines, newlines escaped. */
function writeResults(path, results, timings) {
  for (const [k, v] of Object.entries(timings)) results[`ms.${k}`] = String(v);
  writeFileSync(
    path,
    Object.entries(results)
      .map(([k, v]) => `${k}=${String(v).replace(/\n/g, '\\n')}`)
      .join('\n') + '\n',
  );
}

/**
 * Runs one driver: reads the environment every driver takes (APP_URL, REGISTRY_HOST, REG_USER,
 * REG_PASS, RESULTS_DIR, plus `names`), opens a page in headless Chromium (1280×900, downloads
 * on, console and page errors logged), and calls `body({ page, context, env, results, step, shot })`.
 * Then writes RESULTS_DIR/`name`.txt (key=value) and `name`-page.log, and exits 1 on failure
 * (with the status line shown at that moment among the results).
 */
export async function runDriver(name, names, body) {
  const driver = argv[1] ?? name;
  const env = {};
  for (const key of ['APP_URL', 'REGISTRY_HOST', 'REG_USER', 'REG_PASS', 'RESULTS_DIR', ...names]) env[key] = required(key, driver);
  const results = {};
  const log = [];
  const timings = {};
  const browser = await launchChromium();
  let ok = false;
  let page = null;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.stack || e}`));
    const screenshot = (p, label) => shot(p, env.RESULTS_DIR, results, label);
    await body({ page, context, env, results, log, step: stepper(timings), shot: screenshot });
    ok = true;
  } catch (error) {
    results.error = String(error.stack || error);
    results.statusAtFailure = page ? await page.textContent('#status').catch(() => '?') : '';
  } finally {
    await browser.close();
    results.ok = String(ok);
    writeResults(join(env.RESULTS_DIR, `${name}.txt`), results, timings);
    writeFileSync(join(env.RESULTS_DIR, `${name}-page.log`), log.join('\n') + '\n');
    if (!ok) {
      console.error(log.slice(-40).join('\n'));
      process.exit(1);
    }
  }
}
