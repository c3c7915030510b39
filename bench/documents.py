"""Time and peak memory of the generated documents at national scale.

    python bench/documents.py --database-url sqlite:////tmp/bench/smplatform.sqlite3

Each document is produced through its real route (Flask test client, signed in as the bench
accounts of bench/generate.py) in a fresh subprocess, so that the peak resident memory
(getrusage ru_maxrss) is that document's alone; tracemalloc's peak of Python allocations
during a second, identical request is reported too (the time is the first's, without it).
Documents: one declaration's PDF (the longest narrative of unit 440000), the provincial
Annex 2 workbook of 440000, the national export of every declaration.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = os.environ.get("SMPLATFORM_BENCH_PASSWORD", "Bench-Password-2023")

DOCUMENTS = {
    "declaration PDF (longest narrative, 440000)": ("bench-ministry", "pdf"),
    "provincial Annex 2 XLSX (440000)": ("bench-province", "/province/summary.xlsx"),
    "national declarations XLSX export (all)": ("bench-ministry",
                                                "/ministry/declarations/export.xlsx"),
}


def _child(url: str, name: str) -> dict:
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import Text, cast, func, select

    from smplatform import create_app
    from smplatform.extensions import db
    from smplatform.models import Declaration, DeclarationContent
    import tempfile
    from pathlib import Path

    from smplatform.documents.signing import create_demo_certificate
    keys = Path(tempfile.mkdtemp(prefix="bench-signing-"))
    create_demo_certificate(keys / "key.pem", keys / "cert.pem")
    app = create_app({"CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SIGNING_KEY_PATH": str(keys / "key.pem"),
                      "SIGNING_CERT_PATH": str(keys / "cert.pem")})
    user, path = DOCUMENTS[name]
    with app.app_context():
        if path == "pdf":
            longest = db.session.execute(
                select(Declaration.id).join(DeclarationContent)
                .where(Declaration.unit_code == "440000", Declaration.state != "draft")
                .order_by(func.length(cast(DeclarationContent.data, Text)).desc())
                .limit(1)).scalar_one()
            path = f"/ministry/declarations/{longest}/pdf"
    client = app.test_client()
    response = client.post("/account/sign-in", data={"username": user, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    seconds = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # A second time under tracemalloc (slower), for the peak of Python allocations.
    tracemalloc.start()
    client.get(path).get_data()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"name": name, "path": path, "status": response.status_code, "bytes": len(body),
            "seconds": seconds, "tracemalloc_peak_mb": peak / 2**20,
            "maxrss_mb": maxrss / 1024,
            "maxrss_before_mb": before / 1024}


def run(url: str) -> list[dict]:
    results = []
    for name in DOCUMENTS:
        out = subprocess.run([sys.executable, __file__, "--database-url", url, "--child", name],
                             capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def render(results: list[dict]) -> str:
    lines = ["| document | status | size | time s | peak RSS MB (before request) | "
             "tracemalloc peak MB |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['name']} | {r['status']} | {r['bytes'] / 1024:.0f} KB | "
                     f"{r['seconds']:.2f} | {r['maxrss_mb']:.0f} ({r['maxrss_before_mb']:.0f}) | "
                     f"{r['tracemalloc_peak_mb']:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--output")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.database_url, args.child)))
        return 0
    results = run(args.database_url)
    report = render(results)
    if args.output:
        Path(args.output).write_text(report)
    print(report)
    return 0 if all(r["status"] == 200 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
