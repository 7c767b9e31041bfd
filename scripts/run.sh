#!/usr/bin/env bash
# The main job, for now: set up, build the chartpack CLI, and run it on a chart the way a helm
# user would (lint, package, verify, show). Usage: scripts/run.sh [CHART_DIR] (default examples/demo).
set -euo pipefail
cd "$(dirname "$0")/.."
chart="${1:-examples/demo}"
out="${OUT_DIR:-target/charts}"
bash scripts/setup.sh
cargo build --release --locked -q -p chartpack-cli
cp=target/release/chartpack
echo "\$ chartpack lint $chart"; "$cp" lint "$chart"
echo; echo "\$ chartpack package $chart -d $out"; "$cp" package "$chart" -d "$out"
archive=$(ls -t "$out"/*.tgz | head -1)
echo; echo "\$ chartpack verify $archive"; "$cp" verify "$archive"
echo; echo "\$ chartpack show chart $archive"; "$cp" show chart "$archive"
