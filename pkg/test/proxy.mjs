// The package in headless Chromium through the chartpack registry proxy (`chartpack serve`), to
// registries with auth, from the plain page page/index.html in both places a page can be:
//
//   same-origin   the page served by the proxy itself (`--static-dir pkg`), at PROXY_URL;
//   cross-origin  the page on another origin (a static server here on PAGE_PORT, which the
//                 proxy allows with `--origin http://127.0.0.1:PAGE_PORT`): every call with
//                 `Authorization` is a CORS preflight first;
//   denied-origin the same server as http://localhost:PAGE_PORT, an origin the proxy does not
//                 allow: login() fails (`transport`: the browser hides the proxy's 403).
//
// For the first two places and each registry of PROXY_CASES the page runs runProxyScenario (a wrong
// password fails with `unauthorized`, promptly; login, push, pull back, tags). Every request
// Chromium makes is recorded: none may go to DIRECT_HOSTS (the registries and token servers).
// Exit 1 on any failed step.
//
// Environment: PROXY_URL (http://127.0.0.1:PORT of a proxy serving pkg/ as its static dir),
// PAGE_PORT, PROXY_CASES (JSON: [{ name, host, username, password }]), DIRECT_HOSTS
// (comma-separated host:port), CHARTPACK_RESULTS_DIR (proxy-browser.json and .txt, the pushed
// archives, screenshots), CHROMIUM.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PKG_DIR,
  launchChromium,
  newLoggedPage,
  packageBuilt,
  resultsDir,
  sha256Hex,
  startStaticServer,
  writeKeyValues,
  writeResult,
} from './lib.mjs';

/**
 * A registry call taking longer fails (they take well under a second): a hung request, or a
 * browser login dialog, which holds a fetch that has credentials and meets a `Basic` challenge
 * on its own origin forever in headless Chromium, must not hang the run.
 */
const CALL_TIMEOUT_MS = 10_000;
const log = [];
const say = (...a) => console.log(...a);

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the head of pkg/test/proxy.mjs)`);
  return value;
}

function timeout(promise, ms, what) {
  let timer;
  const fail = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, fail]).finally(() => clearTimeout(timer));
}

/** Runs every case in a fresh context with the page at `pageUrl`; records Chromium's requests. */
async function runPlacement(browser, placement, cases, directHosts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  const challenges = [];
  // Every request as it ended ("METHOD URL STATUS" or "… failed: ERROR"), for the results file
  // only: Chromium reports a `Cache-Control: no-store` answer read through a stream reader (the
  // proxy's token answers) as failed with net::ERR_ABORTED about half the time, although the
  // page received every byte.
  const trace = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  context.on('requestfinished', async (r) => {
    const response = await r.response().catch(() => null);
    trace.push(`${r.method()} ${r.url()} ${response ? response.status() : '(no response)'}`);
  });
  context.on('requestfailed', (r) => trace.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`));
  context.on('response', async (r) => {
    if (r.status() !== 401) return;
    const header = await r.headerValue('www-authenticate').catch(() => null);
    challenges.push({ url: r.url(), scheme: header ? header.split(' ')[0] : null });
  });
  const result = { placement: placement.name, pageUrl: placement.pageUrl, cases: {} };
  let ok = true;
  try {
    const page = await newLoggedPage(context, log);
    await page.goto(placement.pageUrl);
    const ready = await page.waitForFunction(() => window.__ready, null, { timeout: 30_000 }).then((h) => h.jsonValue());
    if (!ready.ok) throw new Error(`init() failed in the page: ${ready.error} (code ${ready.code})`);
    const pageOrigin = await page.evaluate(() => location.origin);
    result.pageOrigin = pageOrigin;
    // Same origin: the page names the proxy by its own origin, as a web app served by it would.
    const proxy = placement.name === 'same-origin' ? pageOrigin : placement.proxy;
    if (placement.name === 'same-origin' && pageOrigin !== placement.proxy) {
      throw new Error(`the same-origin page is on ${pageOrigin}, not on the proxy ${placement.proxy}`);
    }
    // Refused calls look like network failures to the page, which the client retries (~3 s):
    // one registry shows the refusal.
    for (const c of placement.denied ? cases.slice(0, 1) : cases) {
      const params = {
        label: `${placement.name} ${c.name}`,
        registryHost: c.host,
        proxy,
        username: c.username,
        password: c.password,
        repo: `${placement.name}/${c.name}`,
        version: placement.version,
        timeoutMs: CALL_TIMEOUT_MS,
      };
      const fn = placement.denied ? 'runProxyDenied' : 'runProxyScenario';
      const r = await timeout(page.evaluate(([f, p]) => window[f](p), [fn, params]), 3 * CALL_TIMEOUT_MS, `${params.label} scenario`);
      for (const s of r.steps) say(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.ms.toFixed(1)} ms)${s.detail ? ': ' + s.detail : ''}`);
      if (!r.ok) {
        ok = false;
        for (const f of r.failures) console.error(`FAIL ${f}`);
      }
      if (r.archiveBase64) {
        const bytes = Buffer.from(r.archiveBase64, 'base64');
        r.archiveFile = join(resultsDir(), `proxy-browser-${placement.name}-${c.name}-${r.fileName}`);
        writeFileSync(r.archiveFile, bytes);
        if (sha256Hex(bytes) !== r.sha256) {
          ok = false;
          console.error(`FAIL ${params.label}: the archive that reached Node differs from the page's sha256`);
        }
        delete r.archiveBase64;
      }
      result.cases[c.name] = { ...r, registryHost: c.host, repo: params.repo };
    }
    result.screenshot = join(resultsDir(), `proxy-browser-${placement.name}.png`);
    await page.screenshot({ path: result.screenshot, fullPage: true });
  } catch (e) {
    ok = false;
    console.error(`FAIL ${placement.name}: ${e && e.stack || e}`);
  } finally {
    await context.close();
  }

  const origins = new Set([new URL(placement.pageUrl).origin, new URL(placement.proxy).origin]);
  const hostOf = (url) => { try { return new URL(url).host; } catch { return null; } };
  result.requests = requests.length;
  result.proxyRequests = requests.filter((r) => r.url.startsWith(`${placement.proxy}/r/`)).length;
  result.direct = requests.filter((r) => directHosts.includes(hostOf(r.url)));
  result.elsewhere = requests.filter((r) => /^https?:/.test(r.url) && !origins.has(new URL(r.url).origin));
  result.challenges = challenges;
  result.trace = trace;
  say(`${placement.name}: ${requests.length} requests from Chromium, ${result.proxyRequests} to ${placement.proxy}/r/, ` +
    `${result.direct.length} straight to a registry, ${challenges.length} 401s (${[...new Set(challenges.map((c) => c.scheme))].join(', ')})`);
  if (result.direct.length) {
    ok = false;
    console.error(`FAIL ${placement.name}: Chromium went around the proxy:\n${result.direct.map((r) => `  ${r.method} ${r.url}`).join('\n')}`);
  }
  if (result.elsewhere.length) {
    ok = false;
    console.error(`FAIL ${placement.name}: requests to other origins:\n${result.elsewhere.map((r) => `  ${r.method} ${r.url}`).join('\n')}`);
  }
  if (result.proxyRequests === 0) {
    ok = false;
    console.error(`FAIL ${placement.name}: no request reached the proxy's /r/ routes`);
  }
  result.ok = ok;
  return result;
}

async function main() {
  if (!packageBuilt()) {
    console.error('pkg/dist has no .wasm yet: build the package first (scripts/build-pkg.sh)');
    process.exit(2);
  }
  const proxyUrl = required('PROXY_URL').replace(/\/$/, '');
  const cases = JSON.parse(required('PROXY_CASES'));
  const directHosts = (process.env.DIRECT_HOSTS || '').split(',').filter(Boolean);
  const server = await startStaticServer(PKG_DIR, { port: Number(required('PAGE_PORT')) });
  const browser = await launchChromium();
  const results = { chromium: browser.version(), proxyUrl, pageServer: server.url, directHosts, placements: {} };
  let ok = true;
  const t0 = Date.now();
  try {
    const placements = [
      { name: 'same-origin', pageUrl: `${proxyUrl}/test/page/index.html`, proxy: proxyUrl, version: '1.0.0' },
      { name: 'cross-origin', pageUrl: `${server.url}/test/page/index.html`, proxy: proxyUrl, version: '1.1.0' },
      { name: 'denied-origin', pageUrl: `${server.url.replace('127.0.0.1', 'localhost')}/test/page/index.html`, proxy: proxyUrl, denied: true },
    ];
    for (const placement of placements) {
      const r = await runPlacement(browser, placement, cases, directHosts);
      results.placements[placement.name] = r;
      ok &&= r.ok;
    }
  } catch (e) {
    ok = false;
    console.error(`FAIL ${e && e.stack || e}`);
  } finally {
    await browser.close();
    await server.close();
  }
  results.ok = ok;
  results.ms = Date.now() - t0;
  if (!ok && log.length) console.error('page log:\n' + log.join('\n'));
  results.pageLog = log;
  results.resultsFile = writeResult('proxy-browser.json', results);
  const kv = { ok, chromium: results.chromium };
  for (const [name, p] of Object.entries(results.placements)) {
    Object.assign(kv, {
      [`${name}.screenshot`]: p.screenshot,
      [`${name}.requests`]: p.requests,
      [`${name}.proxyRequests`]: p.proxyRequests,
      [`${name}.direct`]: p.direct.length,
      [`${name}.basicChallenges`]: p.challenges.filter((c) => /^basic$/i.test(c.scheme)).length,
    });
    for (const [c, r] of Object.entries(p.cases)) {
      const k = `${name}.${c}`;
      Object.assign(kv, {
        [`${k}.ok`]: r.ok,
        [`${k}.registryHost`]: r.registryHost,
        [`${k}.repo`]: r.repo,
        [`${k}.name`]: r.name,
        [`${k}.version`]: r.version,
        [`${k}.fileName`]: r.fileName,
        [`${k}.sha256`]: r.sha256,
        [`${k}.archiveFile`]: r.archiveFile,
        [`${k}.pushedDigest`]: r.pushed && r.pushed.digest,
        [`${k}.pulledDigest`]: r.pulled && r.pulled.digest,
        [`${k}.wrongPasswordCode`]: r.wrongPassword && r.wrongPassword.code,
        [`${k}.wrongPasswordMs`]: r.wrongPassword && r.wrongPassword.ms.toFixed(0),
        [`${k}.deniedCode`]: r.denied && r.denied.code,
      });
    }
  }
  say(`results: ${results.resultsFile} ${writeKeyValues('proxy-browser.txt', kv)} (${results.ms} ms)`);
  process.exit(ok ? 0 : 1);
}

main();
