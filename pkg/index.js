// chartpack: package, verify, lint and inspect Helm charts, and talk to OCI registries, in
// browsers, workers, bundlers and Node 20+. This file is environment glue around the wasm
// modules in ./dist (built by scripts/build-pkg.sh from crates/chartpack-wasm); every rule
// lives in the Rust core.

import initMain, * as main from './dist/chartpack.js';

let mainReady = null; // Promise of the main module's initialisation
let mainInitialized = false;
let lintReady = null; // Promise of the lint module (loaded on first lint())
let lintSource; // what init({ lintModule }) gave
let depsReady = null; // Promise of the dependencies module (loaded on first use)
let depsSource; // what init({ dependenciesModule }) gave

const IS_NODE =
  typeof process === 'object' && process !== null && typeof process.versions?.node === 'string' &&
  typeof window === 'undefined';

function chartpackError(code, message) {
  const error = new Error(message);
  error.name = 'ChartpackError';
  error.code = code;
  return error;
}

/** Where a module's bytes come from: Node reads a file: URL from disk (its fetch cannot). */
async function source(url) {
  if (IS_NODE && url instanceof URL && url.protocol === 'file:') {
    const fsName = 'node:fs/promises'; // a variable: bundlers leave it alone
    const { readFile } = await import(/* @vite-ignore */ fsName);
    return readFile(url);
  }
  return url;
}

/**
 * Loads the main wasm module once; later calls return the same promise. `module` overrides
 * where it comes from; `lintModule` does the same for the lint module (loaded by lint()), and
 * `dependenciesModule` for the dependencies module (loaded by updateDependencies()).
 */
export function init(input = {}) {
  if (input.lintModule !== undefined) lintSource = input.lintModule;
  if (input.dependenciesModule !== undefined) depsSource = input.dependenciesModule;
  if (!mainReady) {
    mainReady = (async () => {
      const module_or_path = await source(input.module ?? new URL('./dist/chartpack_bg.wasm', import.meta.url));
      await initMain({ module_or_path });
      mainInitialized = true;
    })();
    mainReady.catch(() => {
      mainReady = null; // let a later init() try again
    });
  }
  return mainReady;
}

function ready() {
  if (!mainInitialized) {
    throw chartpackError('not_initialized', 'chartpack is not initialised: await init() first');
  }
}

export function packageChart(files, options) {
  ready();
  return main.packageChart(files, options);
}

export function verifyArchive(archive, fileName) {
  ready();
  return main.verifyArchive(archive, fileName);
}

export function show(input, part) {
  ready();
  return main.show(input, part);
}

export function inspect(input) {
  ready();
  return main.inspect(input);
}

export function readArchiveFile(archive, path) {
  ready();
  return main.readArchiveFile(archive, path);
}

export function buildManifest(archive, options) {
  ready();
  return main.buildManifest(archive, options);
}

/** The lint module (lint, values, the values.schema.json validator), loaded once on first use. */
function lintModule() {
  if (!lintReady) {
    lintReady = (async () => {
      const lintModule = await import('./dist/chartpack_lint.js');
      const module_or_path = await source(lintSource ?? new URL('./dist/chartpack_lint_bg.wasm', import.meta.url));
      await lintModule.default({ module_or_path });
      return lintModule;
    })();
    lintReady.catch(() => {
      lintReady = null;
    });
  }
  return lintReady;
}

/** helm lint's findings. Loads the lint module (with the values.schema.json validator) on first use. */
export async function lint(input) {
  return (await lintModule()).lint(input);
}

/**
 * The `.Values` helm renders a chart with for `helm template … -f … --set …`, as `toYaml`
 * writes them. Uses the lint module (loaded on first use).
 */
export async function computeValues(input, options = {}) {
  return (await lintModule()).computeValues(input, options);
}

/** The dependencies module (`helm dependency update|build`), loaded once on first use. */
function dependenciesModule() {
  if (!depsReady) {
    depsReady = (async () => {
      const depsModule = await import('./dist/chartpack_deps.js');
      const module_or_path = await source(depsSource ?? new URL('./dist/chartpack_deps_bg.wasm', import.meta.url));
      await depsModule.default({ module_or_path });
      return depsModule;
    })();
    depsReady.catch(() => {
      depsReady = null;
    });
  }
  return depsReady;
}

/** `helm dependency update`: resolves, fetches and locks the dependencies; null without any. */
export async function updateDependencies(files, options) {
  return (await dependenciesModule()).updateDependencies(files, options);
}

/** `helm dependency build`: fetches what Chart.lock names (refuses a lock out of sync). */
export async function buildDependencies(files, options) {
  return (await dependenciesModule()).buildDependencies(files, options);
}

/**
 * A registry client (one per registry host; it keeps its tokens). Usable before init(): the
 * first call waits for it. Calls on one Registry run one after another.
 */
export class Registry {
  #host;
  #options;
  #inner = null;

  constructor(host, options) {
    if (typeof host !== 'string') {
      throw chartpackError('invalid_input', 'Registry needs a host name such as "registry.example.com:5000"');
    }
    this.#host = host;
    this.#options = options;
    if (mainInitialized) this.#inner = new main.Registry(host, options); // report bad options at once
  }

  async #client() {
    await init();
    this.#inner ??= new main.Registry(this.#host, this.#options);
    return this.#inner;
  }

  async login(options) {
    return (await this.#client()).login(options);
  }

  async push(archive, remote, options) {
    return (await this.#client()).push(archive, remote, options);
  }

  async pull(reference, options) {
    return (await this.#client()).pull(reference, options);
  }

  async tags(reference, options) {
    return (await this.#client()).tags(reference, options);
  }
}

function relativePath(file) {
  return file.webkitRelativePath || file.name;
}

/** Reads an `<input type="file" webkitdirectory>` list (or dropped Files) into chart files. */
export async function filesFromFileList(list) {
  return Promise.all(
    Array.from(list, async (file) => ({
      path: relativePath(file),
      bytes: new Uint8Array(await file.arrayBuffer()),
      lastModified: file.lastModified,
    })),
  );
}

/** Reads a directory picked with showDirectoryPicker() into chart files (paths relative to it). */
export async function filesFromDirectoryHandle(dir) {
  const out = [];
  async function walk(handle, prefix) {
    for await (const entry of handle.values()) {
      const path = prefix + entry.name;
      if (entry.kind === 'directory') {
        await walk(entry, path + '/');
      } else {
        const file = await entry.getFile();
        out.push({ path, bytes: new Uint8Array(await file.arrayBuffer()), lastModified: file.lastModified });
      }
    }
  }
  await walk(dir, '');
  return out;
}
