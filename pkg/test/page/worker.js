// A module worker (new Worker(url, { type: 'module' })) that uses the package the way a page
// would: import the entry by a relative URL, await init() (the wasm fetched by the package from
// new URL('./dist/…', import.meta.url)), package the tiny inline chart reproducibly, post the
// digest back. Errors are posted too (an ErrorEvent from a worker carries little).

import * as chartpack from '../../index.js';
import { tinyChartFiles } from './tiny-chart.js';

self.onmessage = async () => {
  try {
    const t0 = performance.now();
    await chartpack.init();
    const initMs = performance.now() - t0;
    const pkg = chartpack.packageChart(tinyChartFiles(), { reproducible: true });
    self.postMessage({ ok: true, initMs, digest: pkg.digest, fileName: pkg.fileName, entries: pkg.entries, inWorker: typeof window === 'undefined' });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e && e.stack || e), code: e && e.code });
  }
};
