"""environment.yml lists exactly the dependencies pyproject.toml declares (runtime and test)."""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    pip = {ln.strip()[2:] for ln in lines if ln.startswith("      - ") and ln.strip() != "- -e ."}
    assert pip == declared, (sorted(declared - pip), sorted(pip - declared))
