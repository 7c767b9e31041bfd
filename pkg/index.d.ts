// Types of the chartpack npm package (pkg/index.js). The contract is pkg/API.md.

/** Where a wasm module comes from: bytes, a compiled module, a URL or a fetch Response. */
export type ModuleSource = WebAssembly.Module | BufferSource | URL | Response | Promise<Response>;

/**
 * Loads the main wasm module once (later calls return the same promise). Browser and bundlers
 * fetch `./dist/chartpack_bg.wasm` next to this file; Node reads it from disk. `lintModule`
 * says where lint() gets its own module (default `./dist/chartpack_lint_bg.wasm`),
 * `dependenciesModule` where updateDependencies()/buildDependencies() get theirs (default
 * `./dist/chartpack_deps_bg.wasm`).
 */
export function init(input?: {
  module?: ModuleSource;
  lintModule?: ModuleSource;
  dependenciesModule?: ModuleSource;
}): Promise<void>;

/** One file of a chart directory. */
export interface ChartFileInput {
  /** "/"-separated, relative to the chart root ("templates/deployment.yaml"); a top directory
   * shared by every file ("mychart/Chart.yaml", as webkitRelativePath gives it) is stripped. */
  path: string;
  bytes: Uint8Array;
  /** Milliseconds since the epoch (File.lastModified); without it packageChart uses `now`. */
  lastModified?: number;
}

/** Browser: reads a FileList (`<input type="file" webkitdirectory>`) or Files. */
export function filesFromFileList(list: FileList | File[]): Promise<ChartFileInput[]>;
/** Browser: reads a directory from showDirectoryPicker(), paths relative to it. */
export function filesFromDirectoryHandle(dir: FileSystemDirectoryHandle): Promise<ChartFileInput[]>;

export interface PackageOptions {
  /** Replaces the chart version (must be SemVer), as `helm package --version`. */
  version?: string;
  /** Replaces appVersion, as `helm package --app-version`. */
  appVersion?: string;
  /** Every entry gets one time: true = the epoch, a number = those unix seconds (SOURCE_DATE_EPOCH). */
  reproducible?: boolean | number;
  /** "Now" in ms since the epoch, for files without lastModified (default Date.now()). */
  now?: number;
}

export interface PackagedChart {
  /** `{name}-{version}.tgz` */
  fileName: string;
  archive: Uint8Array;
  /** `sha256:<hex>` of the archive */
  digest: string;
  /** Number of files in the archive. */
  entries: number;
  name: string;
  version: string;
}

/** Packages a chart directory as `helm package` does (byte-identical to `chartpack package`). */
export function packageChart(files: ChartFileInput[], options?: PackageOptions): PackagedChart;

/** Chart.yaml as helm's JSON (name, version, apiVersion, ...). */
export interface ChartMetadata {
  [key: string]: unknown;
}

export interface VerifiedArchive {
  name: string;
  version: string;
  /** Files in the chart and its subcharts. */
  files: number;
  /** Archive size in bytes. */
  size: number;
  digest: string;
  metadata: ChartMetadata;
}

/** Checks an archive as `chartpack verify` does; throws a ChartpackError naming the problem. */
export function verifyArchive(archive: Uint8Array, fileName?: string): VerifiedArchive;

export interface Diagnostic {
  severity: 'INFO' | 'WARNING' | 'ERROR';
  /** The file or directory concerned, as helm names it. */
  path: string;
  message: string;
}

/** helm lint's findings. Async: the first call loads the lint module. */
export function lint(input: ChartFileInput[] | Uint8Array): Promise<Diagnostic[]>;

/** A `-f/--values` source for computeValues. */
export interface ValuesSource {
  /** The name shown in errors (a file name). */
  name?: string;
  text?: string;
  bytes?: Uint8Array;
}

/** helm's values flags, in command-line order within each kind. */
export interface ValuesOptions {
  /** `-f/--values`, in order: later ones win. */
  values?: ValuesSource[];
  /** `--set`. */
  set?: string[];
  /** `--set-string`. */
  setString?: string[];
  /** `--set-json`. */
  setJson?: string[];
  /** `--set-literal`. */
  setLiteral?: string[];
  /** `--set-file` lines; the contents of the files they name go in `setFiles`. */
  setFile?: string[];
  /** Contents of the files `setFile` names, by path as written. */
  setFiles?: Record<string, string | Uint8Array>;
  /** `--skip-schema-validation`. */
  skipSchemaValidation?: boolean;
}

/**
 * The `.Values` helm renders the chart with (`helm template NAME CHART -f … --set …`), as helm's
 * `toYaml` writes them. Async: uses the lint module. Errors have codes `values.*`.
 */
export function computeValues(input: ChartFileInput[] | Uint8Array, options?: ValuesOptions): Promise<string>;

export type ShowPart = 'chart' | 'values' | 'readme' | 'crds' | 'all';

/** What `helm show <part>` prints. */
export function show(input: ChartFileInput[] | Uint8Array, part: ShowPart): string;

export interface ChartPreview {
  metadata: ChartMetadata;
  /** values.yaml as written ("" when there is none). */
  values: string;
  readme: string | null;
  /** The files the chart is made of (for file input: after .helmignore), in helm's order. */
  files: { path: string; size: number }[];
  /** Paths .helmignore excluded (file input only). */
  ignored: string[];
}

export function inspect(input: ChartFileInput[] | Uint8Array): ChartPreview;
/** One file of a chart archive, by the path inspect() lists ("templates/deployment.yaml"), read
 * with every archive check and limit; throws invalid_input (field "path") when there is none. */
export function readArchiveFile(archive: Uint8Array, path: string): Uint8Array;

export interface ManifestOptions {
  /** The org.opencontainers.image.created annotation, RFC 3339 (default: now, UTC). */
  created?: string;
  /** The `.prov` file, pushed as a layer. */
  provenance?: Uint8Array;
  /** Names the archive in messages (default "chart.tgz"). */
  fileName?: string;
}

export interface OciArtifact {
  name: string;
  version: string;
  /** The tag helm pushes under: the version with "+" as "_". */
  tag: string;
  manifest: Uint8Array;
  manifestDigest: string;
  config: Uint8Array;
  configDigest: string;
  annotations: Record<string, string>;
  layers: { mediaType: string; digest: string; size: number }[];
}

/** What `helm push` uploads for an archive, byte for byte. */
export function buildManifest(archive: Uint8Array, options?: ManifestOptions): OciArtifact;

export interface RegistryOptions {
  /** http:// instead of https:// (helm's --plain-http). */
  plainHttp?: boolean;
  username?: string;
  password?: string;
  /** Token realm hosts that may receive the credentials although not the registry's host. */
  trustRealms?: string[];
  /** Connect here instead (an origin such as a proxy: "http://127.0.0.1:8080"); its scheme replaces plainHttp. */
  baseUrl?: string;
  /**
   * A chartpack proxy ("http://127.0.0.1:8080"): the registry is reached at `${proxy}/r/${host}`,
   * its scheme replaces plainHttp, messages still name `host`. Not with baseUrl.
   */
  proxy?: string;
}

export interface Progress {
  done: number;
  total: number;
}

export interface CallOptions {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

export interface PushResult {
  /** host/repo/chart:tag */
  reference: string;
  /** The manifest's digest. */
  digest: string;
  /** HTTP requests made by this Registry so far. */
  requests: number;
}

export interface PullResult {
  /** The reference pulled, with the tag it resolved to (or the digest). */
  reference: string;
  digest: string;
  /** The name helm saves it as. */
  fileName: string;
  archive: Uint8Array;
  /** The provenance file, when the artifact has one. */
  provenance?: Uint8Array;
  /** What helm would warn about (legacy media types). */
  warnings: string[];
  requests: number;
}

export class Registry {
  /** `host[:port]` (an `oci://` prefix is accepted). */
  constructor(host: string, options?: RegistryOptions);
  /** Checks the credentials as `helm registry login` does. */
  login(options?: CallOptions): Promise<void>;
  /** `helm push CHART.tgz oci://host/repo`. */
  push(archive: Uint8Array, remote: string, options?: CallOptions & ManifestOptions): Promise<PushResult>;
  /** `helm pull oci://host/repo/chart[:tag|@sha256:...] [--version V|RANGE] [--devel]`. */
  pull(reference: string, options?: CallOptions & { version?: string; devel?: boolean }): Promise<PullResult>;
  /** Every tag, newest SemVer first. */
  tags(reference: string, options?: CallOptions): Promise<string[]>;
}

/** One entry of helm's repositories.yaml (`helm repo add NAME URL`). */
export interface ChartRepository {
  /** The name dependencies use as `@name` or `alias:name`. */
  name: string;
  url: string;
  /** Basic auth, sent to the repository's own origin only (unless passCredentialsAll). */
  username?: string;
  password?: string;
  /** Send the credentials to chart URLs on other hosts too (helm's --pass-credentials). */
  passCredentialsAll?: boolean;
}

export interface DependencyOptions {
  /** Classic chart repositories: needed for `@name` dependencies and for credentials. */
  repositories?: ChartRepository[];
  /** Per registry ("host[:port]"): how to reach it, as `new Registry(host, options)` takes it. */
  registries?: Record<string, RegistryOptions>;
  /** Default for registries not listed in `registries` (and for those without their own). */
  plainHttp?: boolean;
  /** Default chartpack proxy for registries ("http://127.0.0.1:8080"). */
  proxy?: string;
  /** `file://` dependencies: the files of each chart, keyed by the path after `file://` ("../common"). */
  localCharts?: Record<string, ChartFileInput[]>;
  /** The lock's `generated` time, ms since the epoch (default Date.now()). */
  now?: number;
  /** SOURCE_DATE_EPOCH: entry time (unix seconds) of the packaged `file://` charts. */
  sourceDateEpoch?: number;
  signal?: AbortSignal;
}

export interface DependencyResult {
  /** Where the lock goes: "Chart.lock" ("requirements.lock" for apiVersion v1 charts). */
  lockFile: 'Chart.lock' | 'requirements.lock';
  /** The lock's YAML. */
  lock: string;
  /** Whether to write it (helm leaves an unchanged lock alone; always false for build). */
  writeLock: boolean;
  /** Archives to write into charts/. */
  charts: { fileName: string; bytes: Uint8Array }[];
  /** Outdated archives to delete from charts/ (file names). */
  remove: string[];
  /** What helm prints along the way. */
  log: string[];
}

/**
 * `helm dependency update`: resolves every dependency (OCI tags, repository indexes, local
 * charts), fetches and verifies the archives, and makes a new lock. null when the chart
 * declares no dependencies. Loads the dependencies module on first use.
 */
export function updateDependencies(files: ChartFileInput[], options?: DependencyOptions): Promise<DependencyResult | null>;
/** `helm dependency build`: fetches what the lock names; a lock out of sync rejects (dependency.out_of_sync). */
export function buildDependencies(files: ChartFileInput[], options?: DependencyOptions): Promise<DependencyResult | null>;

/** Every failure: a JS Error with the core's message and a stable code (see README "Errors"). */
export interface ChartpackError extends Error {
  name: 'ChartpackError';
  code: string;
  /** The file inside the chart, when known ("Chart.yaml", "charts/redis/values.yaml"). */
  file?: string;
  /** The field or option, when known ("version", "created"). */
  field?: string;
}
