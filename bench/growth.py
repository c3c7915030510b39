"""Growth: the same pages at 200 and at 20,000 declarations (target: ≤ 1.5× slower).

    python bench/growth.py [--dir /tmp/smplatform-growth] [--duration 10] [--reuse]

Generates both sizes into separate SQLite files with bench/generate.py (kept with --reuse),
runs bench/run.py against each, and writes one table: requests per second at each size and
the slowdown ratio (req/s at 200 ÷ req/s at 20,000; also the median latency ratio).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (200, 20000)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default="/tmp/smplatform-growth")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="keep existing database files")
    parser.add_argument("--output", default=str(ROOT / "bench" / "out" / "growth.md"))
    parser.add_argument("--pages", nargs="*")
    args = parser.parse_args(argv)
    results, inprocess = {}, {}
    for size in SIZES:
        folder = Path(args.dir) / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        db_file = folder / "smplatform.sqlite3"
        url = f"sqlite:///{db_file}"
        if not (args.reuse and db_file.exists()):
            db_file.unlink(missing_ok=True)
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"),
                            "--database-url", url, "--declarations", str(size)], check=True)
        out = folder / "pages.json"
        cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--database-url", url,
               "--duration", str(args.duration), "--label", f"{size} declarations",
               "--output", str(folder / "pages.md"), "--json", str(out)]
        if args.pages:
            cmd += ["--pages", *args.pages]
        subprocess.run(cmd, check=False)
        results[size] = {r["name"]: r for r in json.loads(out.read_text())}
        # The same pages in-process (no HTTP, no load generator): CPU cost per request, far
        # less sensitive than req/s to what else the machine is doing.
        costs = folder / "inprocess.json"
        subprocess.run([sys.executable, str(ROOT / "bench" / "inprocess.py"), "--database-url",
                        url, "-n", "200", "--json", str(costs)], check=False,
                       stdout=subprocess.DEVNULL)
        inprocess[size] = json.loads(costs.read_text()) if costs.exists() else {}
    small, large = (results[s] for s in SIZES)
    lines = ["# Growth: 200 → 20,000 declarations (SQLite)", "",
             "| page | req/s @200 | req/s @20,000 | slowdown (req/s) | median ms @200 | "
             "median ms @20,000 | median ratio | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    worst = 0.0
    for name, a in small.items():
        b = large.get(name)
        if b is None:
            continue
        slowdown = a["rps"] / b["rps"] if b["rps"] else float("inf")
        median = b["p50_ms"] / a["p50_ms"] if a["p50_ms"] else float("inf")
        if not name.startswith("baseline"):
            worst = max(worst, slowdown)
        lines.append(f"| {name} | {a['rps']:.0f} | {b['rps']:.0f} | {slowdown:.2f} | "
                     f"{a['p50_ms']:.1f} | {b['p50_ms']:.1f} | {median:.2f} | "
                     f"{a['errors'] + b['errors']} |")
    lines += ["", f"Worst slowdown: {worst:.2f} (target ≤ 1.5).", "",
              "In-process cost (ms per request, bench/inprocess.py, 200 requests per page):", "",
              "| page | ms @200 | ms @20,000 | ratio |", "| --- | ---: | ---: | ---: |"]
    worst_cost = 0.0
    for name, a in inprocess.get(SIZES[0], {}).items():
        b = inprocess.get(SIZES[1], {}).get(name)
        if b is None:
            continue
        worst_cost = max(worst_cost, b / a)
        lines.append(f"| {name} | {a:.2f} | {b:.2f} | {b / a:.2f} |")
    lines += ["", f"Worst in-process ratio: {worst_cost:.2f} (target ≤ 1.5)."]
    report = "\n".join(lines) + "\n"
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
