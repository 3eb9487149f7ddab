"""data/raw is an unedited copy of the shared real reports and their hand-checked values."""

from __future__ import annotations

import pytest

from .conftest import RAW, SHARED


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this checkout; data/raw is the copy")
def test_bundled_reports_are_the_shared_ones_byte_for_byte():
    shared = sorted(p.relative_to(SHARED) for p in SHARED.rglob("*") if p.is_file())
    assert len(shared) >= 80
    different = [str(p) for p in shared if (RAW / p).read_bytes() != (SHARED / p).read_bytes()]
    assert not different
