"""The page and document benchmarks against a throw-away PostgreSQL 15 (tests/support/pg.py).

    python bench/postgres.py [--declarations 20000] [--duration 10]

Starts a server (NOTE: tests/support/pg.py runs it with fsync=off and synchronous_commit=off, so
writes are cheaper than on a durable production server), generates the data with
bench/generate.py, runs bench/run.py and bench/documents.py, then stops the server.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.pg import TestPostgres  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--declarations", type=int, default=20000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    parser.add_argument("--documents-only", action="store_true")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = TestPostgres()
    server.start()
    try:
        url = server.create_database("bench")
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--database-url",
                        url, "--declarations", str(args.declarations)], check=True)
        pages = subprocess.CompletedProcess([], 0)
        if not args.documents_only:
            pages = subprocess.run([
                sys.executable, str(ROOT / "bench" / "run.py"), "--database-url", url,
                "--duration", str(args.duration),
                "--label", f"PostgreSQL, {args.declarations} declarations",
                "--output", str(out / "pages-postgresql.md"),
                "--json", str(out / "pages-postgresql.json")])
        docs = subprocess.run([sys.executable, str(ROOT / "bench" / "documents.py"),
                               "--database-url", url,
                               "--output", str(out / "documents-postgresql.md")])
        return pages.returncode or docs.returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
