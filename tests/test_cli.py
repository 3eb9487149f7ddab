"""The `disclosure` command: read, check and build on real reports."""

from __future__ import annotations

import json

from disclosure_utils.cli import main

from .conftest import reports_dir


def test_read_json(capsys):
    assert main(["read", str(reports_dir() / "ankang-natural-resources-2020.txt"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["meta"]["agency"] == "安康市自然资源局" and len(out["cells"]) == 198
    amount = [c for c in out["cells"] if c["row"] == "central_procurement" and c["column"] == "amount_yuan"]
    assert amount[0]["value"] == 2_090_000 and amount[0]["raw"] == "209万"


def test_read_csv_and_table(capsys):
    assert main(["read", str(reports_dir() / "pingtan-hzs-2023-web.html"), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "table,row,column,value,kind,raw,source" and len(lines) == 201
    assert main(["read", str(reports_dir() / "pingtan-hzs-2023-web.html")]) == 0
    assert "平潭综合实验区行政审批局" in capsys.readouterr().out


def test_read_refused_report_exits_2_with_reason(capsys):
    assert main(["read", str(reports_dir() / "pingtan-2018.txt")]) == 2
    assert "pre-2019" in capsys.readouterr().err


def test_check_prints_the_seed_errors(capsys):
    assert main(["check", str(reports_dir() / "ankang-natural-resources-2020.txt")]) == 0
    out = capsys.readouterr().out
    assert out.count(" error ") == 3 and "T4_SUM" in out and "org_legal_services" in out


def test_build_lists_refusals(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("ankang-natural-resources-2020.txt", "pingtan-2018.txt"):
        (folder / name).write_bytes((reports_dir() / name).read_bytes())
    assert main(["build", str(folder), "-o", str(tmp_path / "out"), "-j", "1", "-q"]) == 0
    out = capsys.readouterr().out
    assert "1 read" in out and "1 refused" in out and "pre-2019" in out
    assert (tmp_path / "out" / "cells.parquet").exists() and (tmp_path / "out" / "reports.csv").exists()


def test_build_from_a_missing_folder_exits_2_naming_it(tmp_path, capsys):
    assert main(["build", str(tmp_path / "no-such-folder"), "-o", str(tmp_path / "out"), "-q"]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'no-such-folder'}: no such folder or file\n"


def test_build_lets_another_missing_file_surface_as_an_internal_error(tmp_path, monkeypatch):
    """Only the folder named missing is reported as such; any other FileNotFoundError is not hidden."""
    import pytest

    from disclosure_utils import corpus

    def lost(*args, **kwargs):
        raise FileNotFoundError("a file vanished mid-build")

    monkeypatch.setattr(corpus, "build_corpus", lost)
    with pytest.raises(FileNotFoundError, match="vanished"):
        main(["build", str(tmp_path), "-o", str(tmp_path / "out"), "-q"])
