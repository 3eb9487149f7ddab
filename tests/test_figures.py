"""The figure layer: bundled CJK font, bilingual labels, the one figure writer and its stable bytes."""

import io
import os
import subprocess
import sys
import textwrap
import warnings

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib import font_manager, ft2font
from matplotlib.figure import Figure
from PIL import Image

from disclosure_utils import figures

CHINESE = "政府信息公开 申请 自然人"


@pytest.fixture
def theme(monkeypatch):
    """The project theme inside an rc_context, restoring rcParams and the label language afterwards."""
    monkeypatch.setitem(figures._settings, "lang", figures._settings["lang"])
    with mpl.rc_context():
        figures.set_theme()
        yield


@pytest.fixture
def default_style():
    with mpl.rc_context():
        mpl.rcdefaults()
        yield


def draw_chinese(fmt: str = "png") -> bytes:
    """Render a small figure with Chinese title, tick labels and axis labels plus negative numbers."""
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.bar(["自然人", "法人或其他组织"], [12, -3])
    ax.set_title(CHINESE)
    ax.set_ylabel(figures.label("申请数（件）", "Requests (count)", lang="both"))
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(buffer, format=fmt)
    return buffer.getvalue()


def test_bundled_font_comes_from_mplfonts_under_ofl():
    path = figures.font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" in path.parts
    names = ft2font.FT2Font(str(path)).get_sfnt()
    licence = next(value for (_, _, _, name_id), value in names.items() if name_id == 13)
    assert b"SIL Open Font License" in licence.replace(b"\x00", b"")


def test_default_style_has_no_cjk_glyphs(default_style):
    """Negative control: without the theme the glyph check below does fail."""
    with pytest.raises(UserWarning, match=r"Glyph \d+ .* missing from font"):
        draw_chinese()


def test_theme_renders_chinese_with_the_bundled_font(theme):
    family = mpl.rcParams["font.sans-serif"][0]
    assert family == "Noto Sans CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert found == str(figures.font_path())
    assert draw_chinese("png").startswith(b"\x89PNG")
    svg = draw_chinese("svg").decode("utf-8")
    # svg.fonttype "path" names each glyph after the font that supplied it.
    assert "NotoSansCJKsc-Regular-" in svg
    assert "DejaVu" not in svg


def test_set_theme_registers_the_font_once(theme):
    path = str(figures.font_path())
    before = sum(entry.fname == path for entry in font_manager.fontManager.ttflist)
    figures.set_theme()
    assert before >= 1
    assert sum(entry.fname == path for entry in font_manager.fontManager.ttflist) == before


def test_theme_defaults(theme):
    assert mpl.rcParams["axes.unicode_minus"] is False
    assert mpl.rcParams["svg.hashsalt"] == "disclosure_utils"
    assert mpl.rcParams["savefig.dpi"] == 200
    assert min(mpl.rcParams[key] for key in ("xtick.labelsize", "ytick.labelsize", "legend.fontsize")) >= 8


def test_label_languages(theme):
    assert figures.label("不予公开", "Withheld", lang="zh") == "不予公开"
    assert figures.label("不予公开", "Withheld", lang="en") == "Withheld"
    assert figures.label("不予公开", "Withheld", lang="both") == "不予公开 / Withheld"
    assert figures.label("不予公开", "Withheld") == "不予公开"
    figures.set_theme(lang="en")
    assert figures.label("不予公开", "Withheld") == "Withheld"
    with pytest.raises(ValueError, match="lang must be one of"):
        figures.label("不予公开", "Withheld", lang="fr")
    with pytest.raises(ValueError, match="lang must be one of"):
        figures.set_theme(lang="zh-CN")


def test_save_figure_writes_png_svg_and_sorted_csv(theme, tmp_path):
    fig = Figure(figsize=(7, 4))
    fig.subplots().plot([2019, 2020, 2021], [1 / 3, 0.5, 2.0])
    data = pd.DataFrame(
        {
            "year": [2021, 2019, 2020, 2019],
            "measure": ["率", "率", "率", "件"],
            "value": [2.0, 1 / 3, 0.5, 7.0],
        }
    )
    paths = figures.save_figure(fig, "01-test-series", data=data, out_dir=tmp_path)
    assert [p.name for p in paths] == ["01-test-series.png", "01-test-series.svg", "01-test-series.csv"]
    png = paths[0].read_bytes()
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    with Image.open(paths[0]) as image:
        assert [round(d) for d in image.info["dpi"]] == [200, 200]
    svg = paths[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert paths[2].read_bytes() == (
        "\ufeffyear,measure,value\n2019,件,7\n2019,率,0.3333333333\n2020,率,0.5\n2021,率,2\n"
    ).encode("utf-8")


def test_save_figure_csv_index_and_keys(theme, tmp_path):
    fig = Figure(figsize=(4, 3))
    counts = (
        pd.DataFrame({"agency": ["乙", "甲", "乙"], "n": [1, 1, 6]}).groupby("agency")["n"].sum().to_frame()
    )
    (csv,) = figures.save_figure(fig, "02-by-agency", data=counts, out_dir=tmp_path, formats=("svg",))[1:]
    assert csv.read_text(encoding="utf-8-sig") == "agency,n\n乙,7\n甲,1\n"
    ranked = counts.reset_index()
    figures.save_figure(fig, "02-by-agency", data=ranked, keys=["n"], out_dir=tmp_path, formats=("svg",))
    assert csv.read_text(encoding="utf-8-sig") == "agency,n\n甲,1\n乙,7\n"
    figures.save_figure(fig, "02-by-agency", data=ranked.set_index(pd.Index([5, 6])), out_dir=tmp_path)
    assert csv.read_text(encoding="utf-8-sig") == "agency,n\n乙,7\n甲,1\n"
    with pytest.raises(ValueError, match=r"sort keys \['year'\]"):
        figures.save_figure(fig, "02-by-agency", data=ranked, keys=["year"], out_dir=tmp_path)


@pytest.mark.parametrize(
    "name", ["plot", "3-denial", "03-Denial", "03_denial", "03-denial.png", "03-", "fig_final_v2"]
)
def test_save_figure_rejects_bad_names(name, tmp_path):
    with pytest.raises(ValueError, match="does not match"):
        figures.save_figure(Figure(), name, out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_save_figure_rejects_unknown_formats(tmp_path):
    with pytest.raises(ValueError, match="formats must be"):
        figures.save_figure(Figure(), "01-x", formats=("png", "pdf"), out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


SCRIPT = textwrap.dedent(
    """
    import sys
    import pandas as pd
    from matplotlib.figure import Figure
    from disclosure_utils import figures

    figures.set_theme(lang="both")
    data = pd.DataFrame({"类型": ["自然人", "法人", "其他"], "rate": [0.125, 1 / 7, 0.9]})
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.barh(data["类型"], data["rate"], label="rate")
    data = data.sample(frac=1, random_state=int(sys.argv[1]))  # the CSV input in a different order per run
    ax.set_xlabel(figures.label("比率", "Rate"))
    ax.legend()
    figures.save_figure(fig, "05-determinism", data=data, out_dir=sys.argv[2], formats=("svg",))
    """
)


def test_svg_and_csv_bytes_are_stable_across_runs(tmp_path):
    outputs = []
    for run, hashseed in enumerate(("1", "2")):
        out = tmp_path / f"run{run}"
        env = {**os.environ, "PYTHONHASHSEED": hashseed, "MPLBACKEND": "Agg"}
        subprocess.run([sys.executable, "-c", SCRIPT, str(run), str(out)], check=True, env=env, cwd=tmp_path)
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert sorted(outputs[0]) == ["05-determinism.csv", "05-determinism.svg"]
    assert outputs[0] == outputs[1]
    assert b"NotoSansCJKsc-Regular-" in outputs[0]["05-determinism.svg"]
