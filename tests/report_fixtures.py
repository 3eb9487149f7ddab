"""Reports made in the tests from a real report's hand-checked cells (../shared/reports/expected).

The three tables are laid out as the national template prints them, merged cells included
(三、本年度办理结果 and （三）不予公开 … span rows, headers span columns), and written as a DOCX
(python-docx merges) or a PDF (fpdf2 with the SimHei font mplfonts ships; ruled or borderless,
labels wrapped inside narrow cells, merged-cell text centred over its whole span like Word prints
it, so a page break can cut it; `breaks` forces page breaks after given rows, as a fuller page would).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docx
import mplfonts
from docx.enum.text import WD_ALIGN_PARAGRAPH
from fpdf import FPDF

from .conftest import expected

FONT = Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_COLUMNS = (
    "natural_person",
    "org_commercial",
    "org_research",
    "org_social_welfare",
    "org_legal_services",
    "org_other",
    "total",
)
T4_ROWS = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
T4_HEAD = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# table 二: (caption, header cells, ((row code, printed label), ...), value column codes)
T2 = {
    "v2021": (
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         (("rules", "规章"), ("normative_docs", "行政规范性文件")), ("issued", "repealed", "in_force")),
        ("第二十条第（五）项", ("本年处理决定数量",), (("admin_license", "行政许可"),), ("decisions",)),
        ("第二十条第（六）项", ("本年处理决定数量",),
         (("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")), ("decisions",)),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("admin_fees", "行政事业性收费"),), ("amount_yuan",)),
    ),
    "v2019": (
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
         (("rules", "规章"), ("normative_docs", "规范性文件")), ("made", "published", "published_total")),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("admin_license", "行政许可"), ("other_external_services", "其他对外管理服务事项")),
         ("prev_items", "items_change", "decisions")),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
         (("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")), ("prev_items", "items_change", "decisions")),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("admin_fees", "行政事业性收费"),), ("prev_items", "items_change")),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("central_procurement", "政府集中采购"),), ("projects", "amount_yuan")),
    ),
}  # fmt: skip

# table 三 below 三、本年度办理结果: (parent label or None, ((row code, printed label), ...))
T3_RESULTS = {
    "v2021": (
        (None, (("granted", "（一）予以公开"),)),
        (None, (("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),)),
        ("（三）不予公开", (("denied_state_secret", "1.属于国家秘密"), ("denied_law_prohibited", "2.其他法律行政法规禁止公开"),
                       ("denied_security_stability", "3.危及“三安全一稳定”"), ("denied_third_party", "4.保护第三方合法权益"),
                       ("denied_internal_affairs", "5.属于三类内部事务信息"), ("denied_process_info", "6.属于四类过程性信息"),
                       ("denied_enforcement_file", "7.属于行政执法案卷"), ("denied_admin_query", "8.属于行政查询事项"))),
        ("（四）无法提供", (("unable_not_held", "1.本机关不掌握相关政府信息"), ("unable_needs_creation", "2.没有现成信息需要另行制作"),
                       ("unable_unclear", "3.补正后申请内容仍不明确"))),
        ("（五）不予处理", (("not_processed_complaint", "1.信访举报投诉类申请"), ("not_processed_repeat", "2.重复申请"),
                       ("not_processed_publication", "3.要求提供公开出版物"), ("not_processed_excessive", "4.无正当理由大量反复申请"),
                       ("not_processed_confirm", "5.要求行政机关确认或重新出具已获取信息"))),
        ("（六）其他处理", (("other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                       ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                       ("other_other", "3.其他"))),
        (None, (("disposition_total", "（七）总计"),)),
    ),
}  # fmt: skip
T3_RESULTS["v2019"] = (
    *T3_RESULTS["v2021"][:5],
    (None, (("other_disposition", "（六）其他处理"),)),
    T3_RESULTS["v2021"][6],
)


@dataclass(frozen=True)
class Spec:
    """One printed cell, spans not expanded (as in a `Grid`)."""

    text: str
    colspan: int = 1
    rowspan: int = 1


Layout = list[list[Spec]]


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def printed(name: str) -> dict[tuple[str, str, str], str]:
    """Each expected cell as printed: "" for a blank, 万元 for the v2021 fee amount."""
    data = expected(name)
    out = {}
    for c in data["cells"]:
        value = c["value"]
        if value is not None and data["template"] == "v2021" and c["column"] == "amount_yuan":
            value = value / 10_000
        out[c["table"], c["row"], c["column"]] = "" if value is None else _number(value)
    return out


def table2(name: str) -> Layout:
    cells, rows = printed(name), []
    for caption, heads, block, columns in T2[expected(name)["template"]]:
        tail = 3 - len(heads)  # the last value column spans the grid columns the block leaves free
        rows.append([Spec(caption, colspan=4)])
        rows.append(
            [
                Spec("信息内容"),
                *(Spec(h, colspan=1 + tail * (k == len(heads) - 1)) for k, h in enumerate(heads)),
            ]
        )
        for code, label in block:
            values = [cells[("proactive", code, col)] for col in columns]
            rows.append(
                [
                    Spec(label),
                    *(Spec(v, colspan=1 + tail * (k == len(values) - 1)) for k, v in enumerate(values)),
                ]
            )
    return rows


def table3(name: str) -> Layout:
    cells = printed(name)
    results = T3_RESULTS[expected(name)["template"]]

    def values(code: str) -> list[Spec]:
        return [Spec(cells[("requests", code, col)]) for col in T3_COLUMNS]

    rows: Layout = [
        [Spec(NOTE, colspan=3, rowspan=3), Spec("申请人情况", colspan=7)],
        [Spec("自然人", rowspan=2), Spec("法人或其他组织", colspan=5), Spec("总计", rowspan=2)],
        [Spec(h) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
        [Spec("一、本年新收政府信息公开申请数量", colspan=3), *values("new_received")],
        [Spec("二、上年结转政府信息公开申请数量", colspan=3), *values("carried_in")],
    ]
    first = len(rows)
    for parent, block in results:
        for k, (code, label) in enumerate(block):
            lead = [Spec(parent, rowspan=len(block))] if parent and k == 0 else []
            rows.append([*lead, Spec(label, colspan=1 if parent else 2), *values(code)])
    rows[first].insert(0, Spec("三、本年度办理结果", rowspan=len(rows) - first))
    rows.append([Spec("四、结转下年度继续办理", colspan=3), *values("carried_out")])
    return rows


def table4(name: str) -> Layout:
    cells = printed(name)
    return [
        [Spec("行政复议", colspan=5), Spec("行政诉讼", colspan=10)],
        [
            *(Spec(h, rowspan=2) for h in T4_HEAD),
            Spec("未经复议直接起诉", colspan=5),
            Spec("复议后起诉", colspan=5),
        ],
        [Spec(h) for h in T4_HEAD * 2],
        [Spec(cells[("review_litigation", r, c)]) for r in T4_ROWS for c in T4_COLUMNS],
    ]


def content(name: str) -> tuple[str, list[str | Layout]]:
    """The report's title and its body: paragraphs (str) and tables (Layout), in order."""
    data = expected(name)
    title = f"{data['agency']}{data['year']}年政府信息公开工作年度报告"
    body: list[str | Layout] = [
        f"本报告由{data['agency']}根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{data['year']}年1月1日起至"
        f"{data['year']}年12月31日止。如对本报告有疑问，请与本机关联系。",
        "一、总体情况",
        "本年度，本机关认真贯彻落实政府信息公开工作各项要求，主动公开政府信息，依法办理政府信息公开申请，"
        "加强政府信息管理和平台建设，强化监督保障，各项工作取得积极成效。",
        "二、主动公开政府信息情况", table2(name),
        "三、收到和处理政府信息公开申请情况", table3(name),
        "四、政府信息公开行政复议、行政诉讼情况", table4(name),
        "五、存在的主要问题及改进情况",
        "工作中仍存在政策解读形式较为单一等问题。下一步，将进一步丰富解读形式，提升政府信息公开工作质量。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]  # fmt: skip
    return title, body


def positions(layout: Layout) -> list[tuple[int, int, Spec]]:
    """(row, grid column, cell) of every printed cell, placing spans as HTML and Word do."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(layout):
        c = 0
        for spec in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, spec))
            taken.update((r + i, c + j) for i in range(spec.rowspan) for j in range(spec.colspan))
            c += spec.colspan
    return out


def width(layout: Layout) -> int:
    return sum(s.colspan for s in layout[0])


# --- DOCX --------------------------------------------------------------------------------------------


@cache
def docx_bytes(name: str) -> bytes:
    title, body = content(name)
    document = docx.Document()
    document.add_paragraph(title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for item in body:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        table = document.add_table(rows=len(item), cols=width(item))
        table.style = "Table Grid"
        for r, c, spec in positions(item):
            cell = table.cell(r, c)
            if spec.rowspan > 1 or spec.colspan > 1:
                cell = cell.merge(table.cell(r + spec.rowspan - 1, c + spec.colspan - 1))
            cell.text = spec.text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------

PAGE_W, PAGE_H, MARGIN = 595.0, 842.0, 72.0
BODY, TABLE, LEAD, PAD = 12.0, 8.0, 11.0, 4.0
WIDTHS = {4: (175.0, 90.0, 90.0, 96.0), 10: (24.0, 42.0, 112.0, *(39.0,) * 7), 15: (30.0,) * 15}
LABEL_COLUMNS = {4: 1, 10: 3, 15: 0}  # grid columns holding row labels (set left-aligned)


def _wrap(pdf: FPDF, text: str, room: float, first: float | None = None) -> list[str]:
    """Break `text` into lines no wider than `room` (`first` for the first line), character by character."""
    lines, cur = [], ""
    for ch in text:
        if cur and pdf.get_string_width(cur + ch) > (room if lines or first is None else first):
            lines.append(cur)
            cur = ""
        cur += ch
    return [*lines, cur] if cur else lines


class _Writer:
    """Lays text and tables out page by page; pages are created as drawing reaches them, in order."""

    def __init__(self, ruled: bool, breaks: tuple[str, ...]):
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("cjk", fname=str(FONT))
        self.pdf.set_line_width(0.5)
        self.ruled, self.breaks = ruled, breaks
        self.page, self.y = 1, MARGIN

    def new_page(self) -> None:
        self.page += 1
        self.y = MARGIN

    def _goto(self, page: int) -> None:
        while self.pdf.page < page:
            self.pdf.add_page()

    def text(self, page: int, x: float, top: float, s: str, size: float) -> None:
        self._goto(page)
        self.pdf.set_font("cjk", size=size)
        self.pdf.text(x, top + 0.85 * size, s)

    def paragraph(self, s: str, size: float = BODY, *, centred: bool = False) -> None:
        """A paragraph, its first line indented two characters (or the whole of it centred)."""
        self.pdf.set_font("cjk", size=size)
        indent = 0 if centred else 2 * size
        for k, line in enumerate(_wrap(self.pdf, s, PAGE_W - 2 * MARGIN, PAGE_W - 2 * MARGIN - indent)):
            if self.y + size * 1.6 > PAGE_H - MARGIN:
                self.new_page()
            x = (
                (PAGE_W - self.pdf.get_string_width(line)) / 2
                if centred
                else MARGIN + (indent if k == 0 else 0)
            )
            self.text(self.page, x, self.y, line, size)
            self.y += size * 1.6
        self.y += 4

    def table(self, layout: Layout) -> None:
        n = width(layout)
        widths, labels = WIDTHS[n], LABEL_COLUMNS[n]
        xs = [MARGIN + sum(widths[:k]) for k in range(n + 1)]
        self.pdf.set_font("cjk", size=TABLE)
        cells = [
            (r, c, s, _wrap(self.pdf, s.text, xs[c + s.colspan] - xs[c] - 2 * PAD))
            for r, c, s in positions(layout)
        ]
        heights = [LEAD + 2 * PAD] * len(layout)
        for r, _c, s, lines in sorted(cells, key=lambda t: t[2].rowspan):
            need = len(lines) * LEAD + 2 * PAD
            have = sum(heights[r : r + s.rowspan])
            heights[r + s.rowspan - 1] += max(need - have, 0)
        rows = []  # (page, top) of each row
        for r, h in enumerate(heights):
            if self.y + h > PAGE_H - MARGIN:
                self.new_page()
            rows.append((self.page, self.y))
            self.y += h
            if any(s.text in self.breaks for rr, _c, s, _l in cells if rr == r):
                self.new_page()
        ops = []  # (page, draw) in the order they must run
        for r, c, s, lines in cells:
            segments = [(rows[k][0], rows[k][1], heights[k]) for k in range(r, r + s.rowspan)]
            x0, x1 = xs[c], xs[c + s.colspan]
            if self.ruled:
                for page, top, bottom in _boxes(segments):
                    ops.append((page, "box", (x0, top, x1 - x0, bottom - top)))
            total = sum(h for _p, _t, h in segments)
            at = (total - len(lines) * LEAD) / 2  # text centred over the whole span, pages included
            for line in lines:
                page, top, at = _locate(segments, at)
                x = x0 + PAD if c < labels else (x0 + x1 - self.pdf.get_string_width(line)) / 2
                ops.append((page, "text", (x, top + (LEAD - TABLE) / 2, line)))
                at += LEAD
        for page, kind, args in sorted(ops, key=lambda op: op[0]):
            if kind == "box":
                self._goto(page)
                self.pdf.rect(*args)
            else:
                self.text(page, *args, TABLE)
        self.y += 8


def _boxes(segments: list[tuple[int, float, float]]) -> list[tuple[int, float, float]]:
    """A cell's border as (page, top, bottom), one per page it is on."""
    out: dict[int, list[float]] = {}
    for page, top, h in segments:
        out.setdefault(page, []).extend((top, top + h))
    return [(page, min(ys), max(ys)) for page, ys in out.items()]


def _locate(segments: list[tuple[int, float, float]], at: float) -> tuple[int, float, float]:
    """(page, y, at) of a text line `at` points down a span of row segments on one or more pages.

    A line that would cross from one page's part of the span to the next starts the next part
    (`at` comes back moved down accordingly).
    """
    done = 0.0
    by_page: dict[int, list[float]] = {}
    for page, top, h in segments:
        by_page.setdefault(page, []).extend((top, top + h))
    for page, ys in by_page.items():
        top, h = min(ys), max(ys) - min(ys)
        if at - done + LEAD <= h or page == segments[-1][0]:
            return page, top + max(at - done, 0.0), max(at, done)
        done += h
    raise AssertionError("unreachable")


@cache
def pdf_bytes(name: str, *, ruled: bool = True, breaks: tuple[str, ...] = ()) -> bytes:
    """The report as a PDF; `breaks`: cell texts whose row ends a page."""
    title, body = content(name)
    w = _Writer(ruled, breaks)
    w.paragraph(title, 18, centred=True)
    for item in body:
        if isinstance(item, str):
            w.paragraph(item)
        else:
            w.table(item)
    return bytes(w.pdf.output())
