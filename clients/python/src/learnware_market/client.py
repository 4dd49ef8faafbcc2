"""A client of the Learnware Market's HTTP API (/api/v1), mirroring the ``learnware`` command line."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import errors
from .rkme import Rkme

API = "/api/v1"
DEFAULT_SERVER = "http://localhost:8080"
SPEC_FILE = "spec.json"
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,254}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_JOB_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FINISHED = {"SUCCEEDED", "FAILED", "CANCELLED"}
_BUFFER = 1 << 16
_MAX_ERROR_BODY = 1 << 16

Transfer = Callable[[str, int, int], None]
"""Hears bytes moving: the name (``owner/name`` for uploads, the file for downloads), bytes so far, total."""


@dataclass(frozen=True)
class Ref:
    """``owner/name[@ref]``; ref is a version number, an alias or ``latest``."""

    owner: str
    name: str
    version: str = "latest"

    @staticmethod
    def parse(text: "str | Ref") -> "Ref":
        if isinstance(text, Ref):
            return text
        key, at, version = text.partition("@")
        owner, slash, name = key.partition("/")
        if not slash or not owner or not name or "/" in name or (at and not version):
            raise ValueError(f"'{text}' is not owner/name or owner/name@ref")
        return Ref(owner, name, version or "latest")

    @property
    def key(self) -> str:
        return f"{_quote(self.owner)}/{_quote(self.name)}"

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}@{self.version}"


@dataclass(frozen=True)
class PulledFile:
    role: str  # spec, model or file
    path: Path
    sha256: str
    size: int
    cached: bool  # copied from the cache rather than downloaded


@dataclass(frozen=True)
class PullResult:
    ref: Ref  # with the version number the pull resolved
    directory: Path
    files: list[PulledFile]


def default_cache_directory() -> Path:
    """``$LEARNWARE_CACHE``, else ``$XDG_CACHE_HOME/learnware``, else ``~/.cache/learnware``: the same cache
    as the Java command line's, with the same layout (``blobs/<sha256>``)."""
    explicit = os.environ.get("LEARNWARE_CACHE", "").strip()
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "learnware"
    return Path.home() / ".cache" / "learnware"


class BlobCache:
    """Downloaded artifacts by SHA-256 under ``<dir>/blobs/<sha256>``. Entries are only added complete and
    verified; a copy out of the cache hashes the bytes again, so a damaged entry is dropped, not handed on."""

    def __init__(self, directory: str | os.PathLike) -> None:
        self.blobs = Path(directory) / "blobs"

    def find(self, sha256: str) -> Path | None:
        blob = self.blobs / sha256
        return blob if blob.is_file() else None

    def new_partial(self):
        self.blobs.mkdir(parents=True, exist_ok=True)
        return tempfile.NamedTemporaryFile(dir=self.blobs, prefix=".partial-", delete=False)

    def add(self, partial: Path, sha256: str) -> Path:
        blob = self.blobs / sha256
        os.replace(partial, blob)
        return blob

    def copy_verified(self, blob: Path, sha256: str, target: Path) -> bool:
        """Copies an entry to ``target`` atomically; False (entry removed, target untouched) if the entry no
        longer hashes to ``sha256``."""
        digest = hashlib.sha256()
        temporary = _temporary_for(target)
        try:
            with open(blob, "rb") as source, open(temporary, "wb") as out:
                for chunk in iter(lambda: source.read(_BUFFER), b""):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256:
                blob.unlink(missing_ok=True)
                return False
            os.replace(temporary, target)
            return True
        finally:
            temporary.unlink(missing_ok=True)


class Client:
    """The market at ``server`` (default ``$LEARNWARE_SERVER``, else http://localhost:8080), as the user of
    ``token`` (default ``$LEARNWARE_TOKEN``; reads of public learnwares need none).

    Every method raises :class:`errors.ApiError` (a subclass by status) with the market's problem details
    when the market refuses, :class:`errors.BadResponse` for an answer that is not what the API promises,
    and ``OSError`` when the market cannot be reached."""

    def __init__(
        self,
        server: str | None = None,
        token: str | None = None,
        *,
        cache: str | os.PathLike | None = None,
        timeout: float = 60,
    ) -> None:
        server = server or os.environ.get("LEARNWARE_SERVER") or DEFAULT_SERVER
        parsed = urllib.parse.urlsplit(server)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"'{server}' is not an http(s) URL")
        self.server = server.rstrip("/")
        self._scheme = parsed.scheme
        self._host = parsed.hostname
        self._port = parsed.port
        self._prefix = parsed.path.rstrip("/")
        self.token = token if token is not None else (os.environ.get("LEARNWARE_TOKEN") or None)
        self.cache = BlobCache(cache if cache is not None else default_cache_directory())
        self.timeout = timeout

    # ---- learnwares -------------------------------------------------------------------------------

    def upload(
        self,
        ref: str | Ref,
        *,
        spec: dict | str | os.PathLike,
        model: str | os.PathLike,
        files: list[str | os.PathLike] = (),
        statistical: Rkme | dict | None = None,
        visibility: str | None = None,
        progress: Transfer | None = None,
    ) -> dict:
        """Uploads a new version of ``owner/name``: the specification (a dict or a JSON file), the model and
        extra files (a feature extractor, …) under their own names. ``statistical`` (an :class:`Rkme` or its
        document) replaces the spec's ``statistical`` member. Returns the market's answer,
        ``{owner, name, version, sha256, state: PENDING, visibility}``."""
        ref = Ref.parse(ref)
        if isinstance(spec, dict):
            document = dict(spec)
        else:
            with open(spec, encoding="utf-8") as f:
                document = json.load(f)
        if statistical is not None:
            document["statistical"] = statistical
        if isinstance(document.get("statistical"), Rkme):
            document["statistical"] = document["statistical"].to_dict()
        form = _Multipart()
        form.add_bytes("spec", SPEC_FILE, json.dumps(document).encode(), "application/json")
        form.add_file("model", Path(model))
        for file in files:
            form.add_file("file", Path(file))
        query = ""
        if visibility is not None:
            if visibility not in ("public", "private"):
                raise ValueError(f"visibility must be public or private, got '{visibility}'")
            query = "?visibility=" + visibility
        path = f"{API}/learnwares/{ref.key}/versions{query}"
        return self._json(
            "POST", path, body=form.stream(f"{ref.owner}/{ref.name}", progress), headers=form.headers()
        )

    def show(self, ref: str | Ref) -> dict:
        """``GET …/versions/{ref}``: state, artifacts (with their SHA-256), spec, lineage, reports."""
        return self._json("GET", _version_path(Ref.parse(ref)))

    def wait_usable(self, ref: str | Ref, timeout: float = 300, poll: float = 0.5) -> dict:
        """Reads the version until the market has checked it: returns it once USABLE; raises
        :class:`errors.LearnwareError` with the validation log if it is INVALID, ``TimeoutError`` after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            version = self.show(ref)
            if version.get("state") == "USABLE":
                return version
            if version.get("state") == "INVALID":
                raise errors.LearnwareError(f"{version.get('learnware', ref)} is INVALID: {version.get('validationLog')}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{ref} is still {version.get('state')} after {timeout:g} s")
            time.sleep(poll)

    def learnware(self, ref: str | Ref) -> dict:
        """``GET /learnwares/{owner}/{name}``: the learnware and its versions."""
        return self._json("GET", f"{API}/learnwares/{Ref.parse(ref).key}")

    def spec(self, ref: str | Ref) -> dict:
        """The specification document of a version."""
        return self._json("GET", _version_path(Ref.parse(ref)) + "/spec")

    def statistical(self, ref: str | Ref) -> Rkme:
        """A version's statistical specification (its RKME)."""
        return Rkme.from_dict(self.spec(ref)["statistical"])

    def statistical_beimingwu(self, ref: str | Ref) -> dict:
        """A version's RKME in the learnware package's RKMETableSpecification JSON, as the market writes it
        (``GET …/spec/statistical?format=beimingwu``): save it to a file and ``load()`` it there."""
        return self._json("GET", _version_path(Ref.parse(ref)) + "/spec/statistical?format=beimingwu")

    def search(
        self,
        q: str | None = None,
        *,
        statistical: Rkme | dict | str | os.PathLike | None = None,
        data_type: str | None = None,
        task: str | None = None,
        license: str | None = None,
        tags: list[str] | None = None,
        owner: str | None = None,
        input: dict | None = None,
        output: dict | None = None,
        robustness: dict | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> dict:
        """``POST /search``: filters, full text ``q``, and ranking by an RKME of your data (an :class:`Rkme`,
        its document, or a JSON file; the learnware package's RKMETableSpecification JSON works too).
        Returns ``{single: [{learnware, title, score, mmd, …}], mixture?: {items: [{learnware, weight}],
        mmd, score}, total}``."""
        body: dict = {}
        if q is not None:
            body["q"] = q
        filters = {
            key: value
            for key, value in (
                ("dataType", data_type),
                ("task", task),
                ("license", license),
                ("tags", list(tags) if tags else None),
                ("owner", owner),
                ("input", input),
                ("output", output),
                ("robustness", robustness),
            )
            if value is not None
        }
        if filters:
            body["filters"] = filters
        if statistical is not None:
            body["statistical"] = _statistical_document(statistical)
        if limit is not None:
            body["limit"] = limit
        if offset is not None:
            body["offset"] = offset
        return self._json("POST", f"{API}/search", body=json.dumps(body).encode(), headers=_JSON)

    def pull(
        self, ref: str | Ref, directory: str | os.PathLike, *, progress: Transfer | None = None
    ) -> PullResult:
        """Downloads a version into ``directory``, the layout an upload starts from: ``spec.json``, the model
        (``model.pt``, ``model.onnx``, ``model.params`` or ``ensemble.json`` by format) and every extra file.
        Each artifact's SHA-256 is checked against the one the market lists (a mismatch raises
        :class:`errors.ChecksumMismatch` and keeps nothing); artifacts already in the cache are copied from
        there. Files are replaced atomically."""
        ref = Ref.parse(ref)
        version = self.show(ref)
        model = version.get("model")
        if not model or version.get("spec") is None:
            raise errors.BadResponse(f"{self.server}{_version_path(ref)}: the answer lacks the model or the spec")
        # Versions are immutable and aliases move: fetch everything from the number resolved here.
        exact = Ref(ref.owner, ref.name, str(version["version"]))
        path = _version_path(exact)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        model_name = model_file_name(model.get("format"))
        names = {SPEC_FILE, model_name}
        extra = version.get("files") or []
        for file in extra:
            filename = file.get("filename")
            if not filename or not _FILE_NAME.fullmatch(filename):
                raise errors.BadResponse(f"{self.server}{path}: unsafe file name '{filename}'")
            if filename in names:
                raise errors.LearnwareError(f"{exact} has two artifacts named {filename}")
            names.add(filename)
        spec_bytes = json.dumps(version["spec"], indent=2).encode()
        spec_file = directory / SPEC_FILE
        _write_atomically(spec_file, spec_bytes)
        pulled = [PulledFile("spec", spec_file, hashlib.sha256(spec_bytes).hexdigest(), len(spec_bytes), False)]
        pulled.append(self._fetch(path + "/artifact", model, directory / model_name, "model", progress))
        for file in extra:
            pulled.append(
                self._fetch(f"{path}/files/{_quote(file['filename'])}", file, directory / file["filename"], "file", progress)
            )
        return PullResult(exact, directory, pulled)

    def pull_beimingwu(self, ref: str | Ref, target: str | os.PathLike) -> Path:
        """Downloads a version as a Beimingwu learnware zip (``GET …/download?format=beimingwu``:
        ``learnware.yaml``, a model class with fit/predict/finetune, the RKME and the semantic spec under
        Beimingwu's keys; docs/rkme.md) to ``target``, atomically. TorchScript and ONNX models only (else
        :class:`errors.Conflict`)."""
        path = _version_path(Ref.parse(ref)) + "/download?format=beimingwu"
        response = self._send("GET", path, accept="application/zip, application/problem+json")
        try:
            if response.status != 200:
                raise self._problem(response)
            target = Path(target)
            temporary = _temporary_for(target)
            try:
                with open(temporary, "wb") as out:
                    for chunk in iter(lambda: response.read(_BUFFER), b""):
                        out.write(chunk)
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
            return target
        finally:
            response.close()

    def delete(self, ref: str | Ref) -> None:
        """Deletes a version (``owner/name@N``) or, without a version, the learnware."""
        ref = Ref.parse(ref)
        path = f"{API}/learnwares/{ref.key}" + ("" if ref.version == "latest" else f"/versions/{_quote(ref.version)}")
        self._no_content("DELETE", path)

    # ---- data sets --------------------------------------------------------------------------------

    def upload_dataset(
        self,
        ref: str | Ref,
        data: str | os.PathLike,
        labels: str | os.PathLike | None = None,
        *,
        progress: Transfer | None = None,
    ) -> dict:
        """``POST /datasets/{owner}/{name}``: a CSV with a header (a ``label`` column gives the labels) or IDX
        images with optional IDX labels, for jobs. Returns ``{dataset, format, dataSha256, dataSize, …}``."""
        ref = Ref.parse(ref)
        form = _Multipart()
        form.add_file("data", Path(data))
        if labels is not None:
            form.add_file("labels", Path(labels))
        return self._json(
            "POST",
            f"{API}/datasets/{ref.key}",
            body=form.stream(f"{ref.owner}/{ref.name}", progress),
            headers=form.headers(),
        )

    def dataset(self, ref: str | Ref) -> dict:
        return self._json("GET", f"{API}/datasets/{Ref.parse(ref).key}")

    # ---- jobs -------------------------------------------------------------------------------------

    def request_job(
        self,
        type: str,
        source: str | Ref,
        *,
        dataset: str | None = None,
        params: dict | None = None,
        target: str | None = None,
        visibility: str | None = None,
    ) -> dict:
        """``POST /jobs``: ``validate``, ``distill``, ``transfer``, ``evaluate``, ``robustness`` or ``reuse`` on
        ``source`` (``owner/name[@ref]``); the answer is the job, QUEUED. See docs/jobs.md for params."""
        body = {"type": type, "source": str(Ref.parse(source))}
        for key, value in (("dataset", dataset), ("params", params), ("target", target), ("visibility", visibility)):
            if value is not None:
                body[key] = value
        return self._json("POST", f"{API}/jobs", body=json.dumps(body).encode(), headers=_JSON)

    def job(self, job_id: str) -> dict:
        return self._json("GET", _job_path(job_id))

    def jobs(self) -> list[dict]:
        """The caller's jobs, newest first."""
        return self._json("GET", f"{API}/jobs")

    def cancel(self, job_id: str) -> dict:
        return self._json("POST", _job_path(job_id) + "/cancel", body=b"", headers=_JSON)

    def events(self, job_id: str) -> Iterator[dict]:
        """The job's states as its event stream (``GET /jobs/{id}/events``, server-sent events) carries them,
        until it finishes; a stream that ends early (a proxy's idle timeout, an instance restarting) is
        opened again."""
        while True:
            last = None
            for last in self._event_stream(job_id):
                yield last
                if last.get("state") in _FINISHED:
                    return
            now = self.job(job_id)
            if now.get("state") in _FINISHED:
                yield now
                return
            time.sleep(1)

    def follow(self, job_id: str, on_event: Callable[[dict], None] | None = None, *, check: bool = True) -> dict:
        """Follows a job until it finishes, calling ``on_event`` with each state; returns the finished job.
        With ``check``, a job that ends FAILED or CANCELLED raises :class:`errors.JobFailed`."""
        last = None
        for last in self.events(job_id):
            if on_event is not None:
                on_event(last)
        if check and last.get("state") != "SUCCEEDED":
            raise errors.JobFailed(last)
        return last

    # ---- account ----------------------------------------------------------------------------------

    def me(self) -> dict:
        """``GET /me``: the token's user and roles."""
        return self._json("GET", f"{API}/me")

    # ---- plumbing ---------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self._scheme == "https":
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _send(self, method: str, path: str, body=None, headers: dict | None = None, accept: str = "application/json, application/problem+json"):
        all_headers = {"Accept": accept, "User-Agent": "learnware-market-python"}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        connection = self._connection()
        url = self.server + path
        try:
            connection.request(method, self._prefix + path, body=body, headers=all_headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as e:
            connection.close()
            raise ConnectionError(f"{method} {url}: {e or type(e).__name__}") from e
        response.url = url
        return response

    def _json(self, method: str, path: str, body=None, headers: dict | None = None):
        response = self._send(method, path, body, headers)
        try:
            if response.status >= 300:
                raise self._problem(response)
            try:
                return json.loads(response.read())
            except ValueError as e:
                raise errors.BadResponse(f"{response.url}: the answer is not the JSON the API describes: {e}") from e
        finally:
            response.close()

    def _no_content(self, method: str, path: str) -> None:
        response = self._send(method, path)
        try:
            if response.status >= 300:
                raise self._problem(response)
        finally:
            response.close()

    @staticmethod
    def _problem(response) -> errors.ApiError:
        status = response.status
        body = response.read(_MAX_ERROR_BODY)
        kind = errors.for_status(status)
        if "json" in (response.getheader("Content-Type") or ""):
            try:
                problem = json.loads(body)
                violations = [
                    errors.Violation(v.get("pointer", ""), v.get("message", ""))
                    for v in problem.get("violations") or []
                ]
                return kind(
                    status,
                    problem.get("title"),
                    problem.get("detail"),
                    problem.get("type"),
                    violations,
                    response.url,
                )
            except (ValueError, AttributeError):
                pass  # not a problem document after all: describe it like any other body
        text = body.decode("utf-8", "replace").strip()
        detail = text.splitlines()[0] if text else ""
        if len(detail) > 200:
            detail = detail[:200] + "…"
        return kind(status, None, detail, None, [], response.url)

    def _event_stream(self, job_id: str) -> Iterator[dict]:
        response = self._send("GET", _job_path(job_id) + "/events", accept="text/event-stream")
        try:
            if response.status != 200:
                raise self._problem(response)
            data: list[str] = []
            while True:
                try:
                    raw = response.readline()
                except OSError:
                    return  # the stream broke: the caller asks for the job's state and opens it again
                if not raw:
                    return
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:].lstrip())
                elif not line and data:
                    text = "\n".join(data)
                    data = []
                    try:
                        yield json.loads(text)
                    except ValueError as e:
                        raise errors.BadResponse(
                            f"{response.url}: an event is not the job JSON the API describes: {e}"
                        ) from e
        finally:
            response.close()

    def _fetch(self, path: str, artifact: dict, target: Path, role: str, progress: Transfer | None) -> PulledFile:
        sha256 = artifact.get("sha256") or ""
        size = int(artifact.get("size") or 0)
        if not _SHA256.fullmatch(sha256):
            raise errors.BadResponse(f"{self.server}{path}: the listed SHA-256 '{sha256}' is not 64 hexadecimal digits")
        cached = self.cache.find(sha256)
        if cached is not None and self.cache.copy_verified(cached, sha256, target):
            return PulledFile(role, target, sha256, size, True)
        blob = self._download(path, sha256, size, target.name, progress)
        temporary = _temporary_for(target)
        try:
            shutil.copyfile(blob, temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return PulledFile(role, target, sha256, size, False)

    def _download(self, path: str, sha256: str, size: int, name: str, progress: Transfer | None) -> Path:
        response = self._send("GET", path, accept="application/octet-stream, application/problem+json")
        try:
            if response.status != 200:
                raise self._problem(response)
            etag = _unquote(response.getheader("ETag"))
            if etag is not None and etag != sha256:
                raise errors.BadResponse(f"{response.url}: the ETag {etag} differs from the listed SHA-256 {sha256}")
            total = int(response.getheader("Content-Length") or size)
            digest = hashlib.sha256()
            partial = self.cache.new_partial()
            try:
                with partial:
                    received = 0
                    try:
                        for chunk in iter(lambda: response.read(_BUFFER), b""):
                            digest.update(chunk)
                            partial.write(chunk)
                            received += len(chunk)
                            if progress is not None:
                                progress(name, received, total)
                    except (OSError, http.client.HTTPException) as e:
                        raise ConnectionError(f"{response.url}: the download broke off: {e}") from e
                actual = digest.hexdigest()
                if actual != sha256:
                    raise errors.ChecksumMismatch(response.url, sha256, actual)
                return self.cache.add(Path(partial.name), sha256)
            finally:
                Path(partial.name).unlink(missing_ok=True)
        finally:
            response.close()


def model_file_name(format: str | None) -> str:
    """The file name a pull writes a model of ``format`` under."""
    return {
        "torchscript": "model.pt",
        "onnx": "model.onnx",
        "djl": "model.params",
        "ensemble": "ensemble.json",
    }.get(format or "", "model.bin")


_JSON = {"Content-Type": "application/json"}


def _quote(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")


def _version_path(ref: Ref) -> str:
    return f"{API}/learnwares/{ref.key}/versions/{_quote(ref.version)}"


def _job_path(job_id: str) -> str:
    if not _JOB_ID.fullmatch(job_id):
        raise ValueError(f"'{job_id}' is not a job id (a UUID)")
    return f"{API}/jobs/{job_id}"


def _statistical_document(statistical) -> dict:
    if isinstance(statistical, Rkme):
        return statistical.to_dict()
    if isinstance(statistical, dict):
        return statistical
    with open(statistical, encoding="utf-8") as f:
        return json.load(f)


def _unquote(etag: str | None) -> str | None:
    if etag is None:
        return None
    value = etag[2:] if etag.startswith("W/") else etag
    return value[1:-1] if len(value) >= 2 and value[0] == '"' and value[-1] == '"' else value


def _temporary_for(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = _temporary_for(target)
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


class _Multipart:
    """A multipart/form-data body (RFC 7578) whose file parts stream from disk as it is sent, with its length
    known in advance (so the market can refuse an oversized upload before it starts)."""

    def __init__(self) -> None:
        self.boundary = "learnware-" + secrets.token_hex(16)
        self.parts: list[tuple[bytes, bytes | Path]] = []

    def _header(self, name: str, filename: str, content_type: str) -> bytes:
        quoted = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()

    def add_file(self, name: str, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        self.parts.append((self._header(name, path.name, "application/octet-stream"), path))

    def add_bytes(self, name: str, filename: str, data: bytes, content_type: str) -> None:
        self.parts.append((self._header(name, filename, content_type), data))

    def _length(self) -> int:
        total = len(f"--{self.boundary}--\r\n")
        for header, content in self.parts:
            total += len(header) + (content.stat().st_size if isinstance(content, Path) else len(content)) + 2
        return total

    def headers(self) -> dict:
        return {
            "Content-Type": f"multipart/form-data; boundary={self.boundary}",
            "Content-Length": str(self._length()),
        }

    def stream(self, label: str, progress: Transfer | None) -> Iterator[bytes]:
        total = self._length()
        sent = 0

        def chunks() -> Iterator[bytes]:
            for header, content in self.parts:
                yield header
                if isinstance(content, Path):
                    with open(content, "rb") as f:
                        yield from iter(lambda: f.read(_BUFFER), b"")
                else:
                    yield content
                yield b"\r\n"
            yield f"--{self.boundary}--\r\n".encode()

        for chunk in chunks():
            yield chunk
            sent += len(chunk)
            if progress is not None:
                progress(label, sent, total)
