#!/usr/bin/env bash
# The main job, for now: set up, build the chartpack CLI, and run it on a chart the way a helm
# user would: lint, package, verify, show; then start a local `distribution` registry on
# loopback, push the chart, list its tags, pull it back and check it is the same archive; then
# start the registry proxy (`chartpack serve`) in front of it and do the same through it.
# Usage: scripts/run.sh [--serve] [CHART_DIR] (default examples/demo). REGISTRY_PORT and
# PROXY_PORT pick the ports. --serve also builds the web app (scripts/build-web.sh -> dist/) and
# keeps the registry and the proxy (serving the app) running until Ctrl-C, printing the app's URL.
set -euo pipefail
cd "$(dirname "$0")/.."
serve=0
if [ "${1:-}" = "--serve" ]; then serve=1; shift; fi
chart="${1:-examples/demo}"
out="${OUT_DIR:-target/charts}"
bash scripts/setup.sh
cargo build --release --locked -q -p chartpack-cli
# --serve: the web app too (trunk -> dist/), so the proxy serves it.
if [ "$serve" = 1 ]; then CHARTPACK_SETUP_DONE=1 bash scripts/build-web.sh --if-stale; fi
cp="${CARGO_TARGET_DIR:-target}/release/chartpack"
echo "\$ chartpack lint $chart"; "$cp" lint "$chart"
echo; echo "\$ chartpack package $chart -d $out"; "$cp" package "$chart" -d "$out"
archive=$(ls -t "$out"/*.tgz | head -1)
echo; echo "\$ chartpack verify $archive"; "$cp" verify "$archive"
echo; echo "\$ chartpack show chart $archive"; "$cp" show chart "$archive"

# A throwaway registry, stopped on exit; credentials stay in a private config file.
port="${REGISTRY_PORT:-5099}"
reg=$(mktemp -d)
proxypid=
trap 'kill $regpid $proxypid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$reg"' EXIT
cat > "$reg/config.yml" <<YAML
version: 0.1
log: { level: error }
storage: { filesystem: { rootdirectory: $reg/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$port, secret: chartpack-run }
YAML
docker-registry serve "$reg/config.yml" >"$reg/log" 2>&1 & regpid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.05; done
export HELM_REGISTRY_CONFIG="$reg/registry.json"
name=$(basename "$archive" .tgz); chartname=${name%-*}
echo; echo "\$ chartpack push $archive oci://127.0.0.1:$port/charts --plain-http"
"$cp" push "$archive" "oci://127.0.0.1:$port/charts" --plain-http
echo; echo "\$ chartpack tags oci://127.0.0.1:$port/charts/$chartname --plain-http"
"$cp" tags "oci://127.0.0.1:$port/charts/$chartname" --plain-http
echo; echo "\$ chartpack pull oci://127.0.0.1:$port/charts/$chartname --plain-http -d $reg/pulled"
"$cp" pull "oci://127.0.0.1:$port/charts/$chartname" --plain-http -d "$reg/pulled"
cmp "$archive" "$reg/pulled/$(basename "$archive")" && echo "pulled archive is identical to $archive"

# The proxy pages use to reach registries that do not answer CORS (see README, "Proxy").
# With the web app built (scripts/build-web.sh -> dist/), the proxy serves it too.
pport="${PROXY_PORT:-8080}"
static=()
if [ -f dist/index.html ]; then static=(--static-dir dist); fi
"$cp" serve --listen "127.0.0.1:$pport" --registry "http://127.0.0.1:$port" --allow-private "127.0.0.1:$port" \
  "${static[@]}" 2>"$reg/proxy.log" & proxypid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$pport/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
echo; echo "\$ chartpack serve --listen 127.0.0.1:$pport --registry http://127.0.0.1:$port --allow-private 127.0.0.1:$port"
head -2 "$reg/proxy.log"
echo; echo "\$ chartpack pull oci://127.0.0.1:$port/charts/$chartname --proxy http://127.0.0.1:$pport -d $reg/via-proxy"
"$cp" pull "oci://127.0.0.1:$port/charts/$chartname" --proxy "http://127.0.0.1:$pport" -d "$reg/via-proxy"
cmp "$archive" "$reg/via-proxy/$(basename "$archive")" && echo "pulled through the proxy: identical to $archive"
if [ "$serve" = 1 ]; then
  echo; echo "registry: http://127.0.0.1:$port   proxy: http://127.0.0.1:$pport/r/127.0.0.1:$port/v2/   (Ctrl-C stops both)"
  if [ ${#static[@]} -gt 0 ]; then
    echo "web app:  http://127.0.0.1:$pport/   (registry host 127.0.0.1:$port, repository charts, no login needed)"
  else
    echo "web app:  not built (scripts/build-web.sh builds dist/; then run this again)"
  fi
  tail -f "$reg/proxy.log" & wait "$proxypid"
fi
