#!/usr/bin/env bash
# The mechanism lab's Monte Carlo against a vectorised NumPy version of the same auctions:
# 10 bidders with iid U[0, 1) values bidding truthfully, 3 slots (CTRs 1.0, 0.6, 0.3), every
# auction priced by GSP and VCG. Prints the median auctions/s of `sandbox auction` (release
# build, one thread and every core; wall clock of the whole command, including start-up and the
# theory integrals), of scripts/lab_numpy.py, and their ratio.
#
# NumPy goes into a virtual environment under target/ for this benchmark only (the product does
# not use Python). Env: AUCTIONS (Rust, default 1e8), NUMPY_AUCTIONS (default 2e6), RUNS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
AUCTIONS="${AUCTIONS:-100000000}"
NUMPY_AUCTIONS="${NUMPY_AUCTIONS:-2000000}"
RUNS="${RUNS:-5}"
CORES="$(nproc)"

cargo build --release --quiet --bin sandbox
VENV=target/bench-venv
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import numpy" 2>/dev/null || "$VENV/bin/pip" install --quiet numpy

spec="$(mktemp)"
trap 'rm -f "$spec"' EXIT
cat >"$spec" <<JSON
{"format": ["gsp", "vcg"], "bidding": "truthful", "bidders": 10,
 "values": {"uniform": {"low": 0, "high": 1}}, "slot_ctrs": [1.0, 0.6, 0.3],
 "auctions": $AUCTIONS, "seed": 7}
JSON

# Median auctions/s of RUNS runs of `sandbox auction --threads $1`.
rust_rate() {
  local rates=()
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    target/release/sandbox auction --threads "$1" "$spec" >/dev/null
    t1=$(date +%s%N)
    rates+=("$(awk -v n="$AUCTIONS" -v ns="$((t1 - t0))" 'BEGIN { printf "%.0f", n / (ns / 1e9) }')")
  done
  printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

one=$(rust_rate 1)
all=$(rust_rate "$CORES")
numpy=$("$VENV/bin/python" scripts/lab_numpy.py "$NUMPY_AUCTIONS" "$RUNS" | awk '/^numpy auctions\/s/ { print $3 }')
awk -v one="$one" -v all="$all" -v np="$numpy" -v cores="$CORES" 'BEGIN {
  printf "lab, GSP+VCG, 10 uniform bidders, 3 slots: rust 1 thread %.1f M auctions/s, rust %d threads %.1f M/s, numpy %.2f M/s; rust/numpy = %.1f (1 thread), %.1f (%d threads)\n",
    one / 1e6, cores, all / 1e6, np / 1e6, one / np, all / np, cores
}'
