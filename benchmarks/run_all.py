"""Run every ``benchmarks/bench_*.py`` in turn (each prints our timings beside the references')."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

here = Path(__file__).parent
failed = []
for script in sorted(here.glob("bench_*.py")):
    print(f"\n=== {script.name} ===", flush=True)
    if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
        failed.append(script.name)
if failed:
    print("\nfailed: " + ", ".join(failed))
    sys.exit(1)
