"""The RKME construction on its own (no market): the Java library's random streams, weights and numbers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from learnware_market import rkme
from learnware_market._random import SplittableRandom


def test_splittable_random_is_the_jdks():
    # new java.util.SplittableRandom(42): nextLong(), nextInt(1797), nextInt(100), nextInt(1 << 20), nextDouble(),
    # nextInt(), then nextInt(1_500_000_000) three times (jshell on Temurin 25)
    r = SplittableRandom(42)
    assert r.next_long() == -4767286540954276203
    assert [r.next_int(1797), r.next_int(100), r.next_int(1 << 20)] == [849, 81, 946376]
    assert r.next_double() == 0.03803016854024621
    assert r.next_int() == -1746239153
    assert [r.next_int(1_500_000_000) for _ in range(3)] == [95458856, 1373018519, 1182818706]


def test_image_feature_map_follows_its_definition():
    feature_map = rkme.ImageFeatureMap(1, 28, 28)
    size, words = 784, 13
    random = SplittableRandom(20_261_124)
    longs = [random.next_long_unsigned() for _ in range(64 * words)]
    for k in (0, 17, 63):
        for p in (0, 63, 64, 500, 783):
            bit = (longs[k * words + p // 64] >> (p % 64)) & 1
            assert feature_map.weights[p, k] == (1 if bit else -1) / math.sqrt(size)
    # a random sign projection keeps distances up to about √(64/D)
    pixels = np.random.default_rng(1).random((2, size))
    mapped = feature_map.apply(pixels)
    ratio = np.linalg.norm(mapped[0] - mapped[1]) / np.linalg.norm(pixels[0] - pixels[1])
    assert ratio == pytest.approx(math.sqrt(64 / size), rel=0.3)


def test_simplex_qp_matches_a_closed_form():
    # ½wᵀIw − wᵀb on the simplex: the projection of b
    b = np.array([0.9, 0.5, -0.2])
    w = rkme.solve_simplex_qp(np.eye(3), b)
    assert w == pytest.approx([0.7, 0.3, 0.0], abs=1e-9)
    assert w.sum() == pytest.approx(1)


def test_reduced_points_follow_the_java_rules():
    assert rkme.reduced_points(100, 1437, 64) == 100
    assert rkme.reduced_points(100, 90, 64) == 60  # K >= n: 2n/3
    assert rkme.reduced_points(100, 1, 3) == 1
    assert rkme.reduced_points(1000, 50_000, 4000) == 500  # K·d ≤ 2,000,000


def test_missing_values_get_their_column_mean():
    x = np.array([[1.0, np.nan], [3.0, 4.0], [np.inf, 6.0]])
    assert rkme.impute_column_means(x).tolist() == [[1.0, 5.0], [3.0, 4.0], [2.0, 6.0]]


def test_digits_rkme_is_as_close_to_the_data_as_the_java_one(digits_train):
    x, _ = digits_train
    stages = []
    refined = rkme.build(x, progress=lambda stage, fraction: stages.append((stage, fraction)))
    kmeans_only = rkme.build(x, steps=0)
    # docs/rkme.md: the gradient steps take the construction error from ~0.066 to ~0.026 on the digits
    assert kmeans_only.fit_error(x) == pytest.approx(0.0637, abs=5e-4)
    assert refined.fit_error(x) == pytest.approx(0.0247, abs=5e-4)
    assert refined.size == 100 and refined.dimension == 64 and refined.num_points == 1437
    assert refined.beta.min() >= 0 and refined.beta.sum() == pytest.approx(1, abs=1e-9)
    assert [s for s, _ in stages] == ["k-means", "weights", "step 1/3", "step 2/3", "step 3/3", "done"]
    document = refined.to_dict()
    assert list(document) == ["type", "kernel", "gamma", "dimension", "numPoints", "z", "beta"]
    assert rkme.Rkme.from_dict(document).mmd(refined) == 0


def test_same_seed_same_rkme_other_seed_other_points(digits_train):
    x, _ = digits_train
    a, b, c = rkme.build(x[:400], seed=7), rkme.build(x[:400], seed=7), rkme.build(x[:400], seed=8)
    assert np.array_equal(a.z, b.z) and np.array_equal(a.beta, b.beta)
    assert not np.array_equal(a.z, c.z)
    # different reduced points, the same distribution
    assert a.mmd(c) < a.fit_error(x[:400]) + c.fit_error(x[:400])


def test_herded_points_track_the_rkme(digits_train):
    x, _ = digits_train
    summary = rkme.build(x)
    herded = summary.herd(300, seed=3)
    assert herded.shape == (300, 64)
    assert summary.fit_error(herded) < 0.1
    assert np.array_equal(herded, summary.herd(300, seed=3))


def test_beimingwu_format_both_ways(digits_train, tmp_path):
    x, _ = digits_train
    summary = rkme.build(x[:300])
    document = summary.to_beimingwu()
    assert list(document) == ["z", "beta", "gamma", "num_points", "type"]
    assert document["type"] == "RKMETableSpecification" and document["num_points"] == 300
    summary.save(tmp_path / "b.json", format="beimingwu")
    back = rkme.Rkme.load(tmp_path / "b.json")
    assert back.mmd(summary) == 0 and back.num_points == 300
    # Beimingwu's solver leaves dropped weights at values like −1e−12: they read as 0
    document["beta"][0] = -1e-12
    assert rkme.from_beimingwu(json.dumps(document)).beta[0] == 0
