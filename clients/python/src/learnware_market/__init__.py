"""Python client of the Learnware Market: RKMEs computed locally exactly as the Java library computes them,
and the market's API (upload, search, pull, data sets, jobs) with typed errors.

    import learnware_market as lm
    market = lm.Client("http://localhost:8080")          # token from LEARNWARE_TOKEN
    rkme = lm.rkme.build(x)                               # x: n × d, the model's inputs
    market.search(statistical=rkme)["single"][0]

``learnware_market.torch`` (needs PyTorch) exports a module to TorchScript and writes the spec's input and
output from a sample batch."""

from . import errors, rkme
from .client import BlobCache, Client, PulledFile, PullResult, Ref, default_cache_directory, model_file_name
from .errors import (
    ApiError,
    BadResponse,
    ChecksumMismatch,
    Conflict,
    Forbidden,
    InvalidInput,
    JobFailed,
    LearnwareError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    Violation,
)
from .rkme import Rkme

__version__ = "0.1.0"

__all__ = [
    "ApiError",
    "BadResponse",
    "BlobCache",
    "ChecksumMismatch",
    "Client",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "JobFailed",
    "LearnwareError",
    "NotFound",
    "PullResult",
    "PulledFile",
    "RateLimited",
    "Ref",
    "Rkme",
    "ServerError",
    "Unauthorized",
    "Violation",
    "default_cache_directory",
    "errors",
    "model_file_name",
    "rkme",
]
