#!/usr/bin/env bash
# Re-create the helm-written golden archives in this directory (needs a helm v4 binary; no network).
#
#   HELM=/path/to/helm ./regen.sh
#
# Writes odd-names-0.1.0.tgz: a chart whose file names and mtimes exercise every branch of Go's
# archive/tar writer as helm uses it (USTAR prefix split, PAX for non-ASCII, unsplittable and
# over-long names, PAX mtime for negative and > 2^33 times, rounding of sub-second mtimes,
# truncated PAX header names, empty files). src/tests.rs rewrites its entries with write_tar and
# compares the tar stream byte for byte. The chart is built by build_chart(), also used by the
# live test when helm is present, so keep the two in sync.
set -euo pipefail
: "${HELM:?set HELM to a helm v4 binary}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HELM_CONFIG_HOME="$tmp/config" HELM_CACHE_HOME="$tmp/cache" HELM_DATA_HOME="$tmp/data" TZ=UTC

build_chart() { # build_chart DIR: the odd-names chart, with fixed mtimes
  local c=$1
  mkdir -p "$c/files" "$c/templates"
  printf 'apiVersion: v2\nname: odd-names\nversion: 0.1.0\n' > "$c/Chart.yaml"
  : > "$c/files/empty.txt"
  printf 'cm\n' > "$c/templates/cm.yaml"
  local a120; a120=$(printf 'a%.0s' $(seq 1 120))
  printf 'x\n' > "$c/files/$a120.txt"                                   # unsplittable: PAX path
  local d60 e60; d60=$(printf 'd%.0s' $(seq 1 60)); e60=$(printf 'e%.0s' $(seq 1 60))
  mkdir -p "$c/files/$d60/$e60"; printf 'x\n' > "$c/files/$d60/$e60/f.txt"   # USTAR prefix split
  local n84; n84=$(printf 'n%.0s' $(seq 1 84))
  printf 'x\n' > "$c/files/$n84"                                          # name field exactly 100 bytes, no NUL
  local p145; p145=$(printf 'p%.0s' $(seq 1 145))
  mkdir -p "$c/$p145"; printf 'x\n' > "$c/$p145/f"                        # prefix field exactly 155 bytes
  local deep="$c/files"; for i in 1 2 3; do deep="$deep/$(printf 'q%.0s' $(seq 1 90))"; done
  mkdir -p "$deep"; printf 'x\n' > "$deep/g.txt"                          # > 256 bytes: PAX path
  printf 'u\n' > "$c/files/héllo-日本.txt"                                 # non-ASCII: PAX path
  local d70; d70=$(printf 'd%.0s' $(seq 1 70))
  mkdir -p "$c/files/$d70"; printf 'u\n' > "$c/files/$d70/é.txt"         # PAX header name cut after '/' at 100
  local d83; d83=$(printf 'd%.0s' $(seq 1 83))
  mkdir -p "$c/files/$d83"; printf 'u\n' > "$c/files/$d83/é-$(printf 'x%.0s' $(seq 1 30))"  # stripped name > 100 with '/' at 99
  printf 'neg\n' > "$c/files/old.txt"
  printf 'fut\n' > "$c/files/future.txt"
  printf 'six\n' > "$c/files/frac6.txt"
  printf 'four\n' > "$c/files/frac4.txt"
  printf 'half\n' > "$c/files/frac5.txt"
  find "$c" -exec touch -h -d '2024-02-29 12:34:56 UTC' {} +
  touch -d '1950-01-01 00:00:00 UTC' "$c/files/old.txt"
  touch -d '2300-01-01 00:00:00 UTC' "$c/files/future.txt"
  touch -d '2020-01-01 00:00:00.6 UTC' "$c/files/frac6.txt"
  touch -d '2020-01-01 00:00:00.4 UTC' "$c/files/frac4.txt"
  touch -d '2020-01-01 00:00:00.5 UTC' "$c/files/frac5.txt"
}

if [ "${1:-}" = "--build-only" ]; then build_chart "$2"; exit 0; fi
build_chart "$tmp/odd-names"
(cd "$tmp" && "$HELM" package odd-names >/dev/null)
cp "$tmp/odd-names-0.1.0.tgz" "$here/odd-names-0.1.0.tgz"
echo "wrote $here/odd-names-0.1.0.tgz"
