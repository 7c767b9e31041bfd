#!/usr/bin/env bash
# Benchmark (not a test): chartpack vs helm on the largest corpus charts, whole processes,
# medians and ratios: `package` (plus the core's MB/s), then `push`/`pull` to a real local
# registry with the HTTP requests each tool makes, then the registry proxy (`chartpack serve`)
# against the registry direct (requests/s, added latency, peak RSS on a 100 MiB blob), then
# `dependency update` against helm's on a chart with registry and classic-repository ranges, then the
# npm package's wasm in headless Chromium (instantiate, package) next to the native CLI and
# helm, then the web app in headless Chromium (ready, open, package). BENCH_RUNS sets the run count.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HELM="${HELM:-$HOME/.cache/chartpack/helm}"
export CHARTPACK_CORPUS="${CHARTPACK_CORPUS:-$(cd .. && pwd)/shared/corpus}"
cargo build --release --locked -q -p chartpack-cli -p chartpack-e2e --bin chartpack --bin bench --bin bench_registry --bin bench_proxy --bin bench_deps
target/release/bench target/release/chartpack
echo
target/release/bench_registry target/release/chartpack
echo
target/release/bench_proxy
echo
target/release/bench_deps target/release/chartpack
echo
CHARTPACK_SETUP_DONE=1 bash scripts/build-pkg.sh >/dev/null
cargo build --release --locked -q -p chartpack-e2e --bin bench_wasm
target/release/bench_wasm target/release/chartpack
echo
CHARTPACK_SETUP_DONE=1 bash scripts/build-web.sh --if-stale >/dev/null
cargo build --release --locked -q -p chartpack-e2e --bin bench_web
target/release/bench_web target/release/chartpack
