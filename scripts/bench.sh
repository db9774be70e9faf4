#!/usr/bin/env bash
# Speed figures for the README:
#   1. criterion benchmarks of the native engine (default scenario, one day, scaling, 1M lab
#      auctions), and the lab's Monte Carlo against the same auctions in NumPy (bench_lab.sh);
#   2. the same default scenario in the release wasm build, in headless Chromium, against the
#      native CLI, and the time from a slider input to redrawn charts (e2e/bench.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true

echo "==> native engine (criterion)"
cargo bench --bench engine -- --noplot 2>&1 | grep -E "^[a-z].*|time:" || true

echo "==> mechanism lab vs NumPy (same auctions)"
bash scripts/bench_lab.sh

echo "==> browser: wasm engine vs native, input to redraw"
[[ -f dist/index.html ]] || trunk build --release
node e2e/bench.mjs "${MOVES:-20}"
