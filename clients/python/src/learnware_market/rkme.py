"""Reduced kernel mean embeddings (RKMEs): the market's statistical specification, computed locally.

The same algorithm, defaults and random streams as the Java library (io.learnware.spec.rkme, used by the
market, the CLI's ``spec rkme`` and the worker; see docs/rkme.md), so an RKME made here from the same data
and seed is the Java one up to floating-point rounding:

1. NaN and infinite values are replaced by their column's mean.
2. K = 100 by default; when K >= n, K = max(1, 2n/3); K is capped so that K·d stays within 2,000,000.
3. Z starts as k-means centres (k-means++ seeding, 10 Lloyd iterations) of a sample of max(5000, 50K)
   rows, drawn with java.util.SplittableRandom(seed).
4. β solves min ½βᵀK_zzβ − βᵀk over the simplex (accelerated projected gradient).
5. ``steps`` alternating steps: a preconditioned gradient (mean-shift) step on Z, then β re-solved; a step
   that does not lower the distance is retried at half the length.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._random import SplittableRandom

DEFAULT_POINTS = 100
DEFAULT_GAMMA = 0.1
DEFAULT_STEPS = 3
MAX_POINTS = 1000
MAX_VALUES = 2_000_000
TYPE = "rkme-table"
GAUSSIAN = "gaussian"
IMAGE_SIGN_PROJECTION_V1 = "image-sign-projection-v1"
BEIMINGWU_TYPE = "RKMETableSpecification"
BEIMINGWU_TYPES = (BEIMINGWU_TYPE, "RKMEStatSpecification")

_KMEANS_ITERATIONS = 10
_KMEANS_SAMPLE_PER_CENTRE = 50
_MIN_KMEANS_SAMPLE = 5000
_CHUNK_ROWS = 2048

Progress = Callable[[str, float], None]
"""Hears a long construction: the stage (``k-means``, ``weights``, ``step i/n``, ``done``) and overall
progress in [0, 1]."""


@dataclass(frozen=True)
class Rkme:
    """K points ``z`` with weights ``beta`` on the simplex whose embedding Σβ_j k(z_j, ·) stands in for the
    data's, under k(x, y) = exp(−γ‖x − y‖²)."""

    gamma: float
    num_points: int
    z: np.ndarray
    beta: np.ndarray
    feature_map: dict | None = field(default=None)

    @property
    def dimension(self) -> int:
        return int(self.z.shape[1])

    @property
    def size(self) -> int:
        return int(self.z.shape[0])

    def to_dict(self) -> dict:
        """The canonical statistical specification (the ``statistical`` member of a spec)."""
        document = {
            "type": TYPE,
            "kernel": GAUSSIAN,
            "gamma": float(self.gamma),
            "dimension": self.dimension,
            "numPoints": int(self.num_points),
            "z": self.z.tolist(),
            "beta": self.beta.tolist(),
        }
        if self.feature_map is not None:
            document["featureMap"] = dict(self.feature_map)
        return document

    def to_beimingwu(self) -> dict:
        """The learnware package's (Beimingwu's) ``RKMETableSpecification`` JSON, as its ``save()`` writes it:
        ``z``, ``beta``, ``gamma``, ``num_points``, ``type``. An image RKME keeps ``featureMap``, which
        Beimingwu's ``load()`` ignores (to it, a table RKME over the map's 64 features) and the market reads."""
        document = {
            "z": self.z.tolist(),
            "beta": self.beta.tolist(),
            "gamma": float(self.gamma),
            "num_points": int(self.num_points),
            "type": BEIMINGWU_TYPE,
        }
        if self.feature_map is not None:
            document["featureMap"] = dict(self.feature_map)
        return document

    def to_json(self, format: str = "canonical") -> str:
        """The document as JSON text; ``format`` is ``canonical`` (the market's) or ``beimingwu``."""
        if format not in ("canonical", "beimingwu"):
            raise ValueError(f"format must be canonical or beimingwu, got {format!r}")
        return json.dumps(self.to_beimingwu() if format == "beimingwu" else self.to_dict())

    def save(self, path: str | os.PathLike, format: str = "canonical") -> None:
        """Writes the document (atomically, as the CLI's ``--out``) in ``format``, canonical or beimingwu."""
        text = self.to_json(format)
        temporary = f"{os.fspath(path)}.partial"
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)

    @staticmethod
    def from_dict(document: dict) -> "Rkme":
        """Reads a canonical document (``type`` rkme-table) or the learnware package's
        ``RKMETableSpecification`` JSON (``z``, ``beta``, ``gamma``, ``num_points``)."""
        z = np.asarray(document["z"], dtype=np.float64)
        beta = np.asarray(document["beta"], dtype=np.float64).reshape(-1)
        if document.get("type") in BEIMINGWU_TYPES:
            # its solver's rounding of dropped weights (down to −1e−9) reads as 0, as the market reads it
            beta = np.where((beta < 0) & (beta >= -1e-9), 0.0, beta)
        if z.ndim != 2 or z.shape[0] != beta.shape[0] or z.shape[0] == 0:
            raise ValueError(f"need one weight per point: z has shape {z.shape}, beta {beta.shape}")
        num_points = document.get("numPoints", document.get("num_points", 0))
        return Rkme(float(document["gamma"]), int(num_points), z, beta, document.get("featureMap"))

    @staticmethod
    def load(path: str | os.PathLike) -> "Rkme":
        with open(path, encoding="utf-8") as f:
            return Rkme.from_dict(json.load(f))

    def squared_norm(self) -> float:
        return inner_product(self, self)

    def mmd_squared(self, other: "Rkme") -> float:
        """‖μ_self − μ_other‖², never negative."""
        return max(0.0, self.squared_norm() + other.squared_norm() - 2 * inner_product(self, other))

    def mmd(self, other: "Rkme") -> float:
        return math.sqrt(self.mmd_squared(other))

    def similarity(self, other: "Rkme") -> float:
        """The search's score, 1 − MMD²/(‖μ_a‖² + ‖μ_b‖²) in [0, 1]."""
        scale = self.squared_norm() + other.squared_norm()
        return min(1.0, max(0.0, 1 - self.mmd_squared(other) / scale)) if scale > 0 else 0.0

    def fit_error(self, data) -> float:
        """‖μ_data − μ_rkme‖: how far this embedding is from that of ``data`` (the construction error, when
        ``data`` is what it was built from). O(n²) in the rows of ``data``."""
        x = impute_column_means(np.asarray(data, dtype=np.float64))
        if self.feature_map is not None and x.shape[1] != self.dimension:
            x = ImageFeatureMap.of(self.feature_map).apply(x)
        n = x.shape[0]
        data_norm = 0.0
        for start in range(0, n, _CHUNK_ROWS):
            data_norm += _kernel(self.gamma, x[start : start + _CHUNK_ROWS], x).sum()
        data_norm /= n * n
        cross = 0.0
        for start in range(0, n, _CHUNK_ROWS):
            cross += (_kernel(self.gamma, x[start : start + _CHUNK_ROWS], self.z) @ self.beta).sum()
        cross /= n
        return math.sqrt(max(0.0, data_norm + self.squared_norm() - 2 * cross))

    def herd(self, count: int, seed: int = 0) -> np.ndarray:
        """Synthetic points whose empirical embedding tracks this one (kernel herding over a pool of reduced
        points drawn by β and jittered; Rkme.herd in Java, same pool for the same seed)."""
        return _herd(self, count, SplittableRandom(seed))


def inner_product(a: Rkme, b: Rkme) -> float:
    """⟨μ_a, μ_b⟩ = Σ_ij β_a,i β_b,j k(z_a,i, z_b,j)."""
    if a.dimension != b.dimension or a.gamma != b.gamma:
        raise ValueError(
            f"RKMEs of dimension {a.dimension} (gamma {a.gamma}) and {b.dimension} (gamma {b.gamma})"
            " live in different spaces"
        )
    return float(a.beta @ _kernel(a.gamma, a.z, b.z) @ b.beta)


def _kernel(gamma: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    distances = (x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2 * (x @ y.T)
    # Rounding can make the expanded distance slightly negative for (nearly) equal points.
    return np.exp(-gamma * np.maximum(distances, 0))


def impute_column_means(x: np.ndarray) -> np.ndarray:
    """NaN and infinite values get the mean of their column's finite values (0 for a column without any)."""
    finite = np.isfinite(x)
    if finite.all():
        return x
    counts = finite.sum(0)
    sums = np.where(finite, x, 0).sum(0)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    return np.where(finite, x, means[None, :])


def reduced_points(requested: int, rows: int, columns: int) -> int:
    """The number of reduced points a data set of rows × columns gets."""
    k = max(1, 2 * rows // 3) if requested >= rows else requested
    k = min(k, MAX_POINTS)
    return max(1, min(k, MAX_VALUES // columns))


def build(
    data,
    *,
    points: int = DEFAULT_POINTS,
    gamma: float = DEFAULT_GAMMA,
    steps: int = DEFAULT_STEPS,
    seed: int = 0,
    progress: Progress | None = None,
) -> Rkme:
    """The RKME of an n×d table (anything ``numpy.asarray`` takes: an array, a list of rows, a DataFrame's
    ``.to_numpy()``). Leave the label column out; compute it in the model's input space."""
    if points < 1:
        raise ValueError(f"points must be at least 1, got {points}")
    if not (gamma > 0) or math.isinf(gamma):
        raise ValueError(f"gamma must be a positive number, got {gamma}")
    if steps < 0:
        raise ValueError(f"steps must not be negative, got {steps}")
    x = np.asarray(data, dtype=np.float64)
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2:
        raise ValueError(f"data must be a table (n × d), got shape {x.shape}")
    if x.shape[0] == 0:
        raise ValueError("cannot summarise an empty data set")
    x = np.ascontiguousarray(impute_column_means(x))
    report = progress or (lambda stage, fraction: None)
    n, d = x.shape
    k = reduced_points(points, n, d)
    random = SplittableRandom(seed)
    report("k-means", 0.0)
    z = _kmeans(x, k, _KMEANS_ITERATIONS, min(n, max(_MIN_KMEANS_SAMPLE, _KMEANS_SAMPLE_PER_CENTRE * k)), random)
    total = steps + 2.0
    report("weights", 1 / total)
    mean_kernel, weighted_sum = _pass(gamma, x, z)
    kzz = _kernel(gamma, z, z)
    beta = solve_simplex_qp(kzz, mean_kernel)
    objective = _objective(kzz, mean_kernel, beta)
    eta = 1.0
    for step in range(1, steps + 1):
        report(f"step {step}/{steps}", (step + 1) / total)
        moved = _move(z, beta, kzz, mean_kernel, weighted_sum, eta)
        moved_mean, moved_weighted = _pass(gamma, x, moved)
        moved_kzz = _kernel(gamma, moved, moved)
        moved_beta = solve_simplex_qp(moved_kzz, moved_mean)
        moved_objective = _objective(moved_kzz, moved_mean, moved_beta)
        if moved_objective < objective:
            z, mean_kernel, weighted_sum, kzz, beta, objective = (
                moved,
                moved_mean,
                moved_weighted,
                moved_kzz,
                moved_beta,
                moved_objective,
            )
        else:
            eta /= 2
    report("done", 1.0)
    return Rkme(gamma, n, z, beta)


def build_images(
    images,
    *,
    points: int = DEFAULT_POINTS,
    gamma: float = DEFAULT_GAMMA,
    steps: int = DEFAULT_STEPS,
    seed: int = 0,
    progress: Progress | None = None,
) -> Rkme:
    """The RKME of images (n × C × H × W, or n × H × W for one channel) with pixels already scaled to
    [0, 1], computed over the fixed feature map image-sign-projection-v1 as the CLI's ``--idx`` does."""
    array = np.asarray(images, dtype=np.float64)
    if array.ndim == 3:
        array = array[:, None, :, :]
    if array.ndim != 4:
        raise ValueError(f"images must be n × C × H × W or n × H × W, got shape {array.shape}")
    _, channels, height, width = array.shape
    feature_map = ImageFeatureMap(channels, height, width)
    features = feature_map.apply(array.reshape(array.shape[0], -1))
    rkme = build(features, points=points, gamma=gamma, steps=steps, seed=seed, progress=progress)
    return Rkme(rkme.gamma, rkme.num_points, rkme.z, rkme.beta, feature_map.spec())


def read_csv(path: str | os.PathLike, label: str | None = None) -> tuple[np.ndarray, list[str]]:
    """A CSV table with a header (``.gz`` decompressed) as the CLI reads it: empty cells, NaN, nan, NA,
    inf and Infinity are missing values; ``label`` names a column to leave out. Returns the features and
    their column names."""
    import csv
    import gzip

    opener = gzip.open if os.fspath(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as f:
        rows = [row for row in csv.reader(f) if row and any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"{path}: no header row")
    header = rows[0]
    if label is not None and label not in header:
        raise ValueError(f"{path}: no column named {label!r} (columns: {', '.join(header)})")
    keep = [i for i, name in enumerate(header) if name != label]
    missing = {"", "nan", "NaN", "NA", "inf", "-inf", "+inf", "Infinity", "-Infinity", "+Infinity"}
    out = np.empty((len(rows) - 1, len(keep)))
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ValueError(f"{path}: line {r} has {len(row)} cells, the header {len(header)}")
        for c, i in enumerate(keep):
            cell = row[i].strip()
            try:
                out[r - 2, c] = math.nan if cell in missing else float(cell)
            except ValueError:
                raise ValueError(f"{path}: line {r}, column {header[i]!r}: {cell!r} is not a number") from None
    return out, [header[i] for i in keep]


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """IDX images (unsigned bytes, n × height × width, as MNIST; ``.gz`` decompressed) as the CLI's ``--idx``
    reads them: n × 1 × H × W, pixels divided by 255. IDX labels (magic 0x801) come back as n integers."""
    import gzip

    opener = gzip.open if os.fspath(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[:4], "big")
    if magic == 0x801:
        count = int.from_bytes(data[4:8], "big")
        labels = np.frombuffer(data, dtype=np.uint8, offset=8)
        if labels.shape[0] != count:
            raise ValueError(f"{path}: {labels.shape[0]} labels, the header says {count}")
        return labels.astype(np.int64)
    if magic != 0x803:
        raise ValueError(f"{path}: not IDX images (unsigned bytes, n × height × width): magic {magic:#x}")
    count, height, width = (int.from_bytes(data[o : o + 4], "big") for o in (4, 8, 12))
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16)
    if pixels.shape[0] != count * height * width:
        raise ValueError(f"{path}: {pixels.shape[0]} pixel bytes, the header says {count} × {height} × {width}")
    return pixels.reshape(count, 1, height, width) / 255.0


class ImageFeatureMap:
    """image-sign-projection-v1 (docs/rkme.md): 64 features (1/√D)·Σ_p r_kp·x_p with signs from
    java.util.SplittableRandom(20261124), pixels flattened channel-major."""

    DIMENSION = 64
    SEED = 20_261_124

    def __init__(self, channels: int, height: int, width: int) -> None:
        if channels < 1 or height < 1 or width < 1:
            raise ValueError(f"image shape must be positive, got {channels}×{height}×{width}")
        self.channels, self.height, self.width = channels, height, width
        size = channels * height * width
        words = (size + 63) // 64
        random = SplittableRandom(self.SEED)
        bits = np.array(
            [random.next_long_unsigned() for _ in range(self.DIMENSION * words)], dtype=np.uint64
        ).reshape(self.DIMENSION, words)
        positions = np.arange(size)
        signs = (bits[:, positions // 64] >> (positions % 64).astype(np.uint64)) & np.uint64(1)
        # pixel-major, so that mapping is one matrix product
        self.weights = np.where(signs == 1, 1.0, -1.0).T / math.sqrt(size)

    @staticmethod
    def of(spec: dict) -> "ImageFeatureMap":
        if spec.get("type") != IMAGE_SIGN_PROJECTION_V1:
            raise ValueError(f"unknown feature map {spec.get('type')!r}")
        return ImageFeatureMap(spec["channels"], spec["height"], spec["width"])

    @property
    def input_size(self) -> int:
        return self.weights.shape[0]

    def apply(self, pixels) -> np.ndarray:
        """n × D pixels in [0, 1] → n × 64 features."""
        x = np.asarray(pixels, dtype=np.float64).reshape(len(pixels), -1)
        if x.shape[1] != self.input_size:
            raise ValueError(f"images have {x.shape[1]} pixels, this map takes {self.input_size}")
        return x @ self.weights

    def spec(self) -> dict:
        return {
            "type": IMAGE_SIGN_PROJECTION_V1,
            "channels": self.channels,
            "height": self.height,
            "width": self.width,
        }


def _pass(gamma: float, x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mean_kernel_j = (1/n)Σ_i k(x_i, z_j) and weighted_sum_j = (1/n)Σ_i k(x_i, z_j)·x_i."""
    mean_kernel = np.zeros(z.shape[0])
    weighted_sum = np.zeros(z.shape)
    for start in range(0, x.shape[0], _CHUNK_ROWS):
        chunk = x[start : start + _CHUNK_ROWS]
        kernel = _kernel(gamma, chunk, z)
        mean_kernel += kernel.sum(0)
        weighted_sum += kernel.T @ chunk
    n = x.shape[0]
    return mean_kernel / n, weighted_sum / n


def _move(z, beta, kzz, mean_kernel, weighted_sum, eta) -> np.ndarray:
    """One preconditioned gradient step of length eta on every reduced point."""
    moved = z.copy()
    near = mean_kernel > 1e-300  # no data near a point: no direction to move it in
    pull = beta[None, :] * kzz  # pull[j, b] = β_b k(z_j, z_b)
    repulsion = pull.sum(1)[:, None] * z - pull @ z
    attraction = weighted_sum[near] / mean_kernel[near, None] - z[near]
    moved[near] = z[near] + eta * (attraction + repulsion[near] / mean_kernel[near, None])
    return moved


def _objective(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> float:
    return float(w @ (0.5 * (a @ w) - b))


def solve_simplex_qp(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """min ½wᵀAw − wᵀb over the simplex (FISTA with step 1/L, L from power iteration), as SimplexQp."""
    n = b.shape[0]
    if n == 1:
        return np.ones(1)
    lipschitz = _largest_eigenvalue(a)
    if not lipschitz > 0:
        w = np.zeros(n)
        w[int(np.argmax(b))] = 1
        return w
    step = 1 / lipschitz
    w = np.full(n, 1.0 / n)
    y = w.copy()
    t = 1.0
    for _ in range(2000):
        following = _project_onto_simplex(y - step * (a @ y - b))
        t_next = (1 + math.sqrt(1 + 4 * t * t)) / 2
        delta = following - w
        y = following + (t - 1) / t_next * delta
        w = following
        t = t_next
        if float(delta @ delta) < 1e-24:
            break
    return w


def _project_onto_simplex(v: np.ndarray) -> np.ndarray:
    descending = np.sort(v)[::-1]
    candidates = (np.cumsum(descending) - 1) / np.arange(1, v.shape[0] + 1)
    stop = np.append(descending[1:] <= candidates[:-1], True)
    theta = candidates[int(np.argmax(stop))]
    return np.maximum(0, v - theta)


def _largest_eigenvalue(a: np.ndarray) -> float:
    n = a.shape[0]
    x = np.full(n, 1 / math.sqrt(n))
    eigenvalue = 0.0
    for _ in range(100):
        ax = a @ x
        norm = float(np.sqrt(ax @ ax))
        if norm == 0:
            return 0.0
        x = ax / norm
        if abs(norm - eigenvalue) <= 1e-9 * norm:
            eigenvalue = norm
            break
        eigenvalue = norm
    # headroom: power iteration approaches the largest eigenvalue from below
    return eigenvalue * 1.01


def _kmeans(x: np.ndarray, k: int, iterations: int, sample_size: int, random: SplittableRandom) -> np.ndarray:
    sample = _sample(x, sample_size, random)
    n = sample.shape[0]
    norms = (sample * sample).sum(1)
    centres = np.empty((k, sample.shape[1]))
    centres[0] = sample[random.next_int(n)]
    nearest = np.full(n, np.inf)
    for c in range(1, k):
        delta = sample - centres[c - 1]
        nearest = np.minimum(nearest, (delta * delta).sum(1))
        total = float(nearest.sum())
        target = random.next_double() * total
        over = np.nonzero(target - np.cumsum(nearest) < 0)[0]
        centres[c] = sample[over[0] if over.size else n - 1]
    assignment = np.zeros(n, dtype=np.int64)
    for iteration in range(iterations):
        distances = norms[:, None] + (centres * centres).sum(1)[None, :] - 2 * (sample @ centres.T)
        best = np.argmin(distances, axis=1)
        changed = iteration == 0 or bool((best != assignment).any())
        assignment = best
        if not changed:
            break
        counts = np.bincount(assignment, minlength=k)
        sums = np.zeros_like(centres)
        np.add.at(sums, assignment, sample)
        filled = counts > 0  # an empty cluster keeps its centre
        centres[filled] = sums[filled] / counts[filled, None]
    return centres


def _sample(x: np.ndarray, size: int, random: SplittableRandom) -> np.ndarray:
    if size >= x.shape[0]:
        return x
    # partial Fisher–Yates over row indices, as the Java library draws it
    indices = list(range(x.shape[0]))
    for i in range(size):
        j = i + random.next_int(len(indices) - i)
        indices[i], indices[j] = indices[j], indices[i]
    return x[indices[:size]]


def _herd(rkme: Rkme, count: int, random: SplittableRandom) -> np.ndarray:
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    pool_size = max(count, min(max(4 * count, 1000), 20_000))
    z, beta = rkme.z, rkme.beta
    mean = beta @ z
    spread = np.sqrt(beta @ ((z - mean) ** 2))
    cumulative = np.cumsum(beta)
    running = float(cumulative[-1])
    pool = np.empty((pool_size, z.shape[1]))
    for p in range(pool_size):
        u = random.next_double() * running
        j = 0
        while j < beta.shape[0] - 1 and cumulative[j] <= u:
            j += 1
        pool[p] = [z[j, c] + 0.5 * spread[c] * random.next_gaussian_strict() for c in range(z.shape[1])]
    target = _kernel(rkme.gamma, pool, z) @ beta
    herded = np.zeros(pool_size)
    used = np.zeros(pool_size, dtype=bool)
    out = np.empty((count, z.shape[1]))
    for t in range(count):
        score = np.where(used, -np.inf, target - herded / (t + 1))
        best = int(np.argmax(score))
        used[best] = True
        out[t] = pool[best]
        herded += _kernel(rkme.gamma, pool[best : best + 1], pool)[0]
    return out


def from_beimingwu(document: dict | str) -> Rkme:
    """Reads the learnware package's RKMETableSpecification JSON (a dict or its text)."""
    if isinstance(document, str):
        document = json.loads(document)
    return Rkme.from_dict(document)


