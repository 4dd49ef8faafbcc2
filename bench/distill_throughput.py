#!/usr/bin/python3
"""The distillation loop of MlpStudent.train in PyTorch eager, for bench/distill-throughput.sh.

Same work as the Java side: the digits training rows (pixels / 16), the fixture teacher's logits
computed once beforehand, 20% held out, an MLP 64-hidden-10 trained with Adam (lr 0.01) on
alpha*T^2*KL(soft targets at T=4) + (1-alpha)*CE(labels), alpha 0.9, rows shuffled every epoch,
loss read back every batch, one held-out evaluation per epoch, the parameters saved at the end.
Prints one line per batch size: "pytorch <batch> <cold samples/s> <median samples/s>".

Run with Debian's interpreter (python3-torch 1.13):

    /usr/bin/python3 bench/distill_throughput.py --threads 2 --hidden 64 --epochs 50 --batches 32,256 --runs 5
"""

import argparse
import csv
import gzip
import os
import statistics
import tempfile
import time

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
TRAIN_ROWS = 1437
T = 4.0
ALPHA = 0.9
LR = 0.01


def load_rows():
    xs, ys = [], []
    with gzip.open(os.path.join(FIXTURES, "data", "digits.csv.gz"), "rt", newline="") as f:
        for row in csv.reader(f):
            if row:
                xs.append([int(v) / 16.0 for v in row[:64]])
                ys.append(int(row[64]))
    return torch.tensor(xs[:TRAIN_ROWS]), torch.tensor(ys[:TRAIN_ROWS])


def train_once(x, soft, y, xh, soft_h, hidden, epochs, batch, seed, out_dir):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(x.shape[1], hidden), nn.ReLU(), nn.Linear(hidden, soft.shape[1]))
    model = model.to(x.device)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    history = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch].to(x.device)
            rows = idx.shape[0]
            z = model(x[idx])
            loss = (-(ALPHA * T * T / rows) * (soft[idx] * torch.log_softmax(z / T, 1)).sum()
                    - ((1 - ALPHA) / rows) * torch.log_softmax(z, 1).gather(1, y[idx, None]).sum())
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * rows
        with torch.no_grad():
            zh = model(xh)
            kl = (soft_h * (torch.log(soft_h) - torch.log_softmax(zh / T, 1))).sum(1).mean().item()
        history.append((total / n, kl))
    torch.save(model.state_dict(), os.path.join(out_dir, "student.pt"))
    return history


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--batches", default="32,256")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (bench/gpu-check.sh)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    x, y = load_rows()
    teacher = torch.jit.load(os.path.join(FIXTURES, "digits-mlp", "model.pt"))
    with torch.no_grad():
        logits = teacher(x)
    order = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(0))
    held = round(0.2 * x.shape[0])
    h, t = order[:held], order[held:]
    soft = torch.softmax(logits / T, 1)
    x, y, soft = x.to(args.device), y.to(args.device), soft.to(args.device)
    print("pytorch-threads %d, interop %d, torch %s" % (
        torch.get_num_threads(), torch.get_num_interop_threads(), torch.__version__))
    with tempfile.TemporaryDirectory() as out_dir:
        for batch in [int(b) for b in args.batches.split(",")]:
            rates = []
            for run in range(args.runs + 1):
                start = time.perf_counter()
                train_once(x[t], soft[t], y[t], x[h], soft[h], args.hidden, args.epochs, batch, 0, out_dir)
                if args.device != "cpu":
                    torch.cuda.synchronize()
                rates.append(args.epochs * t.shape[0] / (time.perf_counter() - start))
            print("pytorch %d %.0f %.0f" % (batch, rates[0], statistics.median(rates[1:])))


if __name__ == "__main__":
    main()
