#!/usr/bin/python3
"""PGD of Attacks.pgd in PyTorch eager, for bench/pgd-throughput.sh.

Same work as the Java side (PgdThroughput): digits-mlp (TorchScript, eval mode), the 360 digits test
rows (pixels / 16) repeated to --rows examples, L-infinity PGD with mean cross-entropy of the logits,
--steps steps of size eps / 4 from x itself (no random start), each projected onto the eps-ball
around x and onto [0, 1], in batches; eps 0.1. Prints one line per batch size:
"pytorch <batch> <cold examples/s> <median examples/s>".

Run with Debian's interpreter (python3-torch 1.13):

    /usr/bin/python3 bench/pgd_throughput.py --threads 2 --rows 3600 --steps 10 --batches 64,360 --runs 5
"""

import argparse
import csv
import gzip
import os
import statistics
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
TRAIN_ROWS = 1437
EPS = 0.1
LOW, HIGH = 0.0, 1.0


def load_test():
    xs, ys = [], []
    with gzip.open(os.path.join(FIXTURES, "data", "digits.csv.gz"), "rt", newline="") as f:
        for row in csv.reader(f):
            if row:
                xs.append([int(v) / 16.0 for v in row[:64]])
                ys.append(int(row[64]))
    return torch.tensor(xs[TRAIN_ROWS:TRAIN_ROWS + 360]), torch.tensor(ys[TRAIN_ROWS:TRAIN_ROWS + 360])


def pgd(model, x, y, eps, steps, step_size, batch):
    out = []
    for start in range(0, x.shape[0], batch):
        xb, yb = x[start:start + batch], y[start:start + batch]
        adv = xb.clone()
        for _ in range(steps):
            a = adv.clone().requires_grad_(True)
            loss = F.cross_entropy(model(a), yb)
            (grad,) = torch.autograd.grad(loss, a)
            adv = adv + step_size * grad.sign()
            adv = torch.min(torch.max(adv, xb - eps), xb + eps).clamp(LOW, HIGH).detach()
        out.append(adv)
    return torch.cat(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rows", type=int, default=3600)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batches", default="64,360")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (bench/gpu-check.sh)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    x, y = load_test()
    reps = -(-args.rows // 360)
    x, y = x.repeat(reps, 1)[:args.rows], y.repeat(reps)[:args.rows]
    x, y = x.to(args.device), y.to(args.device)
    model = torch.jit.load(os.path.join(FIXTURES, "digits-mlp", "model.pt"), map_location=args.device)
    model.eval()
    print("pytorch-threads %d, interop %d, torch %s" % (
        torch.get_num_threads(), torch.get_num_interop_threads(), torch.__version__))
    for batch in [int(b) for b in args.batches.split(",")]:
        rates = []
        for run in range(args.runs + 1):
            start = time.perf_counter()
            adv = pgd(model, x, y, EPS, args.steps, EPS / 4, batch)
            if args.device != "cpu":
                torch.cuda.synchronize()
            rates.append(args.rows / (time.perf_counter() - start))
            if run == 0:
                with torch.no_grad():
                    correct = model(adv).argmax(1).eq(y).sum().item()
        print("pytorch %d %.0f %.0f" % (batch, rates[0], statistics.median(rates[1:])))
        print("pytorch-correct %d %d/%d" % (batch, correct, args.rows))


if __name__ == "__main__":
    main()
