"""A throw-away S3-compatible server for the tests: moto's server mode (PyPI `moto[server]`),
on 127.0.0.1 at a free port, started per test run (and per xdist worker) and stopped after.
Each test that uses it gets a bucket of its own (`bucket()`)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ACCESS_KEY = "smplatform-test"
SECRET_KEY = "smplatform-test-secret"  # noqa: S105  (a local throw-away server)
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestS3Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="smplatform-s3-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> TestS3Server:
        env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                   AWS_DEFAULT_REGION=REGION)
        out = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        out.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("moto server exited:\n" + self.log.read_text()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/moto-api/", timeout=1):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not answer:\n" + self.log.read_text()[-2000:])

    def config(self, bucket: str) -> dict:
        """The app settings that put uploads in `bucket` on this server."""
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": self.url, "S3_BUCKET": bucket,
                "S3_REGION": REGION, "S3_ACCESS_KEY_ID": ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": SECRET_KEY, "S3_PREFIX": "uploads/",
                "S3_ADDRESSING_STYLE": "path"}

    def client(self):
        import boto3
        return boto3.session.Session().client(
            "s3", endpoint_url=self.url, region_name=REGION, aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY)

    def bucket(self) -> str:
        """A new, empty bucket."""
        name = f"smplatform-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        self.log.unlink(missing_ok=True)
