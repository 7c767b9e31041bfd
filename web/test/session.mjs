// The web app's session features in headless Chromium (tests/tests/web_app_session.rs starts the
// registry with Basic auth and `chartpack serve --static-dir dist`, and makes the charts):
//   - open a chart folder from the keyboard alone (Tab to the drop zone, Enter, the file chooser);
//   - axe-core's WCAG 2.1 A/AA rules on the start page and on a chart's page;
//   - drop a chart folder onto the drop zone (a real directory drag, dispatched through CDP);
//   - update its dependencies (an OCI range on the registry through the proxy, a file:// chart
//     picked by the user), then package it (the download is saved for helm to judge);
//   - reload: the chart, the values files and --set lines come back and say so; Close forgets them;
//   - drop a .tgz (verified and shown), and a file that is not one (a clear error);
//   - credentials: kept nowhere unless "Remember" is ticked; remembered across a reload; forgotten
//     when unticked;
//   - a push straight to a registry that allows CORS (proxy field empty);
//   - a large chart packages in the worker while the page keeps answering (longest gap between
//     timer ticks on the page's thread, measured during the packaging); its push is cancelled
//     midway (aborted, no version appears).
// Results (key=value) and screenshots go to RESULTS_DIR. Exit 1 on any failed step.
//
// Environment: APP_URL, REGISTRY_HOST, REG_USER, REG_PASS, LOCAL_DIR (the file:// chart, also the
// keyboard one), PARENT_DIR (a chart depending on oci://REGISTRY_HOST/deps/sub and file://../local),
// BIG_DIR (a large chart), VALUES_FILE (a values file setting greeting), DIRECT_HOST (an anonymous
// registry that answers CORS), RESULTS_DIR, CHROMIUM (optional).

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { dropPaths, runDriver, statusAfter } from './lib.mjs';

async function load(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
}

const storage = (page) => page.evaluate(() => JSON.stringify(localStorage));

/** axe-core's WCAG 2 A/AA rules on the page as it is: "rule(impact)×nodes: target" per violation. */
async function accessibility(page) {
  await page.addScriptTag({ path: join(process.cwd(), 'node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}(${v.impact})×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations.join(' | ');
}

const NAMES = ['LOCAL_DIR', 'PARENT_DIR', 'BIG_DIR', 'VALUES_FILE', 'DIRECT_HOST'];
await runDriver('session', NAMES, async ({ page, context, env, results, step, shot }) => {
  const { APP_URL, REGISTRY_HOST: HOST, REG_USER: USER, REG_PASS: PASS, RESULTS_DIR: RESULTS } = env;
  const { LOCAL_DIR, PARENT_DIR, BIG_DIR, VALUES_FILE, DIRECT_HOST } = env;
  // Intercepting file choosers is switched on when a listener is added: add one now, well before
  // the keyboard opens one (waitForEvent alone races with the key press under load).
  page.on('filechooser', () => {});
  page.on('dialog', (d) => {
    results.dialogs = `${results.dialogs ?? ''}${d.type()} `;
    d.accept();
  });

  await step('open a chart folder with the keyboard only', async () => {
    await load(page, APP_URL);
    results.axeStart = await accessibility(page);
    // From the top of the page, Tab until the drop zone has the focus.
    let presses = 0;
    while (presses < 10 && !(await page.evaluate(() => document.activeElement?.id === 'drop'))) {
      await page.keyboard.press('Tab');
      presses++;
    }
    results.tabsToDrop = String(presses);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    results.chooserDirectory = String(await chooser.element().evaluate((input) => input.webkitdirectory));
    await chooser.setFiles(LOCAL_DIR);
    results.keyboardStatus = await statusAfter(page, ['ok', 'warn'], 'Opened');
    results.keyboardTitle = (await page.textContent('#chart-title')).trim();
    // Every control has a label (a <label for>, an aria-label, or its own text).
    results.unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, textarea, button, select')]
        .filter((c) => !c.hidden && c.type !== 'hidden')
        .filter((c) => !(c.labels?.length || c.getAttribute('aria-label') || c.textContent.trim()))
        .map((c) => c.id || c.outerHTML.slice(0, 60))
        .join(','),
    );
  });

  await step('drop a chart folder (a real directory drag through CDP)', async () => {
    await dropPaths(page, '#drop', [PARENT_DIR]);
    results.dropStatus = await statusAfter(page, ['ok', 'warn'], 'Opened parent');
    results.dropTitle = (await page.textContent('#chart-title')).trim();
    results.axeWithChart = await accessibility(page);
    // The check can fail: an input without a label is reported.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('input'), { id: 'axe-probe' })));
    results.axeProbe = await accessibility(page);
    await page.evaluate(() => document.getElementById('axe-probe').remove());
    results.depsListed = (await page.$$eval('#deps-list li', (li) => li.map((x) => x.textContent.trim()))).join(' | ');
    await shot(page, 's1-dropped-folder');
  });

  await step('update the dependencies (OCI through the proxy with the credentials, file:// picked)', async () => {
    await page.fill('#reg-host', HOST);
    await page.fill('#reg-repo', 'deps');
    await page.fill('#reg-user', USER);
    await page.fill('#reg-pass', PASS);
    // Without the file:// chart's folder the update fails and says which.
    await page.click('#update-deps');
    results.depsWithoutLocal = await statusAfter(page, ['error'], 'Updating the dependencies failed');
    await page.setInputFiles('#deps-local input[type=file]', LOCAL_DIR);
    await statusAfter(page, ['ok'], 'Read ');
    await page.click('#update-deps');
    results.depsStatus = await statusAfter(page, ['ok'], 'Updated the dependencies');
    results.depsLog = (await page.textContent('#deps-log')).trim();
    results.depsListedAfter = (await page.$$eval('#deps-list li', (li) => li.map((x) => x.textContent.trim()))).join(' | ');
    await shot(page, 's2-dependencies');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#package')]);
    const file = join(RESULTS, `with-deps-${download.suggestedFilename()}`);
    await download.saveAs(file);
    results.depsArchive = file;
    await statusAfter(page, ['ok'], 'Packaged');
  });

  await step('reload: the chart comes back, then Close forgets it', async () => {
    await page.setInputFiles('#values-files', VALUES_FILE);
    results.valuesKeptStatus = await statusAfter(page, ['ok'], 'kept in this browser for a reload');
    await page.fill('#set-lines', 'string: extra=010');
    await page.dispatchEvent('#set-lines', 'change');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await statusAfter(page, ['ok', 'warn'], 'Opened');
    results.reloadTitle = (await page.textContent('#chart-title')).trim();
    results.reloadNote = (await page.textContent('#restored')).trim();
    results.reloadHasLock = String((await page.$$eval('#deps-list li', (li) => li.map((x) => x.textContent))).every((t) => t.includes('.tgz')));
    results.reloadHost = await page.inputValue('#reg-host');
    results.reloadPassword = await page.inputValue('#reg-pass');
    results.reloadValuesFiles = await page.$eval('#values-files', (i) => [...i.files].map((f) => f.name).join(','));
    results.reloadSetLines = await page.inputValue('#set-lines');
    await page.click('#compute-values');
    await statusAfter(page, ['ok'], 'Computed the values');
    results.reloadComputed = (await page.textContent('#merged-values')).trim();
    await shot(page, 's3-reloaded');
    await page.click('#close-chart');
    await statusAfter(page, ['ok'], 'Closed');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    results.afterCloseHidden = String(await page.locator('#chart').isHidden());
    results.afterCloseValuesFiles = String(await page.$eval('#values-files', (i) => i.files.length));
  });

  await step('drop a .tgz, then a file that is not one', async () => {
    await dropPaths(page, '#drop', [results.depsArchive]);
    results.droppedTgzStatus = await statusAfter(page, ['ok', 'warn'], 'Opened parent');
    results.droppedTgzVerified = String(await page.locator('#verify.ok').count() === 1);
    await dropPaths(page, '#drop', [VALUES_FILE]);
    results.droppedOtherStatus = await statusAfter(page, ['error'], 'not a .tgz');
    await page.click('#close-chart');
    await statusAfter(page, ['ok'], 'Closed');
  });

  await step('credentials: kept only when "Remember" is ticked', async () => {
    await page.fill('#reg-user', USER);
    await page.fill('#reg-pass', PASS);
    await page.click('#login');
    await statusAfter(page, ['ok'], 'Logged in');
    results.passwordStoredWithoutRemember = String((await storage(page)).includes(PASS));
    await page.check('#reg-remember');
    results.rememberHint = (await page.textContent('#cred-hint')).trim();
    await page.click('#login');
    results.rememberStatus = await statusAfter(page, ['ok'], 'Logged in');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    results.rememberedUser = await page.inputValue('#reg-user');
    results.rememberedPasswordBack = String((await page.inputValue('#reg-pass')) === PASS);
    results.rememberedChecked = String(await page.isChecked('#reg-remember'));
    await shot(page, 's4-remembered');
    await page.uncheck('#reg-remember');
    results.forgetStatus = await statusAfter(page, ['ok'], 'no longer remembers');
    results.passwordStoredAfterForget = String((await storage(page)).includes(PASS));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    results.passwordAfterForgetReload = await page.inputValue('#reg-pass');
  });

  await step('push straight to a registry that allows CORS (no proxy)', async () => {
    await page.setInputFiles('#pick-dir', LOCAL_DIR);
    await statusAfter(page, ['ok', 'warn'], 'Opened local');
    await Promise.all([page.waitForEvent('download'), page.click('#package')]);
    await statusAfter(page, ['ok'], 'Packaged');
    results.directDigest = (await page.textContent('#digest')).trim();
    await page.fill('#reg-host', `http://${DIRECT_HOST}`);
    await page.fill('#reg-repo', 'direct');
    await page.fill('#reg-proxy', '');
    await page.fill('#reg-user', '');
    await page.fill('#reg-pass', '');
    const seen = [];
    const onRequest = (r) => seen.push(r.url());
    context.on('request', onRequest);
    await page.click('#push');
    results.directStatus = await statusAfter(page, ['ok'], 'version(s)');
    context.off('request', onRequest);
    results.directRequests = String(seen.filter((u) => u.startsWith(`http://${DIRECT_HOST}/v2/`)).length);
    results.directViaProxy = String(seen.filter((u) => u.includes('/r/')).length);
    results.directCommands = (await page.$$eval('#command-list code', (c) => c.map((x) => x.textContent))).join('\n');
    await page.fill('#reg-host', HOST);
    await page.fill('#reg-proxy', new URL(APP_URL).origin);
  });

  await step('a large chart packages while the page keeps answering', async () => {
    await page.setInputFiles('#pick-dir', BIG_DIR);
    await statusAfter(page, ['ok', 'warn'], 'Opened big', 120_000);
    await page.uncheck('#reproducible');
    // A timer on the page's thread every 10 ms: the longest gap is how long the page froze.
    await page.evaluate(() => {
      window.gaps = { last: performance.now(), max: 0, ticks: 0 };
      window.gapTimer = setInterval(() => {
        const now = performance.now();
        window.gaps.max = Math.max(window.gaps.max, now - window.gaps.last);
        window.gaps.last = now;
        window.gaps.ticks++;
      }, 10);
    });
    const started = Date.now();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#package')]);
    await statusAfter(page, ['ok'], 'Packaged', 120_000);
    results.bigPackageMs = String(Date.now() - started);
    const gaps = await page.evaluate(() => {
      clearInterval(window.gapTimer);
      return window.gaps;
    });
    results.bigMaxGapMs = String(Math.round(gaps.max));
    results.bigTicks = String(gaps.ticks);
    results.bigArchiveBytes = String(statSync(await download.path()).size);
    results.bigStatus = (await page.textContent('#status')).trim();
    await shot(page, 's5-large-chart');

    // Cancel a push of it midway: the call is aborted and no version appears.
    await page.fill('#reg-repo', 'big');
    await page.fill('#reg-user', USER);
    await page.fill('#reg-pass', PASS);
    await page.click('#push');
    await page.waitForFunction(() => document.getElementById('progress').value > 0, null, { timeout: 60_000 });
    await page.click('#cancel');
    results.cancelStatus = await statusAfter(page, ['error'], 'Push failed');
    results.cancelHidden = String(await page.locator('#cancel').isHidden());
    await page.fill('#tags-chart', 'big');
    await page.click('#list-tags');
    await page.waitForFunction(() => /Listing versions failed|version\(s\)/.test(document.getElementById('status').textContent));
    results.afterCancelTags = (await page.textContent('#status')).trim();
  });

});
