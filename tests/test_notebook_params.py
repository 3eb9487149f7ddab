"""A notebook runs on another corpus folder when its parameters are injected papermill-style."""

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
RAW = ROOT / "data" / "raw"
# v2019 text with blanks for zeros, v2021 crawled text, a Shanghai HTML page, and a pre-2019 report that is refused
SMALL = [
    "ankang-natural-resources-2020.txt",
    "pingtan-2021.txt",
    "shanghai-gov-office-2019.html",
    "pingtan-2018.txt",
]
FIGURES_01 = ["01-reports-by-year-and-template", "01-check-findings", "01-cell-kinds-by-table"]


@pytest.fixture(scope="module")
def executed_01(tmp_path_factory):
    """Notebook 01 executed on a folder of four real reports, with corpus and figures in a temporary folder."""
    tmp = tmp_path_factory.mktemp("nb01")
    reports = tmp / "reports"
    reports.mkdir()
    for name in SMALL:
        shutil.copy2(RAW / name, reports / name)
    parameters = {
        "reports_dir": str(reports),
        "corpus_dir": str(tmp / "corpus"),
        "figures_dir": str(tmp / "figures"),
        "lang": "en",
    }
    papermill.execute_notebook(
        NOTEBOOKS / "01-data-quality-and-coverage.ipynb",
        tmp / "01-executed.ipynb",
        parameters=parameters,
        cwd=str(NOTEBOOKS),
        kernel_name="python3",
        progress_bar=False,
        execution_timeout=600,
    )
    return tmp


def test_injected_parameters_follow_the_parameters_cell_and_every_cell_ran(executed_01):
    executed = nbformat.read(executed_01 / "01-executed.ipynb", as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in executed.cells]
    position = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[position + 1]
    assert not any(
        output.get("output_type") == "error" for cell in executed.cells for output in cell.get("outputs", [])
    )


def test_corpus_is_built_in_the_given_folder(executed_01):
    reports = pd.read_csv(executed_01 / "corpus" / "reports.csv", encoding="utf-8-sig", keep_default_na=False)
    assert sorted(reports.file) == sorted(SMALL)
    assert (reports.error != "").sum() == 1  # the pre-2019 report


@pytest.mark.parametrize("name", FIGURES_01)
def test_figures_are_written_to_the_given_folder(executed_01, name):
    for suffix in ("png", "svg", "csv"):
        assert (executed_01 / "figures" / f"{name}.{suffix}").stat().st_size > 0


def test_figure_data_come_from_the_small_folder(executed_01):
    plotted = pd.read_csv(
        executed_01 / "figures" / "01-reports-by-year-and-template.csv", encoding="utf-8-sig"
    )
    assert plotted.groupby("year").reports.sum().to_dict() == {2019: 1, 2020: 1, 2021: 1}
    assert set(plotted.template) == {"v2019", "v2021"}
