"""Corpus build over the bundled real reports and over broken files; load_corpus."""

from __future__ import annotations

import filecmp
import multiprocessing
import os
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest

from disclosure_utils import corpus
from disclosure_utils.corpus import SUFFIXES, TABLE_NAMES, build_corpus, load_corpus, summary, unit_key

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
PRE2019 = {"pingtan-2018.txt", "pingtan-hzs-2017.txt", "pingtan-nyn-2016.txt", "pingtan-scj-2018.txt",
           "pingtan-zhz-2018.txt"}
TITLE_ONLY = "pingtan-gaj-2020.txt"
OUTPUTS = [f"{n}.{ext}" for n in TABLE_NAMES for ext in ("parquet", "csv")]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundled")
    return out, build_corpus(RAW, out, jobs=2, progress=False)


def _same_bytes(a: Path, b: Path) -> list[str]:
    return [n for n in OUTPUTS if not filecmp.cmp(a / n, b / n, shallow=False)]


def test_bundled_corpus_refuses_pre2019_and_title_only_and_reads_the_rest(bundled):
    _, reports = bundled
    files = sorted(p.name for p in RAW.iterdir() if p.suffix in SUFFIXES)
    assert list(reports.file) == files  # manifest.csv skipped, file order
    error = reports.set_index("file").error
    assert set(error[error != ""].index) == PRE2019 | {TITLE_ONLY}
    assert error[sorted(PRE2019)].str.startswith("pre-2019").all()
    assert error[TITLE_ONLY].startswith("no report tables")
    read = reports[reports.error == ""]
    assert (read.n_cells > 0).all() and read.year.notna().all() and (read.agency != "").all()
    text = summary(reports)
    assert text.startswith(f"{len(files)} files: {len(files) - 6} read, 6 refused.")
    assert "5 × pre-2019 report format" in text and f"1 × no report tables: {TITLE_ONLY}" in text


def test_bundled_report_rows(bundled):
    _, reports = bundled
    seed = reports.set_index("file").loc["ankang-natural-resources-2020.txt"]
    assert (seed.agency, seed.year, seed.template, seed.format) == ("安康市自然资源局", 2020, "v2019", "text")
    assert (seed.n_cells, seed.n_errors) == (198, 3)  # the seed's three printed inconsistencies
    assert seed.report_id == seed.sha256[:16] and len(seed.sha256) == 64
    assert reports.report_id.is_unique


def test_units_link_years_and_duplicates_are_flagged(bundled):
    _, reports = bundled
    by_file = reports.set_index("file")
    zrz = by_file.loc[["pingtan-zrz-2019.txt", "pingtan-zrz-2020.txt", "pingtan-zrz-2021.txt"]]
    assert zrz.unit_key.nunique() == 1 and zrz.unit_key.iloc[0] == "平潭综合实验区自然资源与生态环境局"
    # the .txt and the web page of one report: same unit and year, the later file in file order is flagged
    for stem in ("pingtan-zrz-2020", "pingtan-hzs-2023", "pingtan-nyn-2023"):
        web, txt = by_file.loc[f"{stem}-web.html"], by_file.loc[f"{stem}.txt"]
        assert (txt.duplicate_of, txt.duplicate_kind) == (web.report_id, "same_unit_year")
        assert web.duplicate_of == ""
    assert set(reports.duplicate_kind) == {"", "same_unit_year"}
    assert unit_key(" 平潭综合实验区（自然资源）局\u3000") == "平潭综合实验区自然资源局"


def test_cross_year_findings_belong_to_the_later_report(bundled):
    out, reports = bundled
    corpus = load_corpus(out)
    xyear = corpus.findings[corpus.findings.check.str.endswith("_XYEAR")]
    assert len(xyear) > 0
    year = reports.set_index("report_id").year
    later = xyear.message.str.extract(r"^(\d{4})→(\d{4})").astype(int)
    assert (later[1].to_numpy() == year[xyear.report_id].to_numpy()).all()
    assert (later[1] - later[0] == 1).all()
    # series checks see only the first report of a unit-year
    flagged = reports[reports.duplicate_kind != ""].report_id
    assert not xyear.report_id.isin(flagged).any()


def test_load_corpus_codes_and_labels(bundled):
    out, reports = bundled
    corpus = load_corpus(out)
    cells = corpus.cells
    assert list(cells.table.cat.categories[:3]) == ["proactive", "requests", "review_litigation"]
    assert cells.row.cat.ordered and cells.row.cat.categories[0] == "rules"
    seed = reports.set_index("file").report_id["ankang-natural-resources-2020.txt"]
    cell = cells[(cells.report_id == seed) & (cells.table == "requests") & (cells.row == "new_received")
                 & (cells.column == "org_legal_services")].iloc[0]
    assert cell.value == 4 and cell.kind == "number"
    assert (cell.row_zh, cell.column_en) == ("一、本年新收政府信息公开申请数量", "Legal service providers")
    assert set(cells.report_id) <= set(reports.report_id)
    described = corpus.codebook[corpus.codebook.entry == "column"].groupby("table").code.agg(list)
    for name in TABLE_NAMES:
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert described[name] == list(frame.columns)
    assert (corpus.codebook[corpus.codebook.entry == "column"].description != "").all()


def test_csv_is_utf8_with_bom_and_matches_parquet(bundled):
    out, _ = bundled
    assert (out / "cells.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(out / "cells.csv", encoding="utf-8-sig", dtype={"raw": str}, keep_default_na=False,
                      na_values={"value": [""]})
    parquet = pd.read_parquet(out / "cells.parquet")
    assert len(csv) == len(parquet)
    pd.testing.assert_series_equal(csv.value, parquet.value, check_names=False)
    assert list(csv.row) == list(parquet.row)


def test_rebuild_from_cache_is_byte_identical_and_unchanged_rebuild_touches_nothing(bundled, tmp_path):
    out, reports = bundled
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copytree(out / ".cache", copy / ".cache")
    assert build_corpus(RAW, copy, jobs=2, progress=False).equals(reports)  # assembled from the cache
    assert _same_bytes(out, copy) == []
    before = {n: (copy / n).stat().st_mtime_ns for n in OUTPUTS}
    assert build_corpus(RAW, copy, jobs=2, progress=False).equals(reports)
    assert {n: (copy / n).stat().st_mtime_ns for n in OUTPUTS} == before


@pytest.fixture
def broken(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.pdf").write_bytes(random.Random(6).randbytes(4096))
    shanghai = (RAW / "shanghai-gov-office-2019.html").read_bytes()
    (folder / "sub" / "truncated.html").write_bytes(shanghai[: len(shanghai) // 2])  # cut inside table 三
    shutil.copy(RAW / "ankang-natural-resources-2020.txt", folder / "sub")
    (folder / "manifest.csv").write_text("file\n")
    (folder / "sub" / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))  # Word 97–2003
    return folder


def test_broken_files_never_stop_the_build(broken, tmp_path):
    reports = build_corpus(broken, tmp_path / "out", jobs=2, progress=False)
    rows = reports.set_index("file")
    assert list(rows.index) == ["empty.txt", "noise.pdf", "sub/ankang-natural-resources-2020.txt",
                                "sub/legacy.doc", "sub/truncated.html"]
    assert rows.error["sub/legacy.doc"].startswith("an OLE compound file (a legacy .doc or .wps")
    assert rows.error["empty.txt"] == "the file is empty"
    assert rows.error["noise.pdf"] != "" and not rows.error["noise.pdf"].startswith("internal error")
    truncated = rows.loc["sub/truncated.html"]
    assert truncated.error != "" or truncated.n_warnings > 0  # refused, or read with its missing rows flagged
    assert rows.error["sub/ankang-natural-resources-2020.txt"] == ""
    assert "5 files:" in summary(reports)


def test_two_fresh_builds_are_byte_identical(broken, tmp_path):
    shutil.copy(RAW / "shanghai-gov-office-2019.html", broken)
    shutil.copy(RAW / "ankang-natural-resources-2020.txt", broken / "copy.txt")  # same bytes, another name
    a = build_corpus(broken, tmp_path / "a", jobs=2, progress=False)
    b = build_corpus(broken, tmp_path / "b", jobs=1, progress=False)
    assert a.equals(b)
    assert _same_bytes(tmp_path / "a", tmp_path / "b") == []
    first = a.set_index("file").loc["copy.txt"]
    dup = a.set_index("file").loc["sub/ankang-natural-resources-2020.txt"]
    assert (dup.report_id, dup.duplicate_of, dup.duplicate_kind) == (
        first.report_id + "-2", first.report_id, "same_file")


def test_a_rebuild_reads_only_the_changed_file(broken, tmp_path, capsys):
    out = tmp_path / "out"
    build_corpus(broken, out, jobs=1, progress=False)
    with open(broken / "sub" / "truncated.html", "ab") as fh:
        fh.write(b"<p>more</p>")
    capsys.readouterr()
    reports = build_corpus(broken, out, jobs=1, progress=True)
    assert "1/1" in capsys.readouterr().err  # the progress bar counted one read
    assert len(reports) == 5


def test_copies_are_read_once_and_a_year_from_the_name_is_each_copys_own(tmp_path, capsys):
    seed = (RAW / "ankang-natural-resources-2020.txt").read_text(encoding="utf-8")
    undated = seed.replace("2020年政府信息公开工作报告", "政府信息公开工作报告", 1).replace("2020年，市", "本年，市", 1)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a-2020.txt", "b-2021.txt", "c.txt"):
        (folder / name).write_text(undated, encoding="utf-8")
    shutil.copy(RAW / "ankang-natural-resources-2020.txt", folder)
    capsys.readouterr()
    reports = build_corpus(folder, tmp_path / "out", jobs=1, progress=True).set_index("file")
    assert "2/2" in capsys.readouterr().err  # two distinct contents read, not four files
    assert reports.year.iloc[:3].tolist() == [2020, 2020, 2021] and pd.isna(reports.year["c.txt"])
    assert reports.year_source.tolist() == ["file name", "title", "file name", ""]
    assert (reports.n_cells == 198).all()


def test_renaming_an_undated_report_moves_its_cross_year_findings(tmp_path):
    """A year taken from the file name is the copy's own on each build: renamed from 2021 to 2023, the undated
    copy no longer follows the 2020 report, so its cross-year findings go; renamed back, they return."""
    seed = (RAW / "ankang-natural-resources-2020.txt").read_text(encoding="utf-8")
    undated = seed.replace("2020年政府信息公开工作报告", "政府信息公开工作报告", 1).replace("2020年，市", "本年，市", 1)
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(RAW / "ankang-natural-resources-2020.txt", folder)
    (folder / "later-2021.txt").write_text(undated, encoding="utf-8")

    def cross_year() -> list[str]:
        reports = build_corpus(folder, out, jobs=1, progress=False)
        findings = load_corpus(out).findings
        xyear = findings[findings.check.str.endswith("_XYEAR")].merge(reports[["report_id", "file"]])
        return sorted(xyear.file + " " + xyear.message.str.slice(0, 9))

    first = cross_year()
    assert first and all(f.startswith("later-2021.txt 2020→2021") for f in first)
    (folder / "later-2021.txt").rename(folder / "later-2023.txt")
    assert cross_year() == []
    (folder / "later-2023.txt").rename(folder / "later-2021.txt")
    assert cross_year() == first


def test_the_same_bytes_under_another_suffix_are_read_again(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("seed.txt", "seed-copy.txt", "seed.htm"):  # .htm: the HTML reader takes text without tags
        shutil.copy(RAW / "ankang-natural-resources-2020.txt", folder / name)
    capsys.readouterr()
    reports = build_corpus(folder, tmp_path / "out", jobs=1, progress=True).set_index("file")
    assert "2/2" in capsys.readouterr().err
    assert reports.format.to_dict() == {"seed-copy.txt": "text", "seed.htm": "html", "seed.txt": "text"}


def test_a_file_over_the_time_limit_is_listed_and_read_again_next_time(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    seed = RAW / "ankang-natural-resources-2020.txt"
    shutil.copy(seed, folder)
    # the report printed 300 times over: about 2 s to read here, 0.3 s only on a machine some 6 times faster, while
    # the report itself takes about 5 ms (the Huai'an PDF, 0.5 s here, was too close to a limit on a faster machine)
    (folder / "long.txt").write_text(seed.read_text(encoding="utf-8") * 300, encoding="utf-8")
    reports = build_corpus(folder, tmp_path / "out", jobs=2, progress=False, time_limit=0.3).set_index("file")
    assert reports.error["long.txt"].startswith("reading took longer than 0.3 s")
    assert reports.error["ankang-natural-resources-2020.txt"] == ""
    capsys.readouterr()
    again = build_corpus(folder, tmp_path / "out", jobs=1, progress=True, time_limit=0.3).set_index("file")
    assert "1/1" in capsys.readouterr().err  # only the file that ran out of time is read again, in this process,
    assert again.error["long.txt"].startswith("reading took longer")  # and still within the limit
    last = build_corpus(folder, tmp_path / "out", jobs=1, progress=False).set_index("file")
    assert (last.error == "").all() and last.n_cells["long.txt"] == 198
    with pytest.raises(ValueError, match="time_limit"):
        build_corpus(folder, tmp_path / "out", time_limit=-1)


def test_a_record_arrow_cannot_store_fails_its_file_only(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("ankang-natural-resources-2020.txt", "pingtan-2019.txt"):
        shutil.copy(RAW / name, folder)
    read_one = corpus._read_one

    def bad_value(path):  # a reader bug: a narrative value that is text, not a number
        result = read_one(path)
        if "ankang" in path:
            result["narrative"][0]["value"] = "1,235"
        return result

    monkeypatch.setattr(corpus, "_read_one", bad_value)
    reports = build_corpus(folder, tmp_path / "out", jobs=1, progress=False).set_index("file")
    assert reports.error["ankang-natural-resources-2020.txt"].startswith("internal error: Arrow")
    assert reports.error["pingtan-2019.txt"] == "" and reports.n_cells["pingtan-2019.txt"] > 0


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the patched reader reaches workers by fork")
def test_a_file_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    names = sorted(p.name for p in RAW.iterdir() if p.suffix == ".txt")[:40]
    for name in names:
        shutil.copy(RAW / name, folder)
    read_one = corpus._read_one

    def crash(path):
        if path.endswith(names[7]):
            os._exit(1)  # what a segfault in a parser does to the worker
        return read_one(path)

    monkeypatch.setattr(corpus, "_read_one", crash)
    reports = build_corpus(folder, tmp_path / "out", jobs=2, progress=False).set_index("file")
    assert reports.error[names[7]].startswith("internal error: the worker process died reading this file")
    others = reports.drop(index=names[7])
    assert not others.error.str.startswith("internal error").any() and (others.n_cells > 0).sum() >= 30


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        build_corpus(tmp_path / "nowhere", tmp_path / "out", progress=False)
