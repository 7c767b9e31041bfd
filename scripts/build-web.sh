#!/usr/bin/env bash
# Builds the web app (web/) with Trunk into dist/ at the repository root: Trunk.toml (offline,
# wasm-bindgen and wasm-opt pinned) compiles web/ (a cdylib linking crates/chartpack-wasm, every
# export in one module) with the wasm-release profile, runs wasm-bindgen and binaryen 132's
# wasm-opt -Oz (node_modules/.bin first on PATH; never Debian's binaryen), and copies app.js and
# style.css; writes each file's gzip -9 twin (NAME.gz, served by `chartpack serve` to clients that
# accept gzip). Prints each file's size and the app's total gzip -9 size (wasm + js + css + html).
# Runs scripts/setup.sh first (trunk, wasm-bindgen-cli, npm ci) unless CHARTPACK_SETUP_DONE=1.
# --if-stale skips the build when dist/ is newer than everything it is built from.
# Serve it with `chartpack serve --static-dir dist` (scripts/run.sh --serve does).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${CHARTPACK_SETUP_DONE:-}" = 1 ] || bash scripts/setup.sh

if [ "$(trunk --version 2>/dev/null)" != "trunk 0.21.14" ]; then
  echo "build-web: need trunk 0.21.14 (found: $(trunk --version 2>/dev/null || echo none)); run scripts/setup.sh" >&2
  exit 1
fi
export PATH="$PWD/node_modules/.bin:$PATH"
if [ "$(wasm-opt --version 2>/dev/null)" != "wasm-opt version 132 (version_132)" ]; then
  echo "build-web: need node_modules/.bin/wasm-opt version 132 (npm binaryen@132); run scripts/setup.sh (npm ci)" >&2
  exit 1
fi

# --if-stale (scripts/run.sh): keep dist/ when nothing it is built from changed since it was built.
inputs=(web crates Cargo.toml Cargo.lock Trunk.toml)
if [ "${1:-}" = "--if-stale" ] && [ -f dist/.built ] && [ -f dist/index.html ] &&
  [ -z "$(find "${inputs[@]}" -type f -newer dist/.built -print -quit)" ]; then
  echo "dist/ is up to date (built from the current web/, crates/, Cargo.lock and Trunk.toml)"
  exit 0
fi

start=$SECONDS
started_at=$(date +%s)
# Trunk passes --offline to cargo; setup.sh ran `cargo fetch`. Quiet unless it fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! trunk build --release --offline >"$log" 2>&1; then
  cat "$log" >&2
  echo "build-web: trunk build failed" >&2
  exit 1
fi
[ -f dist/index.html ] || { echo "build-web: trunk left no dist/index.html" >&2; exit 1; }
# Gzip twins (NAME.gz), which `chartpack serve` sends to clients that accept gzip: the bytes a
# browser downloads are the gzip sizes printed below.
for f in dist/*; do
  case "$f" in *.gz) continue ;; esac
  [ -f "$f" ] && gzip -9 -n -k -f "$f"
done
touch -d "@$started_at" dist/.built # what --if-stale compares with (a dot file: never served)

echo "dist/ built by trunk in $((SECONDS - start)) s:"
total_raw=0
total_gz=0
for f in dist/*; do
  [ -f "$f" ] || continue
  case "$f" in *.gz) continue ;; esac
  raw=$(wc -c <"$f")
  gz=$(wc -c <"$f.gz")
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '  %-40s %9d bytes raw %9d bytes gzip -9\n' "${f#dist/}" "$raw" "$gz"
done
printf '  %-40s %9d bytes raw %9d bytes gzip -9 (wasm + js + css + html)\n' "app total" "$total_raw" "$total_gz"
