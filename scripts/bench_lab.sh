#!/usr/bin/env bash
# The mechanism lab's Monte Carlo against a vectorised NumPy version of the same auctions:
# 10 bidders with iid U[0, 1) values bidding truthfully, 3 slots (CTRs 1.0, 0.6, 0.3), every
# auction priced by GSP and VCG. Prints the median auctions/s of `sandbox auction` (release
# build, one thread and every core; the whole command, including start-up and the theory
# integrals), of scripts/lab_numpy.py, and their ratios: by wall clock, and by CPU time (user +
# system), which is the per-core speed and moves less when others share the machine.
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

# "WALL CPU": median auctions/s of RUNS runs of `sandbox auction --threads $1`, by wall clock and
# by CPU time.
rust_rate() {
  local walls=() cpus=() t
  for _ in $(seq "$RUNS"); do
    t=$( { TIMEFORMAT='%R %U %S'; time target/release/sandbox auction --threads "$1" "$spec" >/dev/null; } 2>&1 )
    walls+=("$(awk -v n="$AUCTIONS" -v t="$t" 'BEGIN { split(t, a, " "); printf "%.0f", n / a[1] }')")
    cpus+=("$(awk -v n="$AUCTIONS" -v t="$t" 'BEGIN { split(t, a, " "); printf "%.0f", n / (a[2] + a[3]) }')")
  done
  echo "$(median "${walls[@]}") $(median "${cpus[@]}")"
}

median() {
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

read -r one one_cpu <<<"$(rust_rate 1)"
read -r all all_cpu <<<"$(rust_rate "$CORES")"
read -r numpy numpy_cpu <<<"$("$VENV/bin/python" scripts/lab_numpy.py "$NUMPY_AUCTIONS" "$RUNS" | awk '/^numpy auctions\/s/ { print $3, $5 }')"
awk -v one="$one" -v all="$all" -v np="$numpy" -v cores="$CORES" \
    -v onec="$one_cpu" -v allc="$all_cpu" -v npc="$numpy_cpu" 'BEGIN {
  printf "lab, GSP+VCG, 10 uniform bidders, 3 slots, M auctions/s by wall clock: rust 1 thread %.1f, rust %d threads %.1f, numpy %.2f; rust/numpy = %.1f (1 thread), %.1f (%d threads)\n",
    one / 1e6, cores, all / 1e6, np / 1e6, one / np, all / np, cores
  printf "  by CPU time (per core): rust 1 thread %.1f, rust %d threads %.1f, numpy %.2f; rust/numpy = %.1f\n",
    onec / 1e6, cores, allc / 1e6, npc / 1e6, onec / npc
}'
