// A tour of the package in Node: package a chart directory, verify, lint, show, inspect and build
// the OCI manifest; with REGISTRY=host:port (a plain-http registry), also push, list tags and
// pull it back. Usage (after scripts/build-pkg.sh):
//   node pkg/examples/node-smoke.mjs CHART_DIR [OUT.tgz]
//   REGISTRY=127.0.0.1:5000 node pkg/examples/node-smoke.mjs CHART_DIR
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { init, packageChart, verifyArchive, lint, show, inspect, buildManifest, Registry } from '../index.js';

/** A chart directory as ChartFileInput[] (symbolic links followed, as helm's walk does). */
async function readChartDir(root) {
  const files = [];
  async function walk(dir) {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const info = await stat(path);
      if (info.isDirectory()) {
        await walk(path);
      } else {
        files.push({
          path: relative(root, path).split(sep).join('/'),
          bytes: await readFile(path),
          lastModified: Math.floor(info.mtimeMs),
        });
      }
    }
  }
  await walk(root);
  return files;
}

const [dir, out] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node node-smoke.mjs CHART_DIR [OUT.tgz]');
  process.exit(2);
}
await init();
const files = await readChartDir(dir);
const packaged = packageChart(files, { reproducible: 0 });
console.log(`packaged ${packaged.fileName}: ${packaged.archive.length} bytes, ${packaged.entries} entries, ${packaged.digest}`);
if (out) await writeFile(out, packaged.archive);

const verified = verifyArchive(packaged.archive, packaged.fileName);
console.log(`verified ${verified.name} ${verified.version}: ${verified.files} files, ${verified.size} bytes`);

const findings = await lint(files);
for (const d of findings) console.log(`[${d.severity}] ${d.path}: ${d.message}`);
const archiveFindings = await lint(packaged.archive);
console.log(`lint: ${findings.length} findings for the files, ${archiveFindings.length} for the archive`);

console.log(`show chart:\n${show(packaged.archive, 'chart').trimEnd()}`);
const preview = inspect(files);
console.log(`inspect: ${preview.files.length} files, ${preview.ignored.length} ignored, readme ${preview.readme === null ? 'none' : preview.readme.length + ' chars'}`);

const artifact = buildManifest(packaged.archive, { created: '2026-01-02T03:04:05Z' });
console.log(`manifest ${artifact.manifestDigest} tag ${artifact.tag}`);

try {
  packageChart([{ path: 'values.yaml', bytes: new Uint8Array() }]);
} catch (e) {
  console.log(`expected error: ${e.name} ${e.code} file=${e.file}: ${e.message}`);
}

if (process.env.REGISTRY) {
  const registry = new Registry(process.env.REGISTRY, { plainHttp: true });
  await registry.login();
  let last = null;
  const pushed = await registry.push(packaged.archive, `oci://${process.env.REGISTRY}/charts`, {
    created: '2026-01-02T03:04:05Z',
    onProgress: (p) => (last = p),
  });
  console.log(`pushed ${pushed.reference} ${pushed.digest} (${pushed.requests} requests, progress ${JSON.stringify(last)})`);
  const tags = await registry.tags(`oci://${process.env.REGISTRY}/charts/${verified.name}`);
  console.log(`tags: ${tags.join(' ')}`);
  const pulled = await registry.pull(`oci://${process.env.REGISTRY}/charts/${verified.name}`, { version: verified.version });
  const same = pulled.archive.length === packaged.archive.length && pulled.archive.every((b, i) => b === packaged.archive[i]);
  console.log(`pulled ${pulled.reference} as ${pulled.fileName}: ${same ? 'identical' : 'DIFFERENT'} (${pulled.requests} requests)`);
  if (!same || pushed.digest !== artifact.manifestDigest) process.exit(1);
}
