"""The client against a real market (started by it/'s PythonClientTest): RKMEs against the Java library's,
search, upload/pull round trips, refusals with their problem details, data sets and jobs."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
import zipfile

import numpy as np
import pytest

import learnware_market as lm
from learnware_market import rkme

from conftest import FIXTURES, digits_spec


def test_java_and_python_rkmes_of_the_same_data_agree(java_rkmes):
    for name, source in (
        ("digits-train", FIXTURES / "data/digits-train.csv.gz"),
        ("digits-test", FIXTURES / "data/digits-test.csv.gz"),
        ("digits-test-low", java_rkmes / "digits-test-low.csv"),
    ):
        x, _ = rkme.read_csv(source, label="label")
        python = rkme.build(x)
        java = rkme.Rkme.load(java_rkmes / f"{name}.json")
        fit_error = python.fit_error(x)
        mmd = python.mmd(java)
        print(f"{name}: {len(x)} rows, MMD(Java, Python) = {mmd:.3g}, fit error {fit_error:.4f}")
        assert (java.size, java.dimension, java.num_points) == (python.size, python.dimension, len(x))
        assert mmd < fit_error
        # the same algorithm and random stream: the same points up to rounding
        assert mmd < 1e-6
        assert np.abs(java.z - python.z).max() < 1e-9


def test_java_and_python_image_rkmes_and_herding_agree(java_rkmes):
    images = rkme.read_idx(FIXTURES / "data/fashion-mnist/new-classes-train-images-idx3-ubyte.gz")
    python = rkme.build_images(images)
    java = rkme.Rkme.load(java_rkmes / "fashion-new-classes.json")
    fit_error = python.fit_error(images.reshape(len(images), -1))
    mmd = python.mmd(java)
    print(f"fashion new classes: {len(images)} images, MMD(Java, Python) = {mmd:.3g}, fit error {fit_error:.4f}")
    assert java.feature_map == python.feature_map == {
        "type": "image-sign-projection-v1",
        "channels": 1,
        "height": 28,
        "width": 28,
    }
    assert mmd < fit_error and mmd < 1e-6

    herded = rkme.Rkme.load(java_rkmes / "digits-test.json").herd(50, seed=3)
    with open(java_rkmes / "digits-test-herd-50-seed-3.json") as f:
        assert np.abs(herded - np.array(json.load(f))).max() < 1e-9


def test_search_ranks_java_and_python_rkmes_alike(client, owner, digits_market, java_rkmes):
    for name, source in (
        ("digits-test", FIXTURES / "data/digits-test.csv.gz"),
        ("digits-test-low", java_rkmes / "digits-test-low.csv"),
    ):
        x, _ = rkme.read_csv(source, label="label")
        by_python = client.search(statistical=rkme.build(x), owner=owner)
        by_java = client.search(statistical=java_rkmes / f"{name}.json", owner=owner)
        ranking = [match["learnware"] for match in by_python["single"]]
        print(f"{name}: " + ", ".join(f"{m['learnware']} {m['score']:.4f}" for m in by_python["single"]))
        assert ranking == [match["learnware"] for match in by_java["single"]]
        assert set(digits_market.values()) <= set(ranking)
        for a, b in zip(by_python["single"], by_java["single"]):
            assert a["mmd"] == pytest.approx(b["mmd"], abs=1e-7)
        if name == "digits-test-low":
            assert ranking[0] == digits_market["digits-low"]
        assert [i["learnware"] for i in (by_python.get("mixture") or {}).get("items", [])] == [
            i["learnware"] for i in (by_java.get("mixture") or {}).get("items", [])
        ]


def test_search_takes_the_beimingwu_format(client, owner, digits_market):
    x, _ = rkme.read_csv(FIXTURES / "data/digits-test.csv.gz", label="label")
    query = rkme.build(x)
    canonical = client.search(statistical=query, owner=owner)
    beimingwu = client.search(statistical=query.to_beimingwu(), owner=owner)
    assert [(m["learnware"], m["mmd"]) for m in beimingwu["single"]] == [
        (m["learnware"], m["mmd"]) for m in canonical["single"]
    ]


def test_a_version_in_beimingwus_formats(client, digits_market, tmp_path):
    ref = digits_market["digits-low"]
    ours = client.statistical(ref)
    theirs = client.statistical_beimingwu(ref)
    assert theirs["type"] == "RKMETableSpecification"
    assert theirs["num_points"] > 0
    assert theirs["gamma"] == ours.gamma
    assert np.array(theirs["z"]).tolist() == ours.z.tolist()
    assert np.array(theirs["beta"]).tolist() == ours.beta.tolist()

    package = client.pull_beimingwu(ref, tmp_path / "digits-low.zip")
    with zipfile.ZipFile(package) as archive:
        assert {"learnware.yaml", "__init__.py", "model.pt", "stat.json", "semantic_specification.json"} <= set(
            archive.namelist()
        )
        assert json.loads(archive.read("stat.json")) == theirs
        assert json.loads(archive.read("semantic_specification.json"))["Task"]["Values"] == ["Classification"]
    with pytest.raises(lm.errors.NotFound):
        client.pull_beimingwu(ref.split("@")[0] + "-missing@1", tmp_path / "missing.zip")
    assert not (tmp_path / "missing.zip").exists()


def test_text_and_filter_search(client, owner, digits_market):
    found = client.search("handwritten digits", owner=owner, data_type="table", input={"dimension": 64}, output={"dimension": 10})
    assert set(digits_market.values()) <= {m["learnware"] for m in found["single"]}
    assert client.search(owner=owner, task="regression")["single"] == []


def test_upload_search_and_pull_round_trip(client, owner, digits_train, tmp_path):
    x, _ = digits_train
    heard = []
    name = f"round-trip-{uuid.uuid4().hex[:8]}"
    answer = client.upload(
        f"{owner}/{name}",
        spec=FIXTURES / "digits-mlp/spec.json",  # from a file, with its RKME replaced
        model=FIXTURES / "digits-mlp/model.pt",
        files=[FIXTURES / "digits-mlp/features.pt"],
        statistical=rkme.build(x[:300]),
        progress=lambda name, sent, total: heard.append((name, sent, total)),
    )
    model_sha = hashlib.sha256((FIXTURES / "digits-mlp/model.pt").read_bytes()).hexdigest()
    assert (answer["owner"], answer["name"], answer["version"], answer["state"]) == (owner, name, 1, "PENDING")
    assert answer["sha256"] == model_sha
    assert heard[-1][0] == f"{owner}/{name}" and heard[-1][1] == heard[-1][2]
    assert heard[-1][2] > (FIXTURES / "digits-mlp/model.pt").stat().st_size
    client.wait_usable(f"{owner}/{name}@1", timeout=120)

    first = client.pull(f"{owner}/{name}", tmp_path / "first")
    assert str(first.ref) == f"{owner}/{name}@1"
    assert [(f.role, f.path.name, f.cached) for f in first.files] == [
        ("spec", "spec.json", False),
        ("model", "model.pt", False),
        ("file", "features.pt", False),
    ]
    assert (tmp_path / "first/model.pt").read_bytes() == (FIXTURES / "digits-mlp/model.pt").read_bytes()
    assert (tmp_path / "first/features.pt").read_bytes() == (FIXTURES / "digits-mlp/features.pt").read_bytes()
    pulled_spec = json.loads((tmp_path / "first/spec.json").read_text())
    assert rkme.Rkme.from_dict(pulled_spec["statistical"]).mmd(rkme.build(x[:300])) == 0
    assert client.statistical(f"{owner}/{name}@1").num_points == 300
    assert (client.cache.blobs / model_sha).is_file()

    second = client.pull(f"{owner}/{name}@1", tmp_path / "second")
    assert [f.cached for f in second.files] == [False, True, True]
    assert (tmp_path / "second/model.pt").read_bytes() == (FIXTURES / "digits-mlp/model.pt").read_bytes()


def test_a_damaged_cache_entry_is_dropped_and_downloaded_again(client, owner, digits_market, tmp_path):
    ref = digits_market["digits-all"]
    client.pull(ref, tmp_path / "a")
    sha = client.show(ref)["model"]["sha256"]
    blob = client.cache.blobs / sha
    blob.write_bytes(b"not the model")
    again = client.pull(ref, tmp_path / "b")
    model = next(f for f in again.files if f.role == "model")
    assert not model.cached
    assert hashlib.sha256((tmp_path / "b/model.pt").read_bytes()).hexdigest() == sha
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == sha


def test_bytes_that_do_not_match_their_sha256_are_refused(client, owner, market_data, tmp_path):
    extra = tmp_path / "notes.bin"
    extra.write_bytes(os.urandom(4096))
    sha = hashlib.sha256(extra.read_bytes()).hexdigest()
    name = f"damaged-{uuid.uuid4().hex[:8]}"
    client.upload(
        f"{owner}/{name}",
        spec=digits_spec(rkme.build(np.random.default_rng(0).random((200, 64)))),
        model=FIXTURES / "digits-mlp/model.pt",
        files=[FIXTURES / "digits-mlp/features.pt", extra],
    )
    # The market's stored copy rots (same length, other bytes): what it serves no longer hashes to the listing.
    stored = market_data / "blobs" / sha[:2] / sha[2:4] / sha
    os.chmod(stored, 0o644)
    stored.write_bytes(bytes(b ^ 0xFF for b in stored.read_bytes()))
    out = tmp_path / "out"
    with pytest.raises(lm.ChecksumMismatch) as refused:
        client.pull(f"{owner}/{name}@1", out)
    assert refused.value.expected == sha
    assert refused.value.actual == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert not (out / "notes.bin").exists()
    assert not (client.cache.blobs / sha).exists()
    assert [p.name for p in client.cache.blobs.iterdir() if p.name.startswith(".partial")] == []


def test_an_invalid_spec_is_refused_with_pointers(client, owner):
    spec = digits_spec(rkme.build(np.random.default_rng(0).random((50, 64))).to_dict())
    spec["dataType"] = "spreadsheet"
    spec["statistical"]["beta"][0] += 0.5  # no longer sums to 1
    with pytest.raises(lm.InvalidInput) as refused:
        client.upload(f"{owner}/refused", spec=spec, model=FIXTURES / "digits-mlp/model.pt", files=[FIXTURES / "digits-mlp/features.pt"])
    problem = refused.value
    print(problem)
    assert problem.status == 400
    assert problem.title and problem.detail
    assert "/spec/dataType" in problem.pointers
    assert any(p.startswith("/spec/statistical") for p in problem.pointers)
    assert all(v.message for v in problem.violations)


def test_errors_by_status(server, client, owner):
    with pytest.raises(lm.Unauthorized) as unknown_token:
        lm.Client(server, "not-a-token").me()
    assert unknown_token.value.status == 401 and unknown_token.value.title
    with pytest.raises(lm.NotFound) as missing:
        client.show(f"{owner}/no-such-learnware")
    assert missing.value.status == 404
    assert "no-such-learnware" in str(missing.value)
    with pytest.raises(ConnectionError):
        lm.Client("http://127.0.0.1:9", timeout=5).me()


def test_token_comes_from_the_environment(server, token, monkeypatch, owner):
    monkeypatch.setenv("LEARNWARE_TOKEN", token)
    monkeypatch.setenv("LEARNWARE_SERVER", server)
    assert lm.Client().me()["username"] == owner


def test_dataset_then_a_job_followed_and_cancelled(client, owner, digits_market, tmp_path):
    heard = []
    name = f"digits-test-{uuid.uuid4().hex[:8]}"
    dataset = client.upload_dataset(
        f"{owner}/{name}", FIXTURES / "data/digits-test.csv.gz", progress=lambda *a: heard.append(a)
    )
    assert dataset["dataset"] == f"{owner}/{name}" and dataset["format"] == "csv"
    assert dataset["dataSha256"] == hashlib.sha256((FIXTURES / "data/digits-test.csv.gz").read_bytes()).hexdigest()
    assert client.dataset(f"{owner}/{name}")["dataSha256"] == dataset["dataSha256"]
    assert heard[-1][1] == heard[-1][2]

    # The test market's stand-in worker claims validations only: this job waits in the queue.
    job = client.request_job("evaluate", digits_market["digits-all"], dataset=f"{owner}/{name}")
    assert job["state"] == "QUEUED"
    assert job["id"] in [j["id"] for j in client.jobs()]
    events, followed = [], {}
    first_event = threading.Event()

    def follow():
        try:
            client.follow(job["id"], lambda e: (events.append(e["state"]), first_event.set()))
        except lm.JobFailed as e:
            followed["failed"] = e

    follower = threading.Thread(target=follow)
    follower.start()
    assert first_event.wait(30)
    cancelled = client.cancel(job["id"])
    follower.join(30)
    assert not follower.is_alive()
    assert cancelled["state"] == "CANCELLED"
    assert events[0] == "QUEUED" and events[-1] == "CANCELLED"
    assert followed["failed"].job["state"] == "CANCELLED"
    assert client.job(job["id"])["state"] == "CANCELLED"
    with pytest.raises(lm.Conflict) as again:
        client.cancel(job["id"])
    assert again.value.status == 409 and "CANCELLED" in again.value.detail
    with pytest.raises(ValueError):
        client.job("not-a-uuid")
    with pytest.raises(lm.NotFound):
        client.job(str(uuid.uuid4()))
