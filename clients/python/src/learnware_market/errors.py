"""Errors of the client. A refusal by the market carries its RFC 9457 problem document."""

from __future__ import annotations

from dataclasses import dataclass


class LearnwareError(Exception):
    """Base of every error this package raises on purpose."""


@dataclass(frozen=True)
class Violation:
    """One reason an input was refused: where (a JSON Pointer into the offending document or form part)
    and why."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


class ApiError(LearnwareError):
    """The market answered with an error status; ``status``, ``type``, ``title``, ``detail`` and
    ``violations`` are its problem document's (``title`` is None when the body was not one, say an HTML
    page from a proxy; ``detail`` then holds the body's first line)."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        type: str | None = None,
        violations: list[Violation] | None = None,
        url: str | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.violations = list(violations or [])
        self.url = url
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"{self.title or 'HTTP error'} (HTTP {self.status})"
        if self.detail:
            head += f": {self.detail}"
        return "\n  ".join([head] + [str(v) for v in self.violations])

    @property
    def pointers(self) -> list[str]:
        return [v.pointer for v in self.violations]


class InvalidInput(ApiError):
    """400, 413, 415, 422: fix the request (the violations name what is wrong)."""


class Unauthorized(ApiError):
    """401: no token, or a token the market does not know."""


class Forbidden(ApiError):
    """403: the token lacks a scope or a role, or the namespace is not yours."""


class NotFound(ApiError):
    """404: no such learnware, version, job or data set (or a private one you may not read)."""


class Conflict(ApiError):
    """409: the state does not allow it (a name taken, a finished job cancelled)."""


class RateLimited(ApiError):
    """429: too many requests; retry later."""


class ServerError(ApiError):
    """5xx: the market failed; report it to its operator."""


def for_status(status: int):
    if status in (401,):
        return Unauthorized
    if status == 403:
        return Forbidden
    if status == 404:
        return NotFound
    if status == 409:
        return Conflict
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    if 400 <= status < 500:
        return InvalidInput
    return ApiError


class BadResponse(LearnwareError):
    """The answer is not what the API promises."""


class ChecksumMismatch(BadResponse):
    """Downloaded (or cached) bytes do not hash to the SHA-256 the market announced; they were dropped."""

    def __init__(self, source: str, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"{source}: the downloaded bytes have SHA-256 {actual}, the market announced {expected}")


class JobFailed(LearnwareError):
    """A followed job ended FAILED or CANCELLED; ``job`` is its last state (``job['error']`` says why)."""

    def __init__(self, job: dict) -> None:
        self.job = job
        super().__init__(f"job {job.get('id')} {job.get('state')}: {job.get('error') or job.get('message') or ''}".rstrip(": "))
