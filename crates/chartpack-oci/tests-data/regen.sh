#!/usr/bin/env bash
# Regenerates the push fixtures of crates/chartpack-oci/src/manifest tests from the real helm and
# a real registry: each chart below is packaged with `helm package`, its archive's mtime is set
# to 1700000000 (2023-11-14T22:13:20Z), and `helm push` uploads it (in the time zone named for
# it) to a local `docker-registry` (distribution 2.8). The manifest and config blob helm wrote
# are then read back with curl and stored byte for byte:
#   <name>-<version>.tgz[.prov]  the pushed archive (and provenance file, when there is one)
#   <name>.manifest.json         GET /v2/charts/<name>/manifests/<tag>
#   <name>.config.json           GET /v2/charts/<name>/blobs/<config digest>
#   <name>.push.txt              helm push's output, time zone and created annotation
# Needs: helm v4.1.4 ($HELM or ~/.cache/chartpack/helm), docker-registry, curl, python3.
# Usage: crates/chartpack-oci/tests-data/regen.sh   (from anywhere; takes ~2 seconds)
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
helm="${HELM:-$HOME/.cache/chartpack/helm}"
corpus="${CHARTPACK_CORPUS:-$(cd "$out/../../../.." && pwd)/shared/corpus}"
work="$(mktemp -d /tmp/chartpack-oci-regen.XXXXXX)"
reg=""
cleanup() { if [ -n "$reg" ]; then kill "$reg" 2>/dev/null || true; wait "$reg" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
export HELM_CONFIG_HOME="$work/config" HELM_CACHE_HOME="$work/cache" HELM_DATA_HOME="$work/data"
export HELM_REGISTRY_CONFIG="$work/config/registry/config.json"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat > "$work/registry.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $work/registry }
http:
  addr: 127.0.0.1:$port
  secret: test-secret
YAML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
reg=$!
until curl -fs "http://127.0.0.1:$port/v2/" > /dev/null; do sleep 0.02; done

mkdir -p "$work/src/annot" "$work/src/authors" "$work/src/plusbuild" "$work/src/minimal"
# Chart.yaml annotations overriding description/url/source/authors/created, and trying title/version;
# HTML characters, U+2028 and non-ASCII in values; maintainers with and without email; two sources.
cat > "$work/src/annot/Chart.yaml" <<'YAML'
apiVersion: v2
name: annot
version: 0.3.0
description: Escapes <b>&</b> in JSON
home: https://example.com/home
sources:
  - https://example.com/src-1
  - https://example.com/src-2
maintainers:
  - name: Ann Able
    email: ann@example.com
  - name: Bob Baker
  - email: only-email@example.com
annotations:
  org.opencontainers.image.description: "overridden <description> & more"
  org.opencontainers.image.url: https://example.com/overridden-url
  org.opencontainers.image.source: https://example.com/overridden-source
  org.opencontainers.image.authors: The Authors
  org.opencontainers.image.created: "1999-12-31T23:59:59Z"
  org.opencontainers.image.title: not-the-title
  org.opencontainers.image.version: 9.9.9
  example.com/custom: "line\u2028sep é"
  empty: ""
YAML
printf 'replicas: 1\n' > "$work/src/annot/values.yaml"
# No annotations: description (with HTML characters), home, the first source and the authors
# (name and email, name only, email only) come from the metadata.
cat > "$work/src/authors/Chart.yaml" <<'YAML'
apiVersion: v2
name: authors
version: 2.0.0
description: Tom & Jerry <cartoons>
home: https://example.com/authors
sources:
  - https://example.com/first
  - https://example.com/second
maintainers:
  - name: Ann Able
    email: ann@example.com
  - name: Bob Baker
  - email: only-email@example.com
YAML
# A version with prerelease and build metadata (tag 1.2.3-rc.1_build.5); blank description, home
# and first source are left out of the annotations; a maintainer with neither name nor email.
cat > "$work/src/plusbuild/Chart.yaml" <<'YAML'
apiVersion: v2
name: plusbuild
version: 1.2.3-rc.1+build.5
description: "   "
home: " "
sources:
  - " "
  - https://example.com/second
maintainers:
  - email: ""
  - name: Zed
appVersion: "2.0"
type: application
YAML
cat > "$work/src/minimal/Chart.yaml" <<'YAML'
apiVersion: v2
name: minimal
version: 0.0.1
YAML

push() { # push <dir> <time zone> [prov]
  local dir="$1" tz="$2" prov="${3:-}"
  (cd "$work" && "$helm" package "$dir" > /dev/null)
  local name version tgz
  name="$(sed -n 's/^name: *//p' "$dir/Chart.yaml" | head -1)"
  version="$("$helm" show chart "$dir" | sed -n 's/^version: *//p')"
  tgz="$work/$name-$version.tgz"
  if [ -n "$prov" ]; then printf '%s\n' "$prov" > "$tgz.prov"; touch -d @1700000000 "$tgz.prov"; cp "$tgz.prov" "$out/"; fi
  touch -d @1700000000 "$tgz"
  cp "$tgz" "$out/"
  local log
  log="$(TZ="$tz" "$helm" push "$tgz" "oci://127.0.0.1:$port/charts" --plain-http 2>&1)"
  local tag="${version//+/_}"
  curl -fs -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:$port/v2/charts/$name/manifests/$tag" > "$out/$name.manifest.json"
  local config
  config="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["config"]["digest"])' "$out/$name.manifest.json")"
  curl -fs "http://127.0.0.1:$port/v2/charts/$name/blobs/$config" > "$out/$name.config.json"
  local created
  created="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["annotations"]["org.opencontainers.image.created"])' "$out/$name.manifest.json")"
  { echo "$log" | sed "s/127.0.0.1:$port/REGISTRY/"; echo "TZ=$tz"; echo "created=$created"; } > "$out/$name.push.txt"
}

push "$work/src/annot" America/St_Johns 'not a real signature: helm push uploads any <archive>.prov beside the archive'
push "$work/src/authors" Asia/Kathmandu
push "$work/src/plusbuild" Asia/Kolkata
push "$work/src/minimal" UTC
if [ -d "$corpus/charts/helm__goodone" ]; then
  cp -r "$corpus/charts/helm__goodone" "$work/src/goodone"
  push "$work/src/goodone" America/St_Johns
else
  echo "corpus not found at $corpus: goodone fixture left as it was" >&2
fi
ls -l "$out"
