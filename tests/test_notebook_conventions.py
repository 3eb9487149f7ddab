"""Every committed notebook follows the notebook conventions; the checker itself is tested on built notebooks."""

import ast
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAME = re.compile(r"^(\d{2})-[a-z0-9-]+\.ipynb$")
FORBIDDEN = {
    "sys.path": re.compile(r"\bsys\.path\b"),
    "%autoreload": re.compile(r"%autoreload"),
    "datetime.now(": re.compile(r"\bdatetime\.now\("),
    "an absolute path": re.compile(r"(?<![\w.~-])/(?:work|home|root)\b|\b[A-Za-z]:\\"),
    "savefig (use du.save_figure)": re.compile(r"\.savefig\("),
}
MAKES_FIGURE = re.compile(
    r"\bplt\.(?:subplots|figure|subplot_mosaic)\(|\bsns\.(?:catplot|relplot|displot|lmplot)\("
)
SAVES_FIGURE = re.compile(r"\b(?:du|figures)\.save_figure\(")


def python_source(cell) -> str:
    """A code cell's source without IPython magics and shell escapes, ready for `ast.parse`."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines()
    )


def is_literal(node: ast.expr | None) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError):
        return False
    return node is not None


def parameter_problems(cell) -> list[str]:
    """Statements of the parameters cell that are not `name = literal` or `name: type = literal`."""
    problems = []
    for node in ast.parse(python_source(cell)).body:
        if isinstance(node, ast.Assign):
            names = all(isinstance(target, ast.Name) for target in node.targets)
        else:
            names = isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        if not (names and is_literal(node.value)):
            problems.append(f"parameters cell line {node.lineno} is not a literal assignment")
    return problems


def figure_names(tree: ast.AST) -> list[str]:
    """Literal figure names passed to `save_figure(fig, name, ...)`."""
    return [
        node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "save_figure"
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ]


def problems(nb, filename: str) -> list[str]:
    """Every way `nb` (saved as `filename`) departs from the notebook conventions."""
    found = []
    name = NAME.match(filename)
    if not name:
        found.append(f"name {filename!r} does not match {NAME.pattern}")
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        found.append(f"invalid notebook: {error.message}")
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown" or not cells[0].source.lstrip().startswith("# "):
        found.append("first cell is not a markdown title ('# ...')")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        found.append("kernelspec name is not python3")
    tagged = [index for index, cell in enumerate(cells) if "parameters" in cell.metadata.get("tags", [])]
    if len(tagged) != 1 or cells[tagged[0]].cell_type != "code":
        found.append(f"{len(tagged)} cells tagged 'parameters'; expected exactly one code cell")
    asserts = 0
    for index, cell in enumerate(cells):
        for what, pattern in FORBIDDEN.items():
            if pattern.search(cell.source):
                found.append(f"cell {index} contains {what}")
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            found.append(f"cell {index} has saved outputs or an execution count")
        try:
            tree = ast.parse(python_source(cell))
        except SyntaxError as error:
            found.append(f"cell {index} does not parse: {error.msg}")
            continue
        if index in tagged:
            found.extend(parameter_problems(cell))
        asserts += sum(isinstance(node, ast.Assert) for node in ast.walk(tree))
        if len(MAKES_FIGURE.findall(cell.source)) > len(SAVES_FIGURE.findall(cell.source)):
            found.append(f"cell {index} makes a figure without saving it through du.save_figure")
        prefix = f"{name.group(1)}-" if name else ""
        for figure in figure_names(tree):
            if not figure.startswith(prefix):
                found.append(f"cell {index} saves figure {figure!r} without prefix {prefix}")
    if not asserts:
        found.append("no assert in any code cell")
    return found


def committed_notebooks() -> list:
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no notebooks/*.ipynb committed yet"))]
    return [pytest.param(path, id=path.name) for path in paths]


@pytest.mark.parametrize("path", committed_notebooks())
def test_notebook_follows_conventions(path):
    assert problems(nbformat.read(path, as_version=4), path.name) == []


def conforming_notebook():
    new_code, new_markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown("# How often are requests denied?\n\n**Question:** … **Data:** … **Outputs:** …"),
        new_code(
            'corpus_dir: str = "../data/raw"  # reports to read\nlang = "zh"\nyears = (2019, 2024)\nseed: int = -1',
            metadata={"tags": ["parameters"]},
        ),
        new_code(
            "%matplotlib inline\nimport matplotlib.pyplot as plt\nimport disclosure_utils as du\ndu.set_theme(lang)"
        ),
        new_markdown("Requests per year."),
        new_code(
            "fig, ax = plt.subplots(figsize=(7, 4))\nax.plot([1, 2])\n"
            'du.save_figure(fig, "03-requests-per-year", data=None)\nplt.show()'
        ),
        new_code("total = 3\nassert total == 3, total"),
    ]
    return nb


def test_checker_accepts_a_conforming_notebook(tmp_path):
    path = tmp_path / "03-how-often-are-requests-denied.ipynb"
    nbformat.write(conforming_notebook(), path)
    assert problems(nbformat.read(path, as_version=4), path.name) == []


def break_parameters_derived(nb):
    nb.cells[1].source += "\nlast_year = years[1]"


def break_parameters_call(nb):
    nb.cells[1].source += '\nroot = Path("..")'


def break_outputs(nb):
    nb.cells[5].execution_count = 4
    nb.cells[5].outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok\n")]


def break_title(nb):
    nb.cells[0] = nbformat.v4.new_markdown_cell("Some notes")


def break_tags(nb):
    nb.cells[2].metadata["tags"] = ["parameters"]


def break_kernel(nb):
    nb.metadata["kernelspec"]["name"] = "conda-env-du-py"


def break_sys_path(nb):
    nb.cells[2].source = "import sys\nsys.path.insert(0, '..')\n" + nb.cells[2].source


def break_autoreload(nb):
    nb.cells[2].source = "%load_ext autoreload\n%autoreload 2\n" + nb.cells[2].source


def break_clock(nb):
    nb.cells[5].source += "\nfrom datetime import datetime\nstamp = datetime.now()"


# Absolute paths of nobody's machine, joined here so that no tracked file spells one out.
POSIX_PATH = "/".join(("", "home", "alice", "reports"))
WINDOWS_PATH = "\\".join(("C:", "Users", "me", "reports"))


def break_absolute_path(nb):
    nb.cells[1].source = nb.cells[1].source.replace('"../data/raw"', f'"{POSIX_PATH}"')


def break_windows_path(nb):
    nb.cells[3].source = f"Reports are in {WINDOWS_PATH}."


def break_savefig(nb):
    nb.cells[4].source = nb.cells[4].source.replace("du.save_figure(fig,", "plt.savefig(")


def break_unsaved_figure(nb):
    nb.cells[5].source += "\nfig2, ax2 = plt.subplots(figsize=(7, 4))"


def break_figure_prefix(nb):
    nb.cells[4].source = nb.cells[4].source.replace("03-requests", "04-requests")


def break_no_assert(nb):
    nb.cells[5].source = "total = 3  # assert nothing"


def break_syntax(nb):
    nb.cells[5].source += "\nif total"


VIOLATIONS = [
    ("parameters cell line 5 is not a literal assignment", break_parameters_derived),
    ("parameters cell line 5 is not a literal assignment", break_parameters_call),
    ("cell 5 has saved outputs or an execution count", break_outputs),
    ("first cell is not a markdown title", break_title),
    ("2 cells tagged 'parameters'", break_tags),
    ("kernelspec name is not python3", break_kernel),
    ("cell 2 contains sys.path", break_sys_path),
    ("cell 2 contains %autoreload", break_autoreload),
    ("cell 5 contains datetime.now(", break_clock),
    ("cell 1 contains an absolute path", break_absolute_path),
    ("cell 3 contains an absolute path", break_windows_path),
    ("cell 4 contains savefig", break_savefig),
    ("cell 5 makes a figure without saving it", break_unsaved_figure),
    ("cell 4 saves figure '04-requests-per-year' without prefix 03-", break_figure_prefix),
    ("no assert in any code cell", break_no_assert),
    ("cell 5 does not parse", break_syntax),
]


@pytest.mark.parametrize(("message", "breaks"), VIOLATIONS, ids=[breaks.__name__ for _, breaks in VIOLATIONS])
def test_checker_reports_each_violation(message, breaks):
    nb = conforming_notebook()
    breaks(nb)
    found = problems(nb, "03-how-often-are-requests-denied.ipynb")
    assert any(problem.startswith(message) for problem in found), found


@pytest.mark.parametrize(
    "filename", ["3-denials.ipynb", "03_denials.ipynb", "03-Denials.ipynb", "denials-final.ipynb"]
)
def test_checker_reports_bad_names(filename):
    found = problems(conforming_notebook(), filename)
    assert found == [f"name {filename!r} does not match {NAME.pattern}"]
