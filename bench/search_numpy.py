"""Brute-force exact statistical search in NumPy, the outside reference for bench/search.sh.

Scans a market of n RKMEs (K = 100 points, d = 64, Gaussian kernel, gamma = 0.1) the way the
Beimingwu learnware package searches: self terms ||mu_l||^2 precomputed, the cross terms
<mu_q, mu_l> computed per query in float64, MMD^2 = self(q) + self(l) - 2 cross, top 10 by argpartition.
The points are random (the time of a scan does not depend on them) and kept as float32, as the
market stores them, cast to float64 chunk by chunk.

    /usr/bin/python3 bench/search_numpy.py SIZES QUERIES     e.g. 1000,10000,100000 5
Prints one line per size: "numpy n=<n> p50_ms=<p50> max_ms=<max>".
"""
import sys
import time

import numpy as np

K, D, GAMMA, CHUNK = 100, 64, 0.1, 200


def cross_terms(qz, qb, z, beta):
    """<mu_q, mu_l> for every learnware l, chunk by chunk."""
    out = np.empty(len(z))
    qn = (qz * qz).sum(1)
    for start in range(0, len(z), CHUNK):
        zc = z[start:start + CHUNK].astype(np.float64).reshape(-1, D)
        d2 = qn[:, None] + (zc * zc).sum(1)[None, :] - 2.0 * qz @ zc.T
        kernel = np.exp(-GAMMA * np.maximum(d2, 0.0))
        out[start:start + CHUNK] = ((qb @ kernel).reshape(-1, K) * beta[start:start + CHUNK]).sum(1)
    return out


def self_terms(z, beta):
    out = np.empty(len(z))
    for i in range(len(z)):
        zi = z[i].astype(np.float64)
        n = (zi * zi).sum(1)
        kernel = np.exp(-GAMMA * np.maximum(n[:, None] + n[None, :] - 2.0 * zi @ zi.T, 0.0))
        out[i] = beta[i] @ kernel @ beta[i]
    return out


def main():
    sizes = [int(s) for s in sys.argv[1].split(",")]
    queries = int(sys.argv[2])
    rng = np.random.default_rng(18)
    for n in sizes:
        z = rng.random((n, K, D), dtype=np.float32)
        beta = rng.random((n, K))
        beta /= beta.sum(1, keepdims=True)
        selfs = self_terms(z, beta) if n <= 10000 else np.concatenate(
            [self_terms(z[s:s + 10000], beta[s:s + 10000]) for s in range(0, n, 10000)])
        times = []
        for _ in range(queries):
            qz = rng.random((K, D))
            qb = rng.random(K)
            qb /= qb.sum()
            qn = qb @ np.exp(-GAMMA * np.maximum(
                (qz * qz).sum(1)[:, None] + (qz * qz).sum(1)[None, :] - 2 * qz @ qz.T, 0)) @ qb
            t0 = time.perf_counter()
            mmd = qn + selfs - 2.0 * cross_terms(qz, qb, z, beta)
            top = np.argpartition(mmd, 10)[:10]
            top = top[np.argsort(mmd[top])]
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print("numpy n=%d p50_ms=%.1f max_ms=%.1f" % (n, times[(len(times) - 1) // 2], times[-1]))
        del z, beta, selfs


if __name__ == "__main__":
    main()
