#!/usr/bin/env bash
# Benchmark (not a test): chartpack package vs helm package on the largest corpus charts,
# whole processes, medians and ratios, plus the core's MB/s. BENCH_RUNS sets the run count.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HELM="${HELM:-$HOME/.cache/chartpack/helm}"
export CHARTPACK_CORPUS="${CHARTPACK_CORPUS:-$(cd .. && pwd)/shared/corpus}"
cargo build --release --locked -q -p chartpack-cli -p chartpack-e2e --bin chartpack --bin bench
target/release/bench target/release/chartpack
