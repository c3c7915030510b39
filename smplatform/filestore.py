"""Where the bytes of uploaded files live: one interface, two backends, chosen by settings.

- `LocalStore` (STORAGE_BACKEND = "local", the embedded default): files under UPLOAD_DIR as
  `<aa>/<bb>/<key>`, written to a temporary name and renamed into place.
- `S3Store` (STORAGE_BACKEND = "s3"): objects `<S3_PREFIX><aa>/<bb>/<key>` in S3_BUCKET of any
  S3-compatible store (MinIO, the Chinese clouds' object storage), through boto3; multipart
  uploads for large files, streamed reads, presigned GET URLs.

Both are wrapped in an `EncryptedStore`, which the rest of the platform uses: with
ENCRYPT_UPLOADS on it encrypts what it stores (SM4-GCM in chunks, under the key ring's current
data key: crypto.encrypt_file), and whatever the setting it decrypts what was stored encrypted
and passes on files stored in the clear (before the setting was turned on).

Both take the key that services/storage.py chose (random, never user input) and know nothing
of the database: the rows, the content checks and the permission checks stay in
services/storage.py. An upload is always first written to a local staging file in UPLOAD_DIR
(`.upload-*`): its content is checked there (a PDF needs random access), then `put_file` moves
it into the store.
"""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app

CHUNK = 1024 * 1024
PARTIAL_PREFIX = ".upload-"


@dataclass(frozen=True)
class Entry:
    """A stored file as the store lists it: its key, its name in the store (`aa/bb/key`),
    size and last change (epoch seconds)."""

    key: str
    name: str
    size: int
    modified: float


@dataclass(frozen=True)
class Partial:
    """An interrupted upload: a staging file left by a killed worker (`where` "local") or an
    unfinished multipart upload in the object store (`where` "s3")."""

    name: str
    modified: float
    where: str


def _layout(key: str) -> str:
    if not key or "/" in key or key.startswith("."):
        raise ValueError(f"not a storage key: {key!r}")
    return f"{key[:2]}/{key[2:4]}/{key}"


class LocalStore:
    """Files in a local directory (or a volume shared by every node)."""

    name = "local"
    can_presign = False

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / _layout(key)

    def staging_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root

    def put_file(self, key: str, staged: Path, content_type: str) -> None:
        """Move a checked staging file into place (a rename: readers never see half)."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, final)

    def put_stream(self, key: str, stream: BinaryIO, content_type: str) -> None:
        """Write `stream` to a temporary file, then rename it into place."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=self.staging_dir())
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        """The file for reading (FileNotFoundError when it is not stored)."""
        return self.path(key).open("rb")

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def entries(self) -> Iterator[Entry]:
        if not self.root.exists():
            return
        for path in self.root.rglob("*"):
            if path.name.startswith(PARTIAL_PREFIX) or not path.is_file():
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            yield Entry(path.name, str(path.relative_to(self.root)), stat.st_size,
                        stat.st_mtime)

    def partials(self) -> Iterator[Partial]:
        yield from staging_partials(self.root)

    def remove_partial(self, partial: Partial) -> None:
        remove_staging_partial(self.root, partial)

    def describe(self) -> str:
        return str(self.root)


def staging_partials(root: Path) -> Iterator[Partial]:
    """Staging files (`.upload-*`) left in `root` by interrupted uploads."""
    if not root.exists():
        return
    for path in root.rglob(PARTIAL_PREFIX + "*"):
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:
            continue
        yield Partial(str(path.relative_to(root)), modified, "local")


def remove_staging_partial(root: Path, partial: Partial) -> None:
    (root / partial.name).unlink(missing_ok=True)


class S3Store:
    """Objects in an S3-compatible bucket (boto3). Thread-safe; one client per process."""

    name = "s3"
    can_presign = True

    def __init__(self, *, bucket: str, staging: str | Path, endpoint_url: str | None = None,
                 region: str | None = None, prefix: str = "", access_key_id: str | None = None,
                 secret_access_key: str | None = None, addressing_style: str = "auto",
                 public_endpoint_url: str | None = None):
        if not bucket:
            raise RuntimeError("STORAGE_BACKEND is s3 but S3_BUCKET is not set")
        self.bucket = bucket
        self.prefix = prefix
        self.staging = Path(staging)
        self._settings = dict(endpoint_url=endpoint_url or None, region_name=region or None,
                              aws_access_key_id=access_key_id or None,
                              aws_secret_access_key=secret_access_key or None)
        self._addressing_style = addressing_style
        self._public_endpoint_url = public_endpoint_url or None
        self._clients: dict[tuple[int, str | None], object] = {}
        self._lock = threading.Lock()

    def _client(self, endpoint_url: str | None = None):
        """boto3's client for this process (a client's connections must not cross a fork)."""
        key = (os.getpid(), endpoint_url)
        client = self._clients.get(key)
        if client is None:
            import boto3
            from botocore.config import Config
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    settings = dict(self._settings)
                    if endpoint_url:
                        settings["endpoint_url"] = endpoint_url
                    client = boto3.session.Session().client(
                        "s3", config=Config(
                            signature_version="s3v4", connect_timeout=5, read_timeout=60,
                            retries={"max_attempts": 3, "mode": "standard"},
                            max_pool_connections=20,
                            s3={"addressing_style": self._addressing_style}),
                        **settings)
                    self._clients[key] = client
        return client

    @property
    def client(self):
        return self._client()

    def object_name(self, key: str) -> str:
        return self.prefix + _layout(key)

    def staging_dir(self) -> Path:
        self.staging.mkdir(parents=True, exist_ok=True)
        return self.staging

    def put_file(self, key: str, staged: Path, content_type: str) -> None:
        """Upload a checked staging file (multipart above 8 MB), then remove it. The object
        appears whole or not at all."""
        try:
            self.client.upload_file(str(staged), self.bucket, self.object_name(key),
                                    ExtraArgs={"ContentType": content_type})
        finally:
            Path(staged).unlink(missing_ok=True)

    def put_stream(self, key: str, stream: BinaryIO, content_type: str) -> None:
        self.client.upload_fileobj(stream, self.bucket, self.object_name(key),
                                   ExtraArgs={"ContentType": content_type})

    def open(self, key: str) -> BinaryIO:
        """The object's body as a stream (FileNotFoundError when it is not stored)."""
        from botocore.exceptions import ClientError
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_name(key))
        except ClientError as error:
            if _not_found(error):
                raise FileNotFoundError(key) from error
            raise
        return answer["Body"]

    def size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.object_name(key))
        except ClientError as error:
            if _not_found(error):
                return None
            raise
        return answer["ContentLength"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))

    def entries(self) -> Iterator[Entry]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                name = item["Key"][len(self.prefix):]
                yield Entry(name.rsplit("/", 1)[-1], name, item["Size"],
                            item["LastModified"].timestamp())

    def partials(self) -> Iterator[Partial]:
        """Staging files on this node, and multipart uploads that were never completed."""
        yield from staging_partials(self.staging)
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for upload in page.get("Uploads", ()):
                yield Partial(f"{upload['Key']}?uploadId={upload['UploadId']}",
                              upload["Initiated"].timestamp(), "s3")

    def remove_partial(self, partial: Partial) -> None:
        if partial.where == "local":
            remove_staging_partial(self.staging, partial)
            return
        name, upload_id = partial.name.split("?uploadId=", 1)
        self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)

    def presigned_url(self, key: str, *, content_type: str, disposition: str,
                      seconds: int) -> str:
        """A GET URL valid for `seconds` whose answer carries `disposition` (attachment and
        file name), the detected content type, and is not cached."""
        return self._client(self._public_endpoint_url).generate_presigned_url(
            "get_object", ExpiresIn=int(seconds),
            Params={"Bucket": self.bucket, "Key": self.object_name(key),
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": disposition,
                    "ResponseCacheControl": "private, no-store"})

    def describe(self) -> str:
        endpoint = self._settings["endpoint_url"] or "default endpoint"
        return f"s3://{self.bucket}/{self.prefix} ({endpoint})"


class _Chunks:
    """A read-only stream over an iterator of byte chunks (closing it closes `source`)."""

    def __init__(self, chunks: Iterator[bytes], source: BinaryIO | None = None,
                 head: bytes = b""):
        self._chunks = chunks
        self._source = source
        self._buffer = bytearray(head)
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size is None or size < 0 or len(self._buffer) < size):
            piece = next(self._chunks, None)
            if piece is None:
                self._done = True
            else:
                self._buffer += piece
        if size is None or size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if self._source is not None:
            self._source.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class EncryptedStore:
    """A store (`raw`) whose files are encrypted at rest when `encrypt` is on (ENCRYPT_UPLOADS).

    `put_file` and `put_stream` return the data key id the file was encrypted under (None:
    stored as it came); `open` gives the plaintext of either kind of file (and raises
    crypto.DecryptionError, while reading, on a file that was altered). Everything else (sizes,
    listings, deletion, the path of a local file, presigned URLs) is the raw store's: sizes
    there are the stored (encrypted) ones, crypto.encrypted_file_size tells them.
    """

    def __init__(self, raw: Store, keys, *, encrypt: bool):
        self.raw = raw
        self.keys = keys
        self.encrypt = encrypt

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def _sealed(self, stream: BinaryIO, key: str) -> tuple[str, Iterator[bytes]]:
        """(the data key id, the encrypted file's pieces) of `stream` stored under `key`."""
        from smplatform import crypto
        pieces = crypto.encrypt_file(self.keys, stream, key)
        header = next(pieces)
        return crypto.file_key_id(header), itertools.chain([header], pieces)

    def put_file(self, key: str, staged: Path, content_type: str, *,
                 encrypt: bool | None = None) -> str | None:
        """Move a checked staging file into the store, encrypted first (into a second
        staging file, the plaintext one removed) when `encrypt` (default: the setting)."""
        if not (self.encrypt if encrypt is None else encrypt):
            self.raw.put_file(key, staged, content_type)
            return None
        fd, sealed = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=self.raw.staging_dir())
        try:
            with Path(staged).open("rb") as source, os.fdopen(fd, "wb") as out:
                key_id, pieces = self._sealed(source, key)
                for piece in pieces:
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            Path(staged).unlink(missing_ok=True)
            self.raw.put_file(key, Path(sealed), content_type)
        except BaseException:
            Path(sealed).unlink(missing_ok=True)
            raise
        return key_id

    def put_stream(self, key: str, stream: BinaryIO, content_type: str, *,
                   encrypt: bool | None = None) -> str | None:
        if not (self.encrypt if encrypt is None else encrypt):
            self.raw.put_stream(key, stream, content_type)
            return None
        key_id, pieces = self._sealed(stream, key)
        self.raw.put_stream(key, _Chunks(pieces), content_type)
        return key_id

    def open(self, key: str) -> BinaryIO:
        """The file's plaintext as a stream (FileNotFoundError when it is not stored)."""
        from smplatform import crypto
        body = self.raw.open(key)
        try:
            head = crypto._read_exact(body, len(crypto.FILE_MAGIC))
        except BaseException:
            body.close()
            raise
        if head != crypto.FILE_MAGIC:
            return _Chunks(iter(lambda: body.read(CHUNK), b""), body, head)
        return _Chunks(crypto.decrypt_file(self.keys, body, key), body)


def _not_found(error) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


Store = LocalStore | S3Store
BACKENDS = ("local", "s3")


def build(config, backend: str | None = None) -> EncryptedStore:
    """The store `backend` (default: STORAGE_BACKEND) as the settings in `config` describe,
    encrypting with the application's key ring when ENCRYPT_UPLOADS is on."""
    return EncryptedStore(build_raw(config, backend),
                          current_app.extensions["smplatform.keys"],
                          encrypt=bool(config["ENCRYPT_UPLOADS"]))


def build_raw(config, backend: str | None = None) -> Store:
    """The store `backend` itself, without encryption."""
    backend = backend or config["STORAGE_BACKEND"]
    if backend == "local":
        return LocalStore(config["UPLOAD_DIR"])
    if backend == "s3":
        return S3Store(bucket=config["S3_BUCKET"], staging=config["UPLOAD_DIR"],
                       endpoint_url=config["S3_ENDPOINT_URL"], region=config["S3_REGION"],
                       prefix=config["S3_PREFIX"], access_key_id=config["S3_ACCESS_KEY_ID"],
                       secret_access_key=config["S3_SECRET_ACCESS_KEY"],
                       addressing_style=config["S3_ADDRESSING_STYLE"],
                       public_endpoint_url=config["S3_PUBLIC_ENDPOINT_URL"])
    raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def store() -> EncryptedStore:
    """The application's store, built once per application and settings (tests change them)."""
    app: Flask = current_app._get_current_object()
    config = app.config
    signature = (config["STORAGE_BACKEND"], config["UPLOAD_DIR"], config["S3_BUCKET"],
                 config["S3_ENDPOINT_URL"], config["S3_PREFIX"], bool(config["ENCRYPT_UPLOADS"]),
                 id(app.extensions.get("smplatform.keys")))
    kept = app.extensions.get("smplatform.filestore")
    if kept is None or kept[0] != signature:
        kept = (signature, build(config))
        app.extensions["smplatform.filestore"] = kept
    return kept[1]
