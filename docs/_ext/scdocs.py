"""Sphinx extension of the stochcredit docs: pages generated at build time, never by hand.

On ``builder-inited`` it writes into ``docs/_generated/``:

- ``api.rst`` and ``api/<name>.rst``: one reference page per name of ``stochcredit.__all__``
  (read at build time, so names added later appear by themselves), grouped by layer, each with
  the LaTeX of the formulas its docstrings cite by tag (``formulas.py``);
- ``cli.rst``: the ``--help`` of ``stochcredit`` and of every auto-discovered command;
- ``validation.rst``: the reference comparisons recorded by the test suite's ``agreement``
  fixture (``tests/_validation.py``), read from the JSON that ``make docs`` produces;
- ``performance.rst``: the latest ``benchmarks/results/latest.json`` written by ``make bench``;
- ``developer.inc``: a toctree entry for ``architecture.md`` when that file exists.

Directives: ``.. formula:: TAG`` (a titled formula from ``formulas.py``), ``.. sc-run::`` (run
Python at build time and show the code with its printed output), ``.. validation-table:: WORDS``
(the validation rows whose quantity contains one of the comma-separated WORDS).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import os
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import formulas
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
GEN = DOCS / "_generated"
LAYERS = ["core", "market", "dynamics", "engines", "models", "instruments", "calibration"]
LAYER_TITLES = {"core": "Core: errors and estimates", "market": "Market: curves and bootstrapping",
                "dynamics": "Dynamics: volatility and covariance models",
                "engines": "Engines", "models": "Structural credit models",
                "instruments": "Instruments: CDS, CDS options, baskets",
                "calibration": "Calibration"}


def _write(path: Path, text: str) -> None:
    """Write only when the content changes (keeps incremental builds incremental)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _title(text: str, char: str = "=") -> str:
    return f"{text}\n{char * len(text)}\n"


def _esc(text: str) -> str:
    """Plain text as inline rst (no markup)."""
    for ch in "\\|*`_":
        text = text.replace(ch, "\\" + ch)
    return text


def _table(header: list[str], rows: list[list[str]], widths: str = "auto") -> str:
    """A ``list-table`` (cells are inline rst)."""
    out = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        out.append("   * - " + (row[0] or " "))
        out += [f"     - {c or ' '}" for c in row[1:]]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- API reference
def _all_docs(obj) -> str:
    text = inspect.getdoc(obj) or ""
    if inspect.isclass(obj):
        for _, member in inspect.getmembers(obj):
            if callable(member) or isinstance(member, property):
                doc = inspect.getdoc(member) if not isinstance(member, property) else \
                    inspect.getdoc(member.fget)
                text += "\n" + (doc or "")
    return text


def _api_page(name: str, module: str, obj) -> str:
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        body = f".. autoexception:: {name}\n"
    elif inspect.isclass(obj):
        body = (f".. autoclass:: {name}\n   :members:\n   :inherited-members: object, tuple\n"
                "   :special-members: __call__\n")
    else:
        body = f".. autofunction:: {name}\n"
    page = [f".. _api-{name}:\n", _title(name), f"*Defined in* ``{module}``; "
            f"use it as ``sc.{name}`` after ``import stochcredit as sc``.\n",
            ".. currentmodule:: stochcredit\n", body]
    tags = formulas.cited(_all_docs(obj), name)
    if tags:
        page.append(_title("Formulas", "-"))
        page.append("The formulas this name implements; tags in parentheses are those its "
                    "docstrings cite (from the seeds and ``MODELS*.md``).\n")
        page += [formulas.rst(tag) for tag in tags]
    return "\n".join(page)


def generate_api() -> None:
    import stochcredit

    groups: dict[str, list[str]] = defaultdict(list)
    for name in stochcredit.__all__:
        module = stochcredit._EXPORTS[name]
        layer = module.split(".")[1]
        groups[layer if layer in LAYERS else "other"].append(name)
        obj = getattr(stochcredit, name)
        _write(GEN / "api" / f"{name}.rst", _api_page(name, module, obj))
    lines = [".. _api:\n", _title("API reference"),
             "Every public name of ``stochcredit`` (``stochcredit.__all__``, read when the "
             "documentation is built), by layer from the bottom up. Plotting helpers are in "
             ":doc:`/plotting` (``sc.plot``).\n", ".. currentmodule:: stochcredit\n"]
    for layer in [*LAYERS, "other"]:
        if not groups.get(layer):
            continue
        lines.append(_title(LAYER_TITLES.get(layer, "Other"), "-"))
        lines.append(".. autosummary::\n\n" + "".join(f"   {n}\n" for n in groups[layer]))
    lines.append(".. toctree::\n   :hidden:\n\n" + "".join(
        f"   api/{n}\n" for n in stochcredit.__all__))
    _write(GEN / "api.rst", "\n".join(lines))


# --------------------------------------------------------------------------- CLI
def generate_cli() -> None:
    from click.testing import CliRunner
    from typer.main import get_command

    from stochcredit.apps.cli.main import build_app

    command = get_command(build_app())
    runner = CliRunner()

    def help_text(args: list[str]) -> str:
        res = runner.invoke(command, [*args, "--help"], prog_name="stochcredit",
                            env={"COLUMNS": "96", "TERM": "dumb", "NO_COLOR": "1"})
        if res.exit_code != 0:
            raise ExtensionError(f"stochcredit {' '.join(args)} --help failed: {res.output}")
        return res.output

    lines = [".. _cli:\n", _title("Command line"),
             "The ``stochcredit`` command (installed with the package). This page is the "
             "``--help`` of each command, captured when the documentation is built.\n",
             ".. code-block:: text\n", textwrap.indent("$ stochcredit --help\n\n"
                                                      + help_text([]), "   ")]
    for name in sorted(command.commands):
        lines.append(_title(f"stochcredit {name}", "-"))
        lines.append(".. code-block:: text\n")
        lines.append(textwrap.indent(f"$ stochcredit {name} --help\n\n" + help_text([name]),
                                     "   "))
    _write(GEN / "cli.rst", "\n".join(lines))


# --------------------------------------------------------------------------- validation
def validation_json() -> Path:
    return Path(os.environ.get("STOCHCREDIT_VALIDATION_JSON", DOCS / "_build" /
                               "validation.json"))


def load_validation() -> list[dict]:
    path = validation_json()
    if not path.exists():  # `make docs` makes it first; a bare sphinx-build runs the tests here
        subprocess.run([sys.executable, "-m", "pytest", "-m", "validation", "-q", "-n", "0",
                        "-p", "no:cacheprovider", f"--validation-json={path}"], cwd=ROOT,
                       check=True)
    return json.loads(path.read_text(encoding="utf-8"))["records"]


def _fmt(x: float) -> str:
    return f"{x:.2g}" if x != 0 else "0"


def grouped(records: list[dict]) -> list[dict]:
    """One row per (quantity, reference, unit): cases, worst measured, its tolerance."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in records:
        groups[(r["quantity"], r["reference"], r["unit"])].append(r)
    rows = []
    for (quantity, reference, unit), rs in sorted(groups.items()):
        worst = max(rs, key=lambda r: r["measured"] / r["tolerance"])
        files = sorted({r["test"].split("::")[0] for r in rs})
        rows.append({"quantity": quantity, "reference": reference, "unit": unit,
                     "cases": len(rs), "measured": worst["measured"],
                     "tolerance": worst["tolerance"], "passed": all(r["passed"] for r in rs),
                     "files": files})
    return rows


def _validation_rows(rows: list[dict]) -> list[list[str]]:
    return [[_esc(r["quantity"]), _esc(r["reference"]), str(r["cases"]), _fmt(r["measured"]),
             _fmt(r["tolerance"]), _esc(r["unit"]), "yes" if r["passed"] else "**NO**",
             ", ".join(f"``{f}``" for f in r["files"])] for r in rows]


_RECORDS: list[dict] = []  # this build's validation records (for validation-table)

VALIDATION_HEADER = ["quantity", "reference", "cases", "worst measured", "tolerance", "unit",
                     "passed", "test"]


def generate_validation(records: list[dict]) -> None:
    rows = grouped(records)
    lines = [".. _validation:\n", _title("Validation"),
             "Each row is a comparison of our numbers with an independent reference, made by "
             "the test suite: the test computes the difference and asserts it is within the "
             "tolerance, and the ``agreement`` fixture (``tests/_validation.py``) records both. "
             "This page is generated from those records when the documentation is built "
             f"({len(records)} comparisons in {len(rows)} groups; *worst measured* is the "
             "largest difference over a group's cases, in the unit given). Rerun them with "
             "``pytest -m validation --validation-json=docs/_build/validation.json``.\n",
             _table(VALIDATION_HEADER, _validation_rows(rows), "22 18 6 8 8 12 6 20"),
             "\nMore checks run in the test suite without being recorded here (parity "
             "identities, invariants by property-based tests, closed-form limits); see "
             "``tests/``.\n"]
    _write(GEN / "validation.rst", "\n".join(lines))


class ValidationTable(SphinxDirective):
    """``.. validation-table:: word1, word2``: the validation rows whose quantity or reference
    contains one of the words (case-insensitive)."""

    required_arguments = 1
    final_argument_whitespace = True

    def run(self):
        words = [w.strip().lower() for w in self.arguments[0].split(",") if w.strip()]
        rows = [r for r in grouped(_RECORDS)
                if any(w in (r["quantity"] + " " + r["reference"]).lower() for w in words)]
        if not rows:
            raise self.error(f"no validation records match {words}")
        text = _table(VALIDATION_HEADER[:7], [row[:7] for row in _validation_rows(rows)],
                      "26 22 6 9 9 14 6")
        return self.parse_text_to_nodes(text)


# --------------------------------------------------------------------------- performance
def generate_performance() -> None:
    path = ROOT / "benchmarks" / "results" / "latest.json"
    lines = [".. _performance:\n", _title("Performance")]
    if not path.exists():
        raise ExtensionError(f"{path} is missing: run `make bench` first")
    data = json.loads(path.read_text(encoding="utf-8"))
    m = data["machine"]
    lines.append(
        f"Rendered from ``benchmarks/results/latest.json``, written by ``make bench`` "
        f"(``benchmarks/run_all.py``) on {data['date']}: {m['platform']}, Python "
        f"{m['python']}, {m['cpus']} CPUs. Each benchmark times our code and the reference "
        "library on the same inputs in the same run; *speed-up* is the reference's time over "
        "ours. Timings are wall-clock on a shared machine and vary by tens of percent from "
        "run to run; tests never assert on them.\n")
    rows = []
    for r in data["results"]:
        speed = f"{r['speedup']:.1f}x" if r.get("speedup") else ""
        met = {True: "yes", False: "**no**", None: ""}[r.get("met")]
        rows.append([_esc(r["benchmark"]), _seconds(r["ours_s"]), _esc(r.get("reference") or ""),
                     _seconds(r["reference_s"]) if r.get("reference_s") else "", speed,
                     _esc(r.get("goal", "")), met, _esc(r.get("note", ""))])
    lines.append(_table(["benchmark", "ours", "reference", "reference time", "speed-up",
                         "goal", "met", "note"], rows, "24 9 18 9 8 8 5 19"))
    lines.append(_title("Full output of each script", "-"))
    for s in data["scripts"]:
        status = "" if s["returncode"] == 0 else f" — **exit status {s['returncode']}**"
        lines.append(f"``{s['script']}`` ({s['seconds']:.0f} s){status}\n")
        lines.append(".. code-block:: text\n")
        lines.append(textwrap.indent(s["output"].rstrip() or "(no output)", "   ") + "\n")
    _write(GEN / "performance.rst", "\n".join(lines))


def _seconds(s: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s * 1e9:.3g} ns"


# --------------------------------------------------------------------------- directives
class Formula(SphinxDirective):
    """``.. formula:: TAG``: the titled formula, with the target ``formula-TAG``."""

    required_arguments = 1

    def run(self):
        tag = self.arguments[0]
        if tag not in formulas.FORMULAS:
            raise self.error(f"unknown formula tag {tag!r}")
        text = f".. _formula-{tag}:\n\n" + formulas.rst(tag)
        return self.parse_text_to_nodes(text)


class Run(SphinxDirective):
    """``.. sc-run::``: execute the Python content at build time (one namespace per page) and
    show it with what it printed. An exception fails the build."""

    has_content = True
    option_spec = {"hide-code": directives.flag}

    def run(self):
        code = "\n".join(self.content)
        namespaces = self.env.temp_data.setdefault("sc_run_ns", {})
        ns = namespaces.setdefault(self.env.docname, {"__name__": "__sc_run__"})
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"<{self.env.docname}>", "exec"), ns)  # noqa: S102
        except Exception as exc:  # noqa: BLE001 - report where, fail the build
            raise self.error(f"code failed: {type(exc).__name__}: {exc}") from exc
        result = []
        if "hide-code" not in self.options:
            block = nodes.literal_block(code, code)
            block["language"] = "python"
            result.append(block)
        text = out.getvalue().rstrip()
        if text:
            shown = nodes.literal_block(text, text)
            shown["language"] = "text"
            shown["classes"].append("sc-output")
            result.append(shown)
        return result


# --------------------------------------------------------------------------- wiring
def generate(app) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    importlib.invalidate_caches()
    generate_api()
    generate_cli()
    records = load_validation()
    _RECORDS[:] = records
    generate_validation(records)
    generate_performance()
    arch = DOCS / "architecture.md"
    _write(GEN / "developer.inc", ".. toctree::\n   :maxdepth: 1\n   :caption: Developers\n\n"
           + ("   architecture\n" if arch.exists() else "") + "   building_docs\n")


def setup(app):
    app.connect("builder-inited", generate)
    app.add_directive("formula", Formula)
    app.add_directive("sc-run", Run)
    app.add_directive("validation-table", ValidationTable)
    return {"version": "1", "parallel_read_safe": False}
