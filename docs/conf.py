"""Sphinx configuration of the stochcredit documentation (``make docs``).

Why Sphinx (and not MkDocs + mkdocstrings): the docstrings are numpydoc, which Sphinx renders
natively (numpydoc extension); the user guide's figures are produced by running the pages'
code at build time with matplotlib's own ``plot`` directive, which is a Sphinx extension;
maths is LaTeX through MathJax; and the generated pages (API from ``stochcredit.__all__``, CLI
from ``--help``, validation from the test suite, performance from ``make bench``) are a small
Sphinx extension in ``_ext/scdocs.py``. ``make docs`` builds with ``-W`` (warnings are errors).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent / "src"))  # document this tree, installed or not
sys.path.insert(0, str(DOCS / "_ext"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import stochcredit  # noqa: E402

project = "stochcredit"
author = "stochcredit developers"
copyright = "the stochcredit developers"  # noqa: A001
version = release = stochcredit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "myst_parser",
    "scdocs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

html_theme = "furo"
html_title = f"stochcredit {version}"
html_static_path: list[str] = []

# API reference: pages are written by scdocs; autosummary only makes the summary tables
autosummary_generate = False
autodoc_typehints = "none"           # numpydoc's Parameters sections carry the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False  # members are documented by autodoc's :members:
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# figures of the user guide: code runs at build time
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\nimport stochcredit as sc\n"
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 90)]
plot_rcparams = {"figure.figsize": (6.4, 3.8), "font.size": 9}
plot_apply_rcparams = True

myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # architecture.md (core10) may start below level 1
