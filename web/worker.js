// The web app's worker: it loads the wasm module (crates/chartpack-wasm, built by Trunk from web/)
// and runs every chart and registry call off the page's thread, so packaging, linting or pulling a
// large chart never freezes the page. The page (app.js) talks to it with small messages:
//
//   page → worker   { init: { js, wasm } }                     load the module once
//                   { id, method, args }                       one call (see METHODS)
//                   { abort: id }                              abort that call's AbortSignal
//   worker → page   { ready: [export names] } | { failed: error }
//                   { id, result } | { id, error }             the call's outcome
//                   { id, progress: { done, total } }          push/pull progress
//
// Errors cross as plain objects { name, message, code, file, field }: a structured clone of an
// Error keeps only its message. Bytes cross as Uint8Arrays (transferred where the worker owns them).

let cp = null;
let loaded = null; // settles when the module is loaded: calls that arrive before it wait for it
const registries = new Map(); // settings key → Registry (its token cache lives on between calls)
const controllers = new Map(); // call id → AbortController

function plainError(error) {
  if (error && typeof error === 'object') {
    const out = { name: error.name || 'Error', message: String(error.message ?? error) };
    for (const key of ['code', 'file', 'field']) if (typeof error[key] === 'string') out[key] = error[key];
    return out;
  }
  return { name: 'Error', message: String(error) };
}

/** One Registry per registry setting (host, proxy, credentials), as the page's settings name it. */
function registry(settings) {
  const key = JSON.stringify(settings);
  let r = registries.get(key);
  if (!r) {
    const options = {};
    if (settings.proxy) options.proxy = settings.proxy;
    else if (settings.plainHttp) options.plainHttp = true;
    if (settings.username || settings.password) Object.assign(options, { username: settings.username, password: settings.password });
    r = new cp.Registry(settings.host, options);
    registries.set(key, r);
  }
  return r;
}

/** Signal for one call: aborted by the page ({ abort: id }) or after `timeoutMs`. */
function signalFor(id, timeoutMs) {
  const controller = new AbortController();
  controllers.set(id, controller);
  const signals = [controller.signal];
  if (timeoutMs) signals.push(AbortSignal.timeout(timeoutMs));
  return AbortSignal.any(signals);
}

/** What the page may call: the module's chart functions, and the registry client by settings. */
const METHODS = {
  inspect: (input) => cp.inspect(input),
  lint: (input) => cp.lint(input),
  verifyArchive: (bytes, fileName) => cp.verifyArchive(bytes, fileName),
  readArchiveFile: (archive, path) => cp.readArchiveFile(archive, path),
  // "Package" in one trip: a folder is packaged, an archive verified; then the manifest of either.
  packageWithManifest: (kind, input, fileName, options) => {
    let packaged;
    if (kind === 'dir') packaged = cp.packageChart(input, options);
    else {
      const v = cp.verifyArchive(input, fileName);
      packaged = { fileName, archive: input, digest: v.digest, name: v.name, version: v.version };
    }
    return { packaged, artifact: cp.buildManifest(packaged.archive, { fileName: packaged.fileName }) };
  },
  computeValues: (input, options) => cp.computeValues(input, options),
  updateDependencies: (files, options, call) => cp.updateDependencies(files, { ...options, signal: call.signal(options.timeoutMs) }),
  login: (settings, options, call) => registry(settings).login({ signal: call.signal(options.timeoutMs) }),
  push: (settings, archive, remote, options, call) =>
    registry(settings).push(archive, remote, { fileName: options.fileName, onProgress: call.progress, signal: call.signal(options.timeoutMs) }),
  tags: (settings, reference, options, call) => registry(settings).tags(reference, { signal: call.signal(options.timeoutMs) }),
  pull: (settings, reference, options, call) =>
    registry(settings).pull(reference, { onProgress: call.progress, signal: call.signal(options.timeoutMs) }),
};

/** Uint8Arrays in a result, to transfer rather than copy. */
function transferables(value, out = []) {
  if (value instanceof Uint8Array) out.push(value.buffer);
  else if (Array.isArray(value)) for (const v of value) transferables(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) transferables(v, out);
  return out;
}

async function run({ id, method, args }) {
  const call = {
    signal: (timeoutMs) => signalFor(id, timeoutMs),
    progress: (p) => postMessage({ id, progress: { done: p.done, total: p.total } }),
  };
  try {
    if (!loaded) throw new Error('the page sent a call before { init }');
    await loaded;
    if (!cp) throw new Error('the WebAssembly module failed to load (see the browser console)');
    const fn = METHODS[method];
    if (!fn) throw Object.assign(new Error(`the worker has no method ${method}`), { code: 'invalid_input' });
    const result = await fn(...args, call);
    const transfer = [...new Set(transferables(result))];
    postMessage({ id, result }, transfer);
  } catch (error) {
    postMessage({ id, error: plainError(error) });
  } finally {
    controllers.delete(id);
  }
}

async function start({ js, wasm }) {
  try {
    const glue = await import(js);
    await glue.default({ module_or_path: wasm });
    cp = glue;
    postMessage({ ready: Object.keys(cp).sort() });
  } catch (error) {
    postMessage({ failed: plainError(error) });
  }
}

addEventListener('message', ({ data }) => {
  if (data.init) loaded ??= start(data.init);
  else if (data.abort !== undefined) controllers.get(data.abort)?.abort(new DOMException('aborted by the page', 'AbortError'));
  else run(data);
});
