"""The mechanism lab's headline Monte Carlo in vectorised NumPy, for comparison with
`sandbox auction` (scripts/bench_lab.sh).

The same auctions as the lab's case: 10 bidders with iid U[0, 1) values bidding truthfully,
3 slots with click-through rates 1.0, 0.6, 0.3, no reserve, every auction priced by GSP and VCG.
Per auction: the 4 highest values (a compare-exchange insertion over whole arrays, faster than
np.partition along rows of 10); GSP prices
p_k = v_(k+1); VCG prices p_k = sum_{j>=k} (a_j - a_{j+1}) v_(j+1) / a_k; revenue per format and
welfare, with means and standard errors, per-slot mean prices. Chunks of auctions keep the
arrays in cache.

Usage: python3 scripts/lab_numpy.py [auctions=1000000] [runs=5]
Prints one line per run and a final `numpy auctions/s: WALL wall-clock, CPU CPU-time`
(medians).
"""

import sys
import time

import numpy as np

BIDDERS = 10
CTRS = np.array([1.0, 0.6, 0.3])
SLOTS = len(CTRS)
CHUNK = 1 << 16


def top_values(values):
    """The SLOTS + 1 highest of each column of `values` (bidders x auctions), largest first:
    a list of SLOTS + 1 rows. A compare-exchange insertion of each bidder's row into the running
    top rows, whole rows at a time (faster here than np.partition along rows of 10)."""
    n = values.shape[1]
    top = [np.zeros(n) for _ in range(SLOTS + 1)]
    x = np.empty(n)
    hi = np.empty(n)
    for row in values:
        x[:] = row
        for m in range(SLOTS + 1):
            np.maximum(top[m], x, out=hi)
            np.minimum(top[m], x, out=x)
            top[m], hi = hi, top[m]
    return top


def run(auctions, seed):
    rng = np.random.default_rng(seed)
    drops = CTRS - np.append(CTRS[1:], 0.0)  # a_j - a_{j+1}
    sums = {"gsp": [0.0, 0.0], "vcg": [0.0, 0.0], "welfare": [0.0, 0.0]}
    price_sums = {"gsp": np.zeros(SLOTS), "vcg": np.zeros(SLOTS)}
    done = 0
    while done < auctions:
        n = min(CHUNK, auctions - done)
        top = top_values(rng.random((BIDDERS, n)))  # v_(1) >= ... >= v_(K+1)
        gsp = [top[k + 1] for k in range(SLOTS)]
        # VCG: p_k = sum_{j>=k} (a_j - a_{j+1}) v_(j+1) / a_k (0-based slots).
        vcg = []
        tail = np.zeros(n)
        for k in reversed(range(SLOTS)):
            tail = tail + drops[k] * top[k + 1]
            vcg.append(tail / CTRS[k])
        vcg.reverse()
        for name, prices in (("gsp", gsp), ("vcg", vcg)):
            revenue = sum(CTRS[k] * prices[k] for k in range(SLOTS))
            sums[name][0] += revenue.sum()
            sums[name][1] += (revenue * revenue).sum()
            price_sums[name] += [p.sum() for p in prices]
        welfare = sum(CTRS[k] * top[k] for k in range(SLOTS))
        sums["welfare"][0] += welfare.sum()
        sums["welfare"][1] += (welfare * welfare).sum()
        done += n
    out = {}
    for name, (s, s2) in sums.items():
        mean = s / auctions
        var = (s2 / auctions - mean * mean) * auctions / (auctions - 1)
        out[name] = (mean, (var / auctions) ** 0.5)
    for name in price_sums:
        out[name + "_prices"] = price_sums[name] / auctions
    return out


def main():
    auctions = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rates = []
    cpu_rates = []
    for r in range(runs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        out = run(auctions, seed=7 + r)
        dt = time.perf_counter() - t0
        rates.append(auctions / dt)
        cpu_rates.append(auctions / (time.process_time() - c0))
        print(
            f"numpy run {r + 1}: {auctions} auctions in {dt * 1e3:.1f} ms "
            f"({auctions / dt / 1e6:.2f} M/s); GSP revenue {out['gsp'][0]:.5f} "
            f"± {out['gsp'][1]:.5f}, VCG {out['vcg'][0]:.5f} ± {out['vcg'][1]:.5f}, "
            f"welfare {out['welfare'][0]:.5f}"
        )
    rates.sort()
    cpu_rates.sort()
    print(
        f"numpy auctions/s: {rates[len(rates) // 2]:.0f} wall-clock, "
        f"{cpu_rates[len(cpu_rates) // 2]:.0f} CPU-time"
    )


if __name__ == "__main__":
    main()
