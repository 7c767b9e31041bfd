#!/usr/bin/env bash
# The one test command: sets up what is needed (scripts/setup.sh), then runs every test:
# formatting and lints, unit tests of every crate, the wasm32 build of the pure crates, the
# npm package's wasm (scripts/build-pkg.sh, with its size budgets), the web app (scripts/build-web.sh,
# trunk -> dist/, tested in Chromium by tests/tests/web_app.rs), end-to-end tests against the real
# helm binary on the shared corpus, and a brief fuzz run.
# CHARTPACK_CORPUS points at the corpus (default ../shared/corpus); FUZZ_SECONDS sets the
# fuzz time per target (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export HELM="${HELM:-$HOME/.cache/chartpack/helm}"
export CHARTPACK_CORPUS="${CHARTPACK_CORPUS:-$(cd .. && pwd)/shared/corpus}"
step() { printf '\n==> %s\n' "$*" >&2; }

step "setup"
bash scripts/setup.sh

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -q -- -D warnings

step "pure crates build for wasm32-unknown-unknown"
cargo build --locked -q --target wasm32-unknown-unknown \
  -p chartpack-semver -p chartpack-encoding -p chartpack-schema -p chartpack-archive -p chartpack-chart -p chartpack \
  -p chartpack-oci
cargo clippy --locked -q --target wasm32-unknown-unknown -p chartpack-wasm -- -D warnings

step "npm package wasm (pkg/dist)"
CHARTPACK_SETUP_DONE=1 bash scripts/build-pkg.sh

step "web app (dist/, trunk)"
CHARTPACK_SETUP_DONE=1 bash scripts/build-web.sh

step "unit and end-to-end tests (helm: $HELM, corpus: $CHARTPACK_CORPUS)"
cargo build --locked -q -p chartpack-cli
cargo test --workspace --locked

step "fuzz (${FUZZ_SECONDS:-20}s per target)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

step "all tests passed"
