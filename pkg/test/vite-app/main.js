// A bundled app: `chartpack` resolved by Vite (alias to the package's entry), the wasm emitted
// by Vite as an asset from the package's new URL('./dist/….wasm', import.meta.url).
import { init, packageChart, verifyArchive, show, lint, updateDependencies } from 'chartpack';

const enc = new TextEncoder();
const files = [
  { path: 'vite-demo/Chart.yaml', bytes: enc.encode('apiVersion: v2\nname: vite-demo\nversion: 1.2.3\nappVersion: "4.5"\n') },
  { path: 'vite-demo/values.yaml', bytes: enc.encode('greeting: hello\n') },
  { path: 'vite-demo/templates/cm.yaml', bytes: enc.encode('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting }}\n') },
];

async function run() {
  const t0 = performance.now();
  await init();
  const initMs = performance.now() - t0;
  const pkg = packageChart(files, { reproducible: true });
  const verified = verifyArchive(pkg.archive, pkg.fileName);
  const chart = show(pkg.archive, 'chart');
  const findings = await lint(files);
  const dependencies = await updateDependencies(files); // its own module; null: the chart has none
  const ok =
    dependencies === null &&
    findings.length === 1 &&
    findings[0].message === 'icon is recommended' &&
    pkg.fileName === 'vite-demo-1.2.3.tgz' &&
    verified.name === 'vite-demo' &&
    verified.version === '1.2.3' &&
    verified.digest === pkg.digest &&
    chart.includes('name: vite-demo');
  return { ok, initMs, fileName: pkg.fileName, digest: pkg.digest, size: pkg.archive.length, entries: pkg.entries, verified, chart, findings };
}

const status = document.getElementById('status');
run().then(
  (r) => {
    status.textContent = r.ok ? `ok: ${r.fileName} ${r.digest}` : 'FAIL';
    status.className = r.ok ? 'ok' : 'fail';
    document.getElementById('out').textContent = JSON.stringify(r, null, 2);
    window.__result = r;
  },
  (e) => {
    status.textContent = `FAIL: ${e}`;
    status.className = 'fail';
    window.__result = { ok: false, error: String(e && e.stack || e), code: e && e.code };
  },
);
