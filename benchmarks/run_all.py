"""Run every ``benchmarks/bench_*.py`` in turn (each prints our timings beside the references').

Also writes ``benchmarks/results/latest.json`` (or ``--output``): the machine, the date, each
script's printed output and exit status, and the headline rows the scripts ``record`` — the
documentation's performance page renders it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

here = Path(__file__).parent
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--output", type=Path, default=here / "results" / "latest.json")
parser.add_argument("-k", default="", help="run only the scripts whose name contains this")
args = parser.parse_args()

failed, scripts = [], []
with tempfile.TemporaryDirectory() as tmp:
    jsonl = Path(tmp) / "records.jsonl"
    env = {**os.environ, "STOCHCREDIT_BENCH_JSONL": str(jsonl)}
    for script in sorted(here.glob("bench_*.py")):
        if args.k not in script.name:
            continue
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], check=False, env=env,
                              capture_output=True, text=True)
        print(proc.stdout, end="", flush=True)
        print(proc.stderr, end="", file=sys.stderr, flush=True)
        scripts.append({"script": script.name, "returncode": proc.returncode,
                        "seconds": round(time.perf_counter() - start, 1), "output": proc.stdout})
        if proc.returncode != 0:
            failed.append(script.name)
    rows = ([json.loads(line) for line in jsonl.read_text().splitlines() if line]
            if jsonl.exists() else [])

try:
    import numpy

    import stochcredit
    versions = {"stochcredit": stochcredit.__version__, "numpy": numpy.__version__}
except ImportError:  # pragma: no cover - the benchmarks need them anyway
    versions = {}
result = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
          "machine": {"platform": platform.platform(), "python": platform.python_version(),
                      "cpus": os.cpu_count(), "processor": platform.processor()},
          "versions": versions, "results": rows, "scripts": scripts}
args.output.parent.mkdir(parents=True, exist_ok=True)
args.output.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
print(f"\nresults written to {args.output}")
if failed:
    print("\nfailed: " + ", ".join(failed))
    sys.exit(1)
