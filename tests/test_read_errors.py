"""Input that is not a readable report gets a ReportError naming the file and the reason."""

from __future__ import annotations

import os

import pytest

import disclosure_utils as du

from .conftest import reports_dir

PRE2019 = ["pingtan-2018.txt", "pingtan-hzs-2017.txt", "pingtan-nyn-2016.txt", "pingtan-scj-2018.txt",
           "pingtan-zhz-2018.txt"]


@pytest.mark.parametrize("name", PRE2019)
def test_pre2019_reports_are_refused_with_reason(name):
    with pytest.raises(du.ReportError) as info:
        du.read_report(reports_dir() / name)
    assert info.value.kind == "pre2019"
    assert name in str(info.value) and "pre-2019" in info.value.reason


def test_title_only_page_is_refused_as_having_no_tables():
    with pytest.raises(du.ReportError) as info:
        du.read_report(reports_dir() / "pingtan-gaj-2020.txt")
    assert info.value.kind == "no_tables" and "attachment" in info.value.reason


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(du.ReportError, match="empty") as info:
        du.read_report(path)
    assert info.value.path == str(path)


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(os.urandom(4096) + bytes(range(256)))
    with pytest.raises(du.ReportError) as info:
        du.read_report(path)
    assert info.value.kind == "binary" and "noise.txt" in str(info.value)


def test_html_page_without_tables(tmp_path):
    path = tmp_path / "news.html"
    path.write_text("<html><head><meta charset='utf-8'><title>新闻</title></head><body><div>首页 > 政务公开</div>"
                    "<p>" + "本局召开政务公开工作会议，部署年度重点任务。" * 20 + "</p></body></html>", encoding="utf-8")
    with pytest.raises(du.ReportError) as info:
        du.read_report(path)
    assert info.value.kind == "no_tables" and "news.html" in str(info.value)


@pytest.mark.parametrize("encoding", ["big5", "shift_jis"])
def test_a_report_in_an_encoding_read_as_gb18030_names_the_encoding(tmp_path, encoding):
    """Big5 or Shift-JIS bytes decode as GB18030 mojibake: the reason says the encoding may be wrong, not
    only that no table was found."""
    text = (reports_dir() / "pingtan-jsp-2021.txt").read_text(encoding="utf-8")
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding, errors="replace"))
    with pytest.raises(du.ReportError) as info:
        du.read_report(path)
    assert info.value.kind == "no_tables" and f"{encoding}.txt" in str(info.value)
    assert "encoding other than UTF-8 and GB18030" in info.value.reason


def test_an_rtf_file_is_refused_as_rtf(tmp_path):
    """Word saves RTF under .doc too; it read as text and was refused for its encoding."""
    path = tmp_path / "report.doc"
    path.write_bytes(rb"{\rtf1\ansi\ansicpg936 {\fonttbl{\f0 SimSun;}} \f0 \'d5\'fe\'b8\'ae\par 2023}")
    with pytest.raises(du.ReportError) as info:
        du.read_report(path)
    assert "report.doc" in str(info.value) and info.value.reason.startswith("an RTF document")


def test_missing_file(tmp_path):
    with pytest.raises(du.ReportError, match="cannot open"):
        du.read_report(tmp_path / "absent.txt")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_control_characters_throughout_are_binary_in_any_encoding(tmp_path, encoding):
    """Control characters every 50 characters make a text binary data, whichever encoding writes it (UTF-8 and
    GB18030 are checked on their bytes, UTF-16 on its characters); two of them are tolerated."""
    text = (reports_dir() / "pingtan-jsp-2022.txt").read_text(encoding="utf-8")
    noisy, few = tmp_path / "noisy.txt", tmp_path / "few.txt"
    noisy.write_bytes("\x01".join(text[i : i + 50] for i in range(0, len(text), 50)).encode(encoding))
    few.write_bytes((text[:4000] + "\x01" + text[4000:4100] + "\x7f" + text[4100:]).encode(encoding))
    with pytest.raises(du.ReportError) as info:
        du.read_report(noisy)
    assert info.value.kind == "binary"
    assert len(du.read_report(few).records("cells")) == len(du.read_report(reports_dir() / "pingtan-jsp-2022.txt").cells)
