#!/usr/bin/env bash
# Runs each cargo-fuzz target for a few seconds (default 20), seeded with the repo's seeds and,
# when present, the corpus's archives and Chart.yaml files. libFuzzer needs nightly-only
# flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
corpus="${CHARTPACK_CORPUS:-$(cd .. && pwd)/shared/corpus}"
work="${TMPDIR:-/tmp}/chartpack-fuzz"
rm -rf "$work"; mkdir -p "$work/archive" "$work/chart_yaml" "$work/schema" "$work/oci"
cp fuzz/seeds/archive/* "$work/archive/" 2>/dev/null || true
cp fuzz/seeds/chart_yaml/* "$work/chart_yaml/" 2>/dev/null || true
cp fuzz/seeds/schema/* "$work/schema/" 2>/dev/null || true
cp fuzz/seeds/oci/* "$work/oci/" 2>/dev/null || true
if [ -d "$corpus/archives" ]; then
  find "$corpus/archives" -maxdepth 1 -type f -size -64k -exec cp {} "$work/archive/" \;
  i=0; for f in "$corpus"/charts/*/Chart.yaml; do i=$((i+1)); cp "$f" "$work/chart_yaml/corpus-$i.yaml"; done
  # schema seeds: each corpus schema, a NUL, then its chart's values.yaml
  i=0; for f in "$corpus"/charts/*/values.schema.json; do
    i=$((i+1)); d=$(dirname "$f"); [ "$(stat -c %s "$f")" -lt 60000 ] || continue
    { cat "$f"; printf '\0'; cat "$d/values.yaml" 2>/dev/null; } > "$work/schema/corpus-$i"
  done
fi
export RUSTC_BOOTSTRAP=1
for target in archive chart_yaml schema oci; do
  echo "fuzzing $target for ${seconds}s" >&2
  status=0
  cargo fuzz run --sanitizer none "$target" "$work/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    > "$work/$target.log" 2>&1 || status=$?
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done)|panicked|ERROR|SUMMARY" "$work/$target.log" >&2 || true
  if [ "$status" -ne 0 ]; then tail -40 "$work/$target.log" >&2; echo "fuzz target $target failed" >&2; exit 1; fi
done
