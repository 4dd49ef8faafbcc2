#!/usr/bin/env python3
"""Soak (issue 13): mixed traffic against a running market while its workers are killed at random.

Run by bench/soak.sh, which starts the market and passes MARKET_URL, BENCH_DIR, LW_ROOT, JAVA_HOME and
ADMIN_TOKEN. Clients upload (each version with a distinct extra file), browse, search, download and
check bytes, and request distill and robustness jobs; a keeper runs WORKERS worker processes and
SIGKILLs one at random every 20-60 s. Then traffic stops, every job is awaited, and the whole store
is checked: every acknowledged upload present with its bytes and validated, every job finished once
(one result version per distillation, one report per robustness job). Prints a Markdown table and
exits 1 on any unexpected 5xx, lost or corrupt upload, or job not run exactly once.
"""
import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict

URL = os.environ["MARKET_URL"]
ROOT = os.environ["LW_ROOT"]
BENCH_DIR = os.environ["BENCH_DIR"]
FIXTURES = os.path.join(ROOT, "fixtures", "digits-mlp")
# The digits spec with the RKME of the digits training rows (soak.sh computes it with the CLI).
STATISTICAL = json.load(open(os.path.join(BENCH_DIR, "rkme.json")))
SPEC = json.dumps({**json.load(open(os.path.join(FIXTURES, "spec.json"))), "statistical": STATISTICAL}).encode()
MODEL = open(os.path.join(FIXTURES, "model.pt"), "rb").read()
FEATURES = open(os.path.join(FIXTURES, "features.pt"), "rb").read()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def call(method, path, token=None, body=None, content_type=None, timeout=120):
    """(status, body bytes, seconds); status 0 when no answer came."""
    headers = {}
    if token:
        headers["Authorization"] = "Bearer " + token
    if content_type:
        headers["Content-Type"] = content_type
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(URL + path, data=body, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - started
    except OSError as e:
        return 0, str(e).encode(), time.monotonic() - started


def multipart(parts):
    boundary = "soak-" + uuid.uuid4().hex
    out = bytearray()
    for name, filename, content_type, data in parts:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n".encode()
        out += f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), "multipart/form-data; boundary=" + boundary


class Soak:
    def __init__(self, users, seed, uploads_per_minute):
        self.users = users  # [(username, token)]
        self.uploads_per_minute = uploads_per_minute
        self.started = time.monotonic()
        self.uploads_started = 0
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.unexpected = []
        self.acked = {}  # (owner, name, version) -> (model sha, noise sha)
        self.jobs = {}  # id -> (type, source ref, token)
        self.corrupt = []
        self.running = True

    def record(self, op, status, seconds, body, ok):
        with self.lock:
            self.latency[op].append(seconds)
            self.statuses[op][status] += 1
            if status >= 500 or status == 0 or status not in ok:
                self.unexpected.append(f"{op} {status} {body[:300]!r}")

    def pick_acked(self, rng):
        with self.lock:
            return rng.choice(list(self.acked)) if self.acked else None

    def client(self, seed):
        rng = random.Random(seed)
        while self.running:
            op = rng.choices(
                ["upload", "browse", "search", "download", "distill", "robustness"],
                weights=[6, 30, 20, 30, 7, 7],
            )[0]
            getattr(self, op)(rng)

    def upload(self, rng):
        with self.lock:
            budget = (time.monotonic() - self.started) / 60 * self.uploads_per_minute
            if self.uploads_started >= budget:
                return
            self.uploads_started += 1
        owner, token = rng.choice(self.users)
        name = f"soak-{rng.randrange(6)}"
        noise = rng.randbytes(rng.randrange(16 << 10, 256 << 10))
        body, content_type = multipart(
            [
                ("spec", "spec.json", "application/json", SPEC),
                ("model", "model.pt", "application/octet-stream", MODEL),
                ("file", "features.pt", "application/octet-stream", FEATURES),
                ("file", "noise.bin", "application/octet-stream", noise),
            ]
        )
        status, answer, seconds = call(
            "POST", f"/api/v1/learnwares/{owner}/{name}/versions", token, body, content_type
        )
        self.record("upload", status, seconds, answer, {201})
        if status == 201:
            version = json.loads(answer)["version"]
            with self.lock:
                self.acked[(owner, name, version)] = (sha(MODEL), sha(noise))

    def browse(self, rng):
        query = rng.choice(["", "&q=digits", "&tag=digits", "&dataType=table"])
        status, answer, seconds = call("GET", f"/api/v1/learnwares?page={rng.randrange(3)}&size=20{query}")
        self.record("browse", status, seconds, answer, {200})

    def search(self, rng):
        request = {"q": "handwritten digits", "limit": 10}
        if rng.random() < 0.5:
            request = {"statistical": STATISTICAL, "limit": 10}
        status, answer, seconds = call("POST", "/api/v1/search", body=request)
        self.record("search", status, seconds, answer, {200})

    def download(self, rng):
        acked = self.pick_acked(rng)
        if acked is None:
            return
        owner, name, version = acked
        model_sha, noise_sha = self.acked[acked]
        base = f"/api/v1/learnwares/{owner}/{name}/versions/{version}"
        path, expected = rng.choice([(base + "/artifact", model_sha), (base + "/files/noise.bin", noise_sha)])
        status, answer, seconds = call("GET", path)
        self.record("download", status, seconds, answer[:200], {200})
        if status == 200 and sha(answer) != expected:
            with self.lock:
                self.corrupt.append(path)

    def job(self, rng, kind, params):
        acked = self.pick_acked(rng)
        if acked is None:
            return
        owner, name, version = acked
        token = dict(self.users)[owner]
        source = f"{owner}/{name}@{version}"
        # As a user would: jobs for versions the market has validated.
        status, answer, seconds = call("GET", f"/api/v1/learnwares/{owner}/{name}/versions/{version}")
        self.record("version", status, seconds, answer, {200})
        if status != 200 or json.loads(answer)["state"] != "USABLE":
            return
        status, answer, seconds = call(
            "POST", "/api/v1/jobs", token, {"type": kind, "source": source, "params": params}
        )
        # 409: the version is not validated yet; 403: the user's quota of queued jobs is full.
        self.record(kind, status, seconds, answer, {202, 403, 409})
        if status == 202:
            with self.lock:
                self.jobs[json.loads(answer)["id"]] = (kind, source, token)

    def distill(self, rng):
        self.job(rng, "distill", {"student": {"type": "mlp", "hidden": [32]}, "epochs": 20, "transferSize": 500, "seed": 1})

    def robustness(self, rng):
        self.job(rng, "robustness", {"benchmark": "digits-test", "noise": [0.1], "epsilons": [0.1], "pgdSteps": 3, "corruptions": []})


class Workers:
    """Keeps COUNT worker processes running and SIGKILLs one at random every 20-60 s."""

    def __init__(self, count, seed):
        self.random = random.Random(seed)
        self.processes = {}
        self.kills = 0
        self.killing = True
        self.stopped = threading.Event()
        for i in range(count):
            self.start(f"soak-{i}")

    def start(self, worker_id):
        java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
        log = open(os.path.join(BENCH_DIR, f"{worker_id}.log"), "ab")
        self.processes[worker_id] = subprocess.Popen(
            [java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
             f"{ROOT}/worker/target/worker.jar:{ROOT}/worker/target/lib/*",
             "io.learnware.worker.runtime.WorkerMain", "--server", URL,
             "--token-file", os.path.join(BENCH_DIR, "data", "worker-token"),
             "--id", worker_id, "--cache", os.path.join(BENCH_DIR, "cache-" + worker_id)],
            stdout=log, stderr=subprocess.STDOUT)

    def run(self):
        while not self.stopped.wait(self.random.uniform(20, 60)):
            if not self.killing:
                continue
            victim = self.random.choice(sorted(self.processes))
            self.processes[victim].send_signal(signal.SIGKILL)
            self.processes[victim].wait()
            self.kills += 1
            time.sleep(self.random.uniform(1, 5))
            self.start(victim)

    def stop(self):
        self.stopped.set()
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def await_state(path, token, done, deadline):
    while time.monotonic() < deadline:
        status, answer, _ = call("GET", path, token)
        if status == 200 and done(json.loads(answer)):
            return json.loads(answer)
        time.sleep(2)
    return None


def verify(soak):
    """Everything acknowledged is there and validated; every job ran exactly once."""
    problems = []
    deadline = time.monotonic() + 20 * 60
    for (owner, name, version), (model_sha, noise_sha) in sorted(soak.acked.items()):
        base = f"/api/v1/learnwares/{owner}/{name}/versions/{version}"
        detail = await_state(base, None, lambda v: v["state"] != "PENDING", deadline)
        if detail is None:
            problems.append(f"{base}: still PENDING")
            continue
        if detail["state"] != "USABLE":
            problems.append(f"{base}: {detail['state']}")
        validations = [r for r in detail.get("reports", []) if r.get("type") == "validate"]
        if len(validations) != 1:
            problems.append(f"{base}: {len(validations)} validation reports")
        for path, expected in [(base + "/artifact", model_sha), (base + "/files/noise.bin", noise_sha)]:
            status, body, _ = call("GET", path)
            if status != 200 or sha(body) != expected:
                problems.append(f"{path}: {status}, sha256 {sha(body)} instead of {expected}")
    outcomes = Counter()
    attempts = Counter()
    for job_id, (kind, source, token) in sorted(soak.jobs.items()):
        job = await_state(f"/api/v1/jobs/{job_id}", token,
                          lambda j: j["state"] in ("SUCCEEDED", "FAILED", "CANCELLED"), deadline)
        if job is None:
            problems.append(f"job {job_id} ({kind}) never finished")
            continue
        outcomes[job["state"]] += 1
        attempts[job["attempts"]] += 1
        if job["state"] != "SUCCEEDED":
            problems.append(f"job {job_id} ({kind}) {job['state']}: {job.get('error')}")
        owner, rest = source.split("/", 1)
        name, version = rest.split("@")
        _, body, _ = call("GET", f"/api/v1/learnwares/{owner}/{name}/versions/{version}")
        detail = json.loads(body)
        if kind == "distill":
            made = [c for c in detail["lineage"]["children"] if c.get("job") == job_id]
        else:
            made = [r for r in detail.get("reports", []) if r.get("job") == job_id]
        if len(made) != (1 if job["state"] == "SUCCEEDED" else 0):
            problems.append(f"job {job_id} ({kind}) left {len(made)} results")
    return problems, outcomes, attempts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    # What two sandboxed workers validate on 2 cores while serving the rest; more only grows a backlog.
    parser.add_argument("--uploads-per-minute", type=float, default=12)
    args = parser.parse_args()
    # A stopped soak takes its workers with it.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(143)))

    admin = os.environ["ADMIN_TOKEN"]
    users = []
    for i in range(3):
        status, body, _ = call("POST", "/api/v1/users", admin, {"username": f"soak{i}-{uuid.uuid4().hex[:6]}"})
        assert status == 201, body
        created = json.loads(body)
        users.append((created["username"], created["token"]))
    soak = Soak(users, args.seed, args.uploads_per_minute)
    workers = Workers(args.workers, args.seed)
    try:
        keeper = threading.Thread(target=workers.run, daemon=True)
        keeper.start()
        clients = [threading.Thread(target=soak.client, args=(args.seed * 100 + i,), daemon=True)
                   for i in range(args.clients)]
        for client in clients:
            client.start()
        time.sleep(args.minutes * 60)
        soak.running = False
        for client in clients:
            client.join()
        traffic_seconds = time.monotonic() - soak.started
        workers.killing = False  # the last jobs finish on live workers
        problems, outcomes, attempts = verify(soak)
    finally:
        workers.stop()

    requests = sum(len(v) for v in soak.latency.values())
    print(f"traffic: {traffic_seconds / 60:.1f} min, {args.clients} clients, {args.workers} workers,"
          f" uploads capped at {args.uploads_per_minute:g}/min,"
          f" {workers.kills} worker kills (SIGKILL)")
    print()
    print("| operation | requests | answers | p50 ms | p99 ms |")
    print("|---|---:|---|---:|---:|")
    for op in ["upload", "browse", "search", "download", "version", "distill", "robustness"]:
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(soak.statuses[op].items()))
        print(f"| {op} | {len(soak.latency[op])} | {answers} | {percentile(soak.latency[op], 0.5) * 1000:.0f} |"
              f" {percentile(soak.latency[op], 0.99) * 1000:.0f} |")
    print(f"| all | {requests} | | {percentile(sum(soak.latency.values(), []), 0.5) * 1000:.0f} |"
          f" {percentile(sum(soak.latency.values(), []), 0.99) * 1000:.0f} |")
    print()
    print(f"acknowledged uploads: {len(soak.acked)}; jobs: {len(soak.jobs)} {dict(outcomes)};"
          f" attempts per job: {dict(sorted(attempts.items()))}")
    print(f"unexpected answers (5xx, no answer, other): {len(soak.unexpected)}; corrupt downloads:"
          f" {len(soak.corrupt)}; problems after the run: {len(problems)}")
    for line in (soak.unexpected + soak.corrupt + problems)[:30]:
        print("  " + line)
    raise SystemExit(1 if soak.unexpected or soak.corrupt or problems else 0)


if __name__ == "__main__":
    main()
