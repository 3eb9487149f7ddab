"""Rates, derived groups and the wide requests table on real reports, checked against hand computation.

The hand numbers come from ../shared/reports/expected/*.json (table 三 `total` column, table 四 cells).
"""

from __future__ import annotations

from math import sqrt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from disclosure_utils import read_report
from disclosure_utils.rates import MEASURES, derived_groups, rates, requests_wide, wilson

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
FILES = {"ankang": "ankang-natural-resources-2020.txt", "huaian": "huaian-gov-2024.pdf",
         "shanghai": "shanghai-gov-office-2019.html"}


@pytest.fixture(scope="module")
def cells() -> pd.DataFrame:
    return pd.concat([read_report(RAW / f).cells.assign(report_id=k) for k, f in FILES.items()], ignore_index=True)


@pytest.fixture(scope="module")
def table(cells) -> pd.DataFrame:
    return rates(cells).set_index(["report_id", "measure"])


def _check(table, report, expected):
    for measure, (k, n) in expected.items():
        row = table.loc[(report, measure)]
        assert (row.numerator, row.denominator) == (k, n), measure
        assert row.rate == pytest.approx(k / n), measure


def test_ankang_seed_rates(table):
    # 安康 2020 (v2019), total column: granted 14, partially_granted 22, disposition_total 44,
    # unable_not_held 4, other_disposition 4, every denied row blank; new_received 42, carried_in 3,
    # carried_out 1. Table 四 review: upheld 0, corrected 1, other 0, pending 1 (printed total 0).
    _check(table, "ankang", {
        "disclosure_rate": (36, 44),  # (14 + 22) / 44 = 0.8182
        "full_grant_rate": (14, 44),  # 14 / 44 = 0.3182
        "not_held_rate": (4, 44),  # 4 / 44 = 0.0909
        "other_rate": (4, 44),
        "backlog_rate": (1, 45),  # 1 / (42 + 3)
        "review_correction_rate": (1, 1),  # 1 / (0 + 1 + 0); the pending case is not in the denominator
    })
    denial = table.loc[("ankang", "denial_rate")]
    assert (denial.numerator, denial.rate, denial.numerator_source) == (0, 0, "blank")  # blanks for zero
    assert table.loc[("ankang", "disclosure_rate")].numerator_source == "printed"
    assert np.isnan(table.loc[("ankang", "litigation_correction_rate")].rate)  # 0 concluded cases
    # Wilson 95 % for 36/44 by hand: centre = (36 + 1.96²/2) / (44 + 1.96²) = 37.9208 / 47.8416 = 0.79263;
    # half = 1.96 · sqrt(36 · 8 / 44 + 1.96²/4) / 47.8416 = 1.96 · 2.73968 / 47.8416 = 0.11224
    row = table.loc[("ankang", "disclosure_rate")]
    assert (row.ci_low, row.ci_high) == (pytest.approx(0.68039, abs=1e-4), pytest.approx(0.90487, abs=1e-4))


def test_huaian_2024_rates(table):
    # 淮安 2024 (v2021), total column: disposition_total 3050; granted 1362; partially_granted 454;
    # denied 2 + 31 + 5 + 6 + 8 + 12 + 9 + 105 = 178; unable_not_held 769; unable 769 + 11 + 1 = 781;
    # not processed 62 + 25 + 0 + 0 + 1 = 88; other 71 + 6 + 110 = 187; new_received 3119, carried_in 34,
    # carried_out 103. Table 四 review: upheld 72, corrected 64, other 178; litigation direct 13/4/8,
    # after review 12/1/1.
    _check(table, "huaian", {
        "disclosure_rate": (1816, 3050),  # (1362 + 454) / 3050 = 0.5954
        "full_grant_rate": (1362, 3050),
        "denial_rate": (178, 3050),  # 0.0584
        "not_held_rate": (769, 3050),  # 0.2521
        "unable_rate": (781, 3050),
        "not_processed_rate": (88, 3050),
        "other_rate": (187, 3050),
        "backlog_rate": (103, 3153),  # 103 / (3119 + 34)
        "review_correction_rate": (64, 314),  # 64 / (72 + 64 + 178) = 0.2038
        "litigation_correction_rate": (5, 39),  # (4 + 1) / (13 + 4 + 8 + 12 + 1 + 1)
    })
    assert set(table.loc["huaian"].numerator_source) == {"printed"}


def test_blank_totals_fall_back_to_applicant_sums(table):
    # 上海 2019 leaves the total of granted, partially_granted and unable_not_held blank:
    # granted 258 + 12 + 1 + 1 = 272, partially_granted 3 → 275 of a printed disposition_total 805;
    # unable_not_held 252 + 12 + 1 = 265.
    row = table.loc[("shanghai", "disclosure_rate")]
    assert (row.numerator, row.denominator, row.numerator_source, row.denominator_source) == (
        275, 805, "applicant_sum", "printed")
    assert table.loc[("shanghai", "not_held_rate")].numerator == 265
    # denied: 14 + (5) + (3 + 1) + (10 + 2) = 35 from applicant columns, the other denied rows blank
    denial = table.loc[("shanghai", "denial_rate")]
    assert (denial.numerator, denial.numerator_source) == (35, "applicant_sum+blank")


def test_strict_policy_keeps_all_blank_numerators_missing(cells):
    strict = rates(cells, blank_policy="strict").set_index(["report_id", "measure"])
    assert np.isnan(strict.loc[("ankang", "denial_rate")].numerator)
    assert np.isnan(strict.loc[("ankang", "denial_rate")].rate)
    assert strict.loc[("ankang", "disclosure_rate")].rate == pytest.approx(36 / 44)


def test_every_measure_has_a_definition(table):
    assert set(table.index.get_level_values("measure")) == set(MEASURES)
    row = table.loc[("huaian", "disclosure_rate")]
    assert row.denominator_definition == "R[disposition_total]"
    assert table.loc[("huaian", "denial_rate")].numerator_definition == "R[group=denied]"


def test_derived_groups_are_marked_and_blank_groups_stay_missing(cells):
    groups = derived_groups(cells).set_index(["report_id", "row", "column"])
    assert groups.derived.all()
    assert np.isnan(groups.loc[("ankang", "denied", "total")].value)  # eight blank cells, not 0
    assert groups.loc[("ankang", "denied", "total")].n_blank == 8
    assert groups.loc[("ankang", "unable", "total")].value == 4  # 4 + two blanks
    assert groups.loc[("ankang", "other", "natural_person")].value == 4
    assert [groups.loc[("huaian", g, "total")].value for g in ("denied", "unable", "not_processed", "other")] == [
        178, 781, 88, 187]
    assert groups.loc[("huaian", "denied", "org_commercial")].value == 2  # 1 (law_prohibited) + 1 (internal)


def test_requests_wide(cells):
    wide = requests_wide(cells).set_index("report_id")
    assert wide.loc["huaian", "disposition_total"] == 3050 and wide.loc["huaian", "review_total"] == 351
    assert wide.loc["huaian", ["litigation_direct_total", "litigation_after_review_total"]].tolist() == [26, 20]
    assert wide.loc["ankang", "review_total"] == 0  # printed 0 although its parts sum to 2
    assert np.isnan(wide.loc["shanghai", "granted"])  # printed blank: no fallback in the wide table
    assert np.isnan(wide.loc["ankang", "other_other"])  # a v2021 row the v2019 seed does not print
    assert list(wide.columns[:3]) == ["new_received", "carried_in", "granted"]


def test_wilson_interval():
    # 0 of 10: upper = z² / (n + z²) = 3.8416 / 13.8416 = 0.27754
    assert wilson(0, 10) == (0.0, pytest.approx(0.27754, abs=1e-5))
    low, high = wilson(np.array([5, 3]), np.array([10, 0]))
    half = 1.96 * sqrt(5 * 5 / 10 + 1.96**2 / 4) / (10 + 1.96**2)  # 5/10: centre exactly 0.5
    assert (low[0], high[0]) == (pytest.approx(0.5 - half), pytest.approx(0.5 + half))
    assert np.isnan(low[1]) and np.isnan(high[1])
    assert np.isnan(wilson(7, 5)[0])  # more successes than trials: no interval
