"""A throw-away PostgreSQL server for the test run (as Indico does).

Started with the Debian server binaries in a temporary directory, on a free port, as the
`postgres` system user when the tests run as root (PostgreSQL refuses to run as root).
SMPLATFORM_TEST_PG_URL points the tests at an existing server instead.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("SMPLATFORM_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestPostgres:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="smplatform-pg-"))
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def start(self) -> str:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL server binaries not found in {PG_BIN}")
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                        "-c max_connections=200", "start")
        for _ in range(50):
            if self._run(str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port),
                         check=False).returncode == 0:
                break
            time.sleep(0.1)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self, name: str) -> str:
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                  "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
