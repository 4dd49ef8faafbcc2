"""Shared fixtures. The market tests need a running market: it/'s PythonClientTest (run by `bin/mvn verify`
and `bin/test`) starts the packaged one and sets LEARNWARE_TEST_SERVER, LEARNWARE_TEST_TOKEN,
LEARNWARE_TEST_MARKET_DATA, LEARNWARE_TEST_JAVA_RKMES and LEARNWARE_TEST_FIXTURES; without them those tests
are skipped (and PythonClientTest refuses skips)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import learnware_market as lm
from learnware_market import rkme

FIXTURES = Path(os.environ.get("LEARNWARE_TEST_FIXTURES") or Path(__file__).resolve().parents[3] / "fixtures")
NEEDS_MARKET = "needs a market: set LEARNWARE_TEST_SERVER and LEARNWARE_TEST_TOKEN (it/'s PythonClientTest does)"


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.skip(NEEDS_MARKET)
    return value


@pytest.fixture(scope="session")
def digits_train():
    """The 1,437 training rows of the digits (64 pixels in 0..1) and their labels."""
    x, _ = rkme.read_csv(FIXTURES / "data/digits-train.csv.gz", label=None)
    return x[:, :64], x[:, 64].astype(int)


@pytest.fixture(scope="session")
def server() -> str:
    return _env("LEARNWARE_TEST_SERVER")


@pytest.fixture(scope="session")
def token() -> str:
    return _env("LEARNWARE_TEST_TOKEN")


@pytest.fixture(scope="session")
def java_rkmes() -> Path:
    return Path(_env("LEARNWARE_TEST_JAVA_RKMES"))


@pytest.fixture(scope="session")
def market_data() -> Path:
    return Path(_env("LEARNWARE_TEST_MARKET_DATA"))


@pytest.fixture
def client(server, token, tmp_path) -> lm.Client:
    return lm.Client(server, token, cache=tmp_path / "cache")


@pytest.fixture(scope="session")
def owner(server, token) -> str:
    return lm.Client(server, token).me()["username"]


def digits_spec(statistical) -> dict:
    spec = json.loads((FIXTURES / "digits-mlp/spec.json").read_text())
    spec["statistical"] = statistical
    return spec


PARTS = {
    "digits-all": lambda label: True,
    "digits-low": lambda label: label < 5,
    "digits-high": lambda label: label >= 5,
    "digits-even": lambda label: label % 2 == 0,
    "digits-odd": lambda label: label % 2 == 1,
}


@pytest.fixture(scope="session")
def digits_market(server, token, owner, digits_train) -> dict[str, str]:
    """Five learnwares (the digits MLP) whose RKMEs, built here, summarise different parts of the training
    rows; name → owner/name@1, once every one is USABLE."""
    market = lm.Client(server, token)
    x, labels = digits_train
    refs = {}
    for name, part in PARTS.items():
        rows = x[[part(label) for label in labels]]
        answer = market.upload(
            f"{owner}/{name}",
            spec=digits_spec(rkme.build(rows)),
            model=FIXTURES / "digits-mlp/model.pt",
            files=[FIXTURES / "digits-mlp/features.pt"],
        )
        refs[name] = f"{owner}/{name}@{answer['version']}"
    for ref in refs.values():
        market.wait_usable(ref, timeout=120)
    return refs
