#!/usr/bin/env bash
# Builds the npm package's wasm into pkg/dist: crates/chartpack-wasm three times (the main module
# with the chart functions and the registry client; the lint module, loaded by lint() on first
# use; the dependencies module, loaded by updateDependencies()/buildDependencies() on first use),
# each through wasm-bindgen (--target web) and wasm-opt (binaryen 132 from npm, never
# Debian's). Prints raw and gzip -9 sizes and fails when a module exceeds its budget.
# Needs the wasm32 target, wasm-bindgen-cli = Cargo.lock's wasm-bindgen, and node_modules:
# it runs scripts/setup.sh first (idempotent, under a second when warm), unless
# CHARTPACK_SETUP_DONE=1 says a caller just did. Cold ~45 s, warm ~25 s (mostly LTO and wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${CHARTPACK_SETUP_DONE:-}" = 1 ] || bash scripts/setup.sh

# Budgets, gzip -9 bytes. Measured 2026-11 (rustc 1.95, opt-level z, wasm-opt 132 as below): main
# 273 633, lint 257 964; dependencies 291 985 (its own module: in the main one it would add
# 40 KB to every page). The issue's target of 250 KB for core + registry is not met on stable
# Rust: see pkg/README.md "Size". A budget leaves ~5% for growth; raise it only with a reason.
BUDGET_MAIN=287000
# The lint module also computes values (helm's strvals and -f merging, +34 KB gzip measured
# 2026-11-26): it is loaded only by lint() and computeValues().
BUDGET_LINT=312000
BUDGET_DEPS=306000

want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]; then
  echo "build-pkg: need wasm-bindgen $want (found: $(wasm-bindgen --version 2>/dev/null || echo none)); run scripts/setup.sh" >&2
  exit 1
fi
WASM_OPT=node_modules/.bin/wasm-opt
if [ "$("$WASM_OPT" --version 2>/dev/null)" != "wasm-opt version 132 (version_132)" ]; then
  echo "build-pkg: need $WASM_OPT version 132 (npm binaryen@132); run scripts/setup.sh (npm ci)" >&2
  exit 1
fi

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/chartpack_wasm.wasm"
# The features rustc 1.95 enables for wasm32-unknown-unknown (the module's target_features
# section); every engine chartpack supports (Node 20, current browsers) has them.
FEATURES=(--enable-mutable-globals --enable-nontrapping-float-to-int --enable-bulk-memory --enable-bulk-memory-opt
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-call-indirect-overlong)

out=$(mktemp -d pkg/.dist.XXXXXX)
trap 'rm -rf "$out"' EXIT

# build FEATURES OUT_NAME
build() {
  local features=$1 name=$2
  cargo build --locked -q --profile wasm-release --target wasm32-unknown-unknown -p chartpack-wasm \
    --no-default-features --features "$features"
  wasm-bindgen --target web --out-dir "$out" --out-name "$name" "$WASM"
  # --flatten --rereloop then -Oz twice: ~1.4 KB (gzip) smaller than one -Oz, in about the same time.
  "$WASM_OPT" --flatten --rereloop -Oz -Oz "${FEATURES[@]}" --strip-producers --strip-target-features \
    "$out/${name}_bg.wasm" -o "$out/${name}_bg.opt.wasm"
  mv "$out/${name}_bg.opt.wasm" "$out/${name}_bg.wasm"
}

start=$SECONDS
build core,registry chartpack
build lint chartpack_lint
build dependencies chartpack_deps
rm -rf pkg/dist
mv "$out" pkg/dist
trap - EXIT
chmod 755 pkg/dist

status=0
# A module importing `env` (a C symbol, a std function wasm32 lacks) cannot be instantiated.
for wasm in pkg/dist/chartpack_bg.wasm pkg/dist/chartpack_lint_bg.wasm pkg/dist/chartpack_deps_bg.wasm; do
  node -e '
    const m = new WebAssembly.Module(require("fs").readFileSync(process.argv[1]));
    const bad = WebAssembly.Module.imports(m).filter((i) => i.module === "env").map((i) => i.name);
    if (bad.length) { console.error(`build-pkg: ${process.argv[1]} imports from env: ${bad.join(", ")}`); process.exit(1); }
  ' "$wasm" || status=1
done
report() {
  local file=$1 budget=$2 raw gz
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  printf '  %-28s %9d bytes raw %9d bytes gzip -9 (budget %d)\n' "${file#pkg/}" "$raw" "$gz" "$budget"
  if [ "$gz" -gt "$budget" ]; then
    echo "build-pkg: ${file#pkg/} is $gz bytes gzipped, over its budget of $budget" >&2
    status=1
  fi
}
echo "pkg/dist built in $((SECONDS - start)) s:"
report pkg/dist/chartpack_bg.wasm "$BUDGET_MAIN"
report pkg/dist/chartpack_lint_bg.wasm "$BUDGET_LINT"
report pkg/dist/chartpack_deps_bg.wasm "$BUDGET_DEPS"
for js in pkg/dist/chartpack.js pkg/dist/chartpack_lint.js pkg/dist/chartpack_deps.js; do
  printf '  %-28s %9d bytes raw %9d bytes gzip -9\n' "${js#pkg/}" "$(wc -c <"$js")" "$(gzip -9 -c "$js" | wc -c)"
done
exit "$status"
