"""A folder of reports → a documented dataset (Parquet + CSV), and back into pandas.

`build_corpus(paths, out)` reads every report in worker processes and writes five tables to `out`,
each as `NAME.parquet` and `NAME.csv` (UTF-8 with BOM, so spreadsheets show the Chinese right):

- `reports`   one row per file, read or refused (its `error`), with metadata, quality and duplicates;
- `cells`     every printed cell of tables 二/三/四 (`schema.CELL_COLUMNS`);
- `findings`  reading problems, failed identities and the cross-year checks of each unit's series;
- `narrative` facts stated in the text (`narrative.extract`);
- `codebook`  the data dictionary (`dictionary.data_dictionary`): tables, templates, codes (zh/en labels,
  units, templates) and a description of every column of every table.

`report_id` is the first 16 hex digits of the file's sha256; the 2nd, 3rd … file with the same bytes
(in file order) gets "-2", "-3" …, so an id survives renaming or moving the folder. A file that cannot
be opened gets the first 16 hex digits of the sha256 of its relative path.

Rows are in file order (relative POSIX path), then in the order the reader produced them; a rebuild
of the same folder writes byte-identical files (same environment: pyarrow version and writer options).

Cache (`out/.cache/`, one set of files, not one per report): `state.json` maps each file's relative name
to (size, mtime_ns, sha256), so unchanged files are not even hashed, and records the build's signature and
the outputs' (size, mtime_ns): a rebuild with nothing changed only reads `reports.parquet` back.
`results.json` and `cells|findings|narrative.parquet` hold each read result keyed by sha256 + file suffix
(the suffix picks the reader), so copies of one report under other names are read once; a year the reader
took from the file name (`year_source`) is taken from each copy's own name; `series.json` the cross-year findings of each pair of
reports. All of it is valid for one cache version, the package version plus a digest of the package's
source and codebook, so a changed reader empties the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version as _package_version
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from tqdm import tqdm

from . import checks
from .codebook import TABLES
from .dictionary import COLUMN_NOTES, TABLE_NAMES, data_dictionary
from .errors import ReportError
from .meta import year_from_name
from .report import Report, read_report
from .schema import CELL_COLUMNS, CELL_KINDS, SEVERITIES, columns_of
from .sources import sniff_format

# .doc/.wps are not read, only listed as refused with the reason (save them as DOCX or PDF)
SUFFIXES = (".txt", ".htm", ".html", ".shtml", ".pdf", ".docx", ".doc", ".wps")
FORMATS = ("text", "html", "pdf", "docx")
TEMPLATES = ("v2019", "v2021", "mixed", "pre2019", "unknown")
LONG = ("cells", "findings", "narrative")
BRACKETS = "()（）[]［］【】〔〕{}｛｝<>＜＞〈〉《》「」『』"

# Column types of the long tables (report_id is added in front); other fields of the records are not kept.
# in CELL_COLUMNS order: the cells are typed from CellRecords, tuples of those fields
CELL_TYPES = {c: pa.float64() if c == "value" else pa.string() for c in CELL_COLUMNS}
FINDING_TYPES = {"check": pa.string(), "severity": pa.string(), "table": pa.string(), "row": pa.string(),
                 "column": pa.string(), "expected": pa.float64(), "observed": pa.float64(),
                 "message": pa.string()}
NARRATIVE_TYPES = {"metric": pa.string(), "value": pa.float64(), "unit": pa.string(), "approx": pa.bool_(),
                   "scope": pa.string(), "account": pa.string(), "section": pa.string(),
                   "evidence": pa.string(), "start": pa.int64(), "end": pa.int64(), "raw": pa.string()}
TYPES = {"cells": CELL_TYPES, "findings": FINDING_TYPES, "narrative": NARRATIVE_TYPES}

BOM = b"\xef\xbb\xbf"
TIME_LIMIT = 120.0  # seconds a worker spends on one file before giving up on it (reports take < 2 s)
BATCH_FILES = 64  # files a worker reads per task (fewer for small builds, so every worker gets work)
CHUNK_ROWS = 1 << 18  # rows per Parquet row group and per decoded slice when writing


@dataclass(frozen=True)
class Corpus:
    """The tables of a built corpus, as loaded by `load_corpus`."""

    reports: pd.DataFrame
    cells: pd.DataFrame
    findings: pd.DataFrame
    narrative: pd.DataFrame
    codebook: pd.DataFrame


def unit_key(agency: str) -> str:
    """The panel unit of an agency name: NFKC, whitespace and bracket characters removed."""
    text = unicodedata.normalize("NFKC", agency or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in BRACKETS)


# --------------------------------------------------------------------------- build


def build_corpus(
    paths: str | Path | Iterable[str | Path], out: str | Path, *, jobs: int | None = None, progress: bool = True,
    time_limit: float | None = TIME_LIMIT,
) -> pd.DataFrame:
    """Read every report under `paths` (a folder, recursively, or an iterable of files) into `out`.

    Returns the `reports` table. One bad file never stops the build: it gets a row with its `error`.
    `jobs` worker processes read the files (default: all cores; 1 reads in this process). A worker gives
    up on a file after `time_limit` seconds (POSIX systems; None: no limit): its row says so and the
    file is read again on the next build.
    """
    if time_limit is not None and time_limit <= 0:
        raise ValueError(f"time_limit must be a positive number of seconds or None, not {time_limit!r}")
    out = Path(out)
    cache = out / ".cache"
    state = _load_json(cache / "state.json")
    current = _cache_version()
    entries, index = _hash_files(_collect(paths, out), state.get("files", {}))
    signature = hashlib.sha256(
        "\n".join([current, *(f"{e['file']}\t{e['key']}\t{e['error']}" for e in entries)]).encode()
    ).hexdigest()
    if (state.get("version"), state.get("signature")) == (current, signature) and _unchanged(out, state):
        if index != state.get("files"):
            _dump_json(cache / "state.json", {**state, "files": index})
        return _read_reports(out)

    same_version = state.get("version") == current
    results, long, failed = _update_cache(cache, entries, same_version, jobs=jobs, progress=progress,
                                          time_limit=time_limit)
    series = _load_json(cache / "series.json") if same_version else {}
    reports, tables = _assemble(entries, results, failed, long, series)
    _dump_json(cache / "series.json", series)
    tables = {"reports": _arrow(reports), **tables}
    schemas = {name: _plain_schema(table.schema) for name, table in tables.items()}
    tables["codebook"] = _arrow(data_dictionary(schemas))
    for name in TABLE_NAMES:
        _write_parquet(tables[name], out / f"{name}.parquet")
        _write_csv(tables[name], out / f"{name}.csv")
    outputs = {f"{n}.{ext}": _stat(out / f"{n}.{ext}") for n in TABLE_NAMES for ext in ("parquet", "csv")}
    # a read that died outside the reader is retried next time: no signature, no fast path
    _dump_json(cache / "state.json", {"version": current, "signature": "" if failed else signature,
                                      "outputs": outputs, "files": index})
    return _read_reports(out)


def _update_cache(cache: Path, entries: list[dict], same_version: bool, *, jobs, progress,
                  time_limit) -> tuple[dict, dict, dict]:
    """Read the files whose key is not cached; (results by key, long tables keyed, failures by key).

    The cache keeps exactly the keys of this build.
    """
    keys = {e["key"] for e in entries if e["key"]}
    cached = _load_json(cache / "results.json") if same_version else {}
    results = {k: v for k, v in cached.items() if k in keys}
    todo = {e["key"]: e["path"] for e in entries if e["key"] and e["key"] not in results}
    fresh, batches, failed = _read_all(todo, jobs=jobs, progress=progress, time_limit=time_limit)
    long = {}
    for name in LONG:
        parts = [_cached(cache / f"{name}.parquet", keys)] if same_version else []
        long[name] = _concat([p for p in parts + [b[name] for b in batches] if p is not None], name)
    batches.clear()
    if fresh or len(results) != len(cached) or not same_version:
        results |= {k: fresh[k] for k in sorted(fresh)}
        cache.mkdir(parents=True, exist_ok=True)
        _dump_json(cache / "results.json", results)
        for name in LONG:
            _write_parquet(long[name], cache / f"{name}.parquet", compression="lz4")
    return results, long, failed


def summary(reports: pd.DataFrame) -> str:
    """How many reports were read and refused, refusals grouped by reason (up to its first ':' or '('), duplicates."""
    refused = reports[reports.error != ""]
    lines = [f"{len(reports)} files: {len(reports) - len(refused)} read, {len(refused)} refused."]
    heads = refused.error.str.split(r"[:：(（]", n=1, regex=True).str[0].str.strip()
    for head, files in sorted(refused.file.groupby(heads), key=lambda g: (-len(g[1]), g[0])):
        shown = ", ".join(files.iloc[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        lines.append(f"  {len(files):>5} × {head}: {shown}")
    kinds = reports.duplicate_kind[reports.duplicate_kind != ""].value_counts().sort_index()
    if len(kinds):
        lines.append("Duplicates: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.items()) + ".")
    internal = int(heads.eq("internal error").sum())
    if internal:
        lines.append(f"{internal} internal errors: a bug in the reader, not in the files; please report them.")
    return "\n".join(lines)


def _collect(paths, out: Path) -> list[tuple[str, str]]:
    """(absolute path, relative POSIX name) of every supported file, by name; dot-folders and `out` skipped."""
    if isinstance(paths, str | Path) and not Path(paths).exists():
        raise FileNotFoundError(f"{paths}: no such folder or file")
    if isinstance(paths, str | Path) and Path(paths).is_dir():
        root, skip, found = os.path.abspath(paths), os.path.abspath(out), []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and os.path.join(folder, d) != skip]
            rel = Path(os.path.relpath(folder, root)).as_posix()
            prefix = "" if rel == "." else rel + "/"
            found += [(os.path.join(folder, n), prefix + n) for n in names
                      if not n.startswith(".") and n.lower().endswith(SUFFIXES)]
    else:
        files = [os.path.abspath(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
        root = os.path.commonpath([os.path.dirname(p) for p in files]) if files else ""
        found = [(p, Path(os.path.relpath(p, root)).as_posix()) for p in files]
    return sorted(found, key=lambda f: f[1])


def _hash_files(files: list[tuple[str, str]], index: dict) -> tuple[list[dict], dict]:
    """One entry per file (file, path, sha256, key, error); the index (relative name → size, mtime_ns,
    sha256) spares re-hashing unchanged files."""
    entries, new_index = [], {}
    for path, rel in files:
        try:
            st = os.stat(path)
            known = index.get(rel)
            if known is not None and known[:2] == [st.st_size, st.st_mtime_ns]:
                sha = known[2]
            else:
                with open(path, "rb") as fh:
                    sha = hashlib.sha256(fh.read()).hexdigest()
        except OSError as exc:
            entries.append({"file": rel, "path": path, "sha256": "", "key": "",
                            "error": f"cannot open the file ({exc.strerror or exc})"})
            continue
        new_index[rel] = [st.st_size, st.st_mtime_ns, sha]
        entries.append({"file": rel, "path": path, "sha256": sha, "key": sha + Path(path).suffix.lower(),
                        "error": ""})
    return entries, new_index


def _read_all(todo: dict[str, str], *, jobs: int | None, progress: bool,
              time_limit: float | None) -> tuple[dict, list[dict], dict]:
    """Read each key's file in batches: (report fields by key, the batches' keyed long tables, reasons by
    key for files that killed their worker or ran out of time: not cached, so read again next time).

    A worker reads a batch of files and returns one table per long table, not one per file: ten
    thousand small Arrow tables cost far more memory and pickling than a few hundred. The files of a
    batch whose worker died are read again one at a time, each in a fresh worker, so that only a file
    that kills its worker fails.
    """
    jobs = jobs or os.cpu_count() or 1
    keys = sorted(todo)
    size = max(1, min(BATCH_FILES, len(keys) // (8 * jobs)))
    batches = [[(k, todo[k]) for k in keys[i : i + size]] for i in range(0, len(keys), size)]
    done: dict[tuple[int, int], dict] = {}
    failed: dict[str, str] = {}
    died: list[int] = []
    with tqdm(total=len(todo), desc="reading", unit="file", disable=not progress) as bar:
        if jobs == 1 or len(batches) <= 1:
            for i, batch in enumerate(batches):
                done[(i, 0)] = _read_batch(batch, time_limit)
                bar.update(len(batch))
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(_read_batch, batch, time_limit): i for i, batch in enumerate(batches)}
                for future in as_completed(futures):
                    i = futures[future]
                    try:
                        done[(i, 0)] = future.result()
                        bar.update(len(batches[i]))
                    except Exception:  # the worker died (and with it the pool): read these files again
                        died.append(i)
        for i in sorted(died):
            for j, item in enumerate(batches[i], 1):
                try:
                    with ProcessPoolExecutor(max_workers=1) as alone:
                        done[(i, j)] = alone.submit(_read_batch, [item], time_limit).result()
                except Exception as exc:
                    failed[item[0]] = f"internal error: the worker process died reading this file ({exc})"
                bar.update()
    ordered = [done[i] for i in sorted(done)]
    fresh = {k: r for batch in ordered for k, r in batch["reports"].items()}
    for batch in ordered:
        failed |= batch["failed"]
    return fresh, ordered, failed


def _read_batch(batch: list[tuple[str, str]], time_limit: float | None) -> dict:
    """Worker: a batch of (key, path) → report fields by key, one keyed table per long table, and the
    reasons of files to read again next time (out of time)."""
    reports, failed, read = {}, {}, []
    for key, path in batch:
        try:
            with _time_limit(time_limit):
                result = _read_one(path)
        except _OutOfTime:
            result = {"report": {"error": f"reading took longer than {time_limit:g} s, the per-file time limit; "
                                          "not read (tried again on the next build)"}, "again": True}
        if result.get("again"):
            failed[key] = result["report"]["error"]
            continue
        reports[key] = result["report"]
        read.append((key, result))
    try:
        tables = _tables(read)
    except (pa.ArrowException, TypeError, ValueError):  # a record Arrow cannot type: find its file
        kept = []
        for key, result in read:
            try:
                _tables([(key, result)])
                kept.append((key, result))
            except (pa.ArrowException, TypeError, ValueError) as exc:
                reports[key] = {"meta": reports[key]["meta"], "quality": {},
                                "error": f"internal error: {type(exc).__name__}: {exc}"}
        tables = _tables(kept)
    return {"reports": reports, "failed": failed, **tables}


def _tables(read: list[tuple[str, dict]]) -> dict[str, pa.Table]:
    """The keyed long tables of the files read (key, `_read_one` result)."""
    tables = {}
    for name in LONG:
        rows, keys, seqs = [], [], []
        for key, result in read:
            records = result[name] or []
            rows += records
            keys += [key] * len(records)
            seqs += range(len(records))
        tables[name] = _keyed(_compact(_typed_records(rows, TYPES[name])), keys, seqs)
    return tables


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException, so that no reader's `except Exception` takes it."""


@contextmanager
def _time_limit(seconds: float | None):
    """Raise _OutOfTime after `seconds`: on POSIX systems, in the main thread, when no other interval
    timer is running (one of the caller's is left alone, and then there is no limit)."""
    if (not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_REAL)[0]):
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


def _read_one(path: str) -> dict:
    """Worker: one file → JSON-clean report fields and the records of its long tables (None if refused)."""
    try:
        report = read_report(path)
        meta = {k: v for k, v in report.meta.items() if k not in ("path", "sha256", "file")}
        quality = report.records("quality")
        result = {"report": _json_clean({"meta": meta, "quality": quality[0] if quality else {}, "error": ""})}
        result["cells"] = report.cell_records()
        for name in ("findings", "narrative"):
            result[name] = report.records(name)
        return result
    except ReportError as exc:
        if exc.kind == "time":  # the reader's own clock ran out: that depends on the machine, so not cached
            return {"report": {"error": exc.reason}, "again": True}
        error = exc.reason
    except Exception as exc:  # a bug in the reader must not stop the build; the row makes it visible
        error = f"internal error: {type(exc).__name__}: {exc}"
    with open(path, "rb") as fh:
        head = fh.read(2048)
    meta = {"format": sniff_format(head, path)} if head.strip() else {}
    return {"report": {"meta": meta, "quality": {}, "error": error}, "cells": None, "findings": None,
            "narrative": None}


def _json_clean(obj):
    """`obj` as it comes back from JSON (numpy scalars as Python numbers, dates as text)."""
    text = json.dumps(obj, ensure_ascii=False, default=lambda v: v.item() if hasattr(v, "item") else str(v))
    return json.loads(text)


def _typed_records(records: list, types: dict[str, pa.DataType]) -> pa.Table:
    """Records as an Arrow table of the given column types (NaN → null): dicts (missing fields → null, other fields
    dropped) or tuples of exactly those fields in order (`schema.columns_of`)."""
    fields = columns_of(records, list(types))
    arrays = {c: pa.array(fields[c], type=t, from_pandas=True) for c, t in types.items()}
    return _normalise(pa.table(arrays))


def _compact(table: pa.Table) -> pa.Table:
    """Text columns dictionary-encoded: a 10,000-report corpus then fits in memory several times over."""
    return pa.table({f.name: table[f.name].dictionary_encode() if pa.types.is_string(f.type) else table[f.name]
                     for f in table.schema})


def _plain_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema])


def _keyed(table: pa.Table, keys: list[str], seqs: list[int]) -> pa.Table:
    """The table with each row's cache key and its place in its report's records in front."""
    key = pa.array(keys, pa.string()).dictionary_encode()
    return table.add_column(0, "key", key).add_column(1, "seq", pa.array(seqs, pa.int32()))


def _concat(tables: list[pa.Table], name: str) -> pa.Table:
    text = pa.dictionary(pa.int32(), pa.string())
    empty = pa.table({"key": pa.array([], text), "seq": pa.array([], pa.int32()),
                      **{c: pa.array([], text if t == pa.string() else t) for c, t in TYPES[name].items()}})
    return pa.concat_tables([empty, *tables], promote_options="permissive").unify_dictionaries().combine_chunks()


def _cached(path: Path, keys: set[str]) -> pa.Table | None:
    """The cached long table restricted to `keys`, or None when there is none."""
    if not path.exists():
        return None
    text = [f.name for f in pq.read_schema(path) if pa.types.is_string(f.type)]
    table = pq.read_table(path, read_dictionary=text)
    return table.filter(pa.compute.is_in(table["key"], pa.array(sorted(keys), pa.string())))


def _cache_version() -> str:
    """Package version + digest of the package's source and codebook: a changed reader empties the cache."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), root / "codebook.csv"]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{_package_version('disclosure_utils')}+{digest.hexdigest()[:16]}"


# --------------------------------------------------------------------------- assemble


def _assemble(entries: list[dict], results: dict, failed: dict, long: dict, series: dict) -> tuple[pd.DataFrame, dict]:
    """The reports frame and the long tables (in file order) from the cached results.

    `series` caches the cross-year findings of each pair of reports (by their keys); it is updated.
    """
    rows, seen = [], Counter()
    for order, e in enumerate(entries):
        result = results.get(e["key"], {}) if e["key"] not in failed else {}
        meta = result.get("meta", {})
        if "year_source" in meta and meta["year_source"] not in ("title", "text"):  # read, no year in the text
            year = year_from_name(e["file"])
            meta = {**meta, "year": year, "year_source": "file name" if year is not None else ""}
        base = e["sha256"][:16] or hashlib.sha256(f"path:{e['file']}".encode()).hexdigest()[:16]
        seen[base] += 1
        rows.append({
            "report_id": base if seen[base] == 1 else f"{base}-{seen[base]}", "file": e["file"],
            "sha256": e["sha256"], "format": meta.get("format") or "", "agency": meta.get("agency") or "",
            "unit_key": unit_key(meta.get("agency") or ""), "year": meta.get("year"),
            "year_source": meta.get("year_source") or "",
            "template": meta.get("template") or "", "published": str(meta.get("published") or ""),
            "title": meta.get("title") or "", "quality": result.get("quality", {}),
            "error": e["error"] or failed.get(e["key"]) or result.get("error", "internal error: no result"),
            "key": e["key"], "order": order, "meta": meta,
        })
    reports = pd.DataFrame(rows)
    reports["year"] = reports.year.astype("Int64")
    _flag_duplicates(reports)
    ids = reports[reports.error == ""]
    tables = {name: _arrange(long[name], ids, reports.report_id) for name in LONG}
    tables["findings"] = _with_series(tables["findings"], tables["cells"], reports, series)

    counts = pd.DataFrame({
        "n_cells": _count(tables["cells"]),
        "n_errors": _count(tables["findings"], "error"), "n_warnings": _count(tables["findings"], "warning"),
    })
    reports = reports.join(counts, on="report_id").fillna({c: 0 for c in counts}).astype({c: "int64" for c in counts})
    quality = pd.DataFrame(list(reports.quality), index=reports.index)
    quality = quality.rename(columns={c: f"quality_{c}" for c in quality if c in COLUMN_NOTES["reports"]})
    quality = quality.convert_dtypes() if len(quality.columns) else quality
    head = ["report_id", "file", "sha256", "format", "agency", "unit_key", "year", "year_source", "template",
            "published", "title"]
    tail = ["n_cells", "n_errors", "n_warnings", "error", "duplicate_of", "duplicate_kind"]
    return pd.concat([reports[head], quality, reports[tail]], axis=1), tables


def _flag_duplicates(reports: pd.DataFrame) -> None:
    """duplicate_of / duplicate_kind: same bytes first, then same unit_key and year (first in file order)."""
    reports["duplicate_of"], reports["duplicate_kind"] = "", ""
    for kind, keys, sel in (
        ("same_file", ["sha256"], reports.sha256 != ""),
        ("same_unit_year", ["unit_key", "year"], (reports.error == "") & (reports.unit_key != "") & reports.year.notna()),
    ):
        candidates = reports[sel & (reports.duplicate_kind == "")]
        first = candidates.groupby(keys).report_id.transform("first")
        later = first.index[first != candidates.report_id]
        reports.loc[later, "duplicate_of"] = first[later]
        reports.loc[later, "duplicate_kind"] = kind


def _arrange(table: pa.Table, ids: pd.DataFrame, report_ids: pd.Series) -> pa.Table:
    """Rows of a keyed long table, once for each report holding the key, in report then reading order.

    `ids` are the reports with rows (key, order); `report_ids` all ids by order (the dictionary of the
    report_id column).
    """
    by_key = ids.groupby("key", sort=False).order.agg(list)  # a key is held by several identical files
    pos = pa.compute.index_in(table["key"], value_set=pa.array(list(by_key.index), pa.string()))
    pos = pos.to_numpy(zero_copy_only=False)
    found = ~np.isnan(pos.astype("float64"))
    pos = pos[found].astype("int64")
    counts = np.array([len(v) for v in by_key], dtype="int64")
    holders = np.array([o for v in by_key for o in v], dtype="int64")
    reps = counts[pos]
    row = np.flatnonzero(found).repeat(reps)
    nth = np.arange(len(row)) - (reps.cumsum() - reps).repeat(reps)
    order = holders[(counts.cumsum() - counts)[pos].repeat(reps) + nth]
    sort = np.lexsort((table["seq"].to_numpy()[row], order))
    report_id = pa.DictionaryArray.from_arrays(pa.array(order[sort].astype("int32")),
                                               pa.array(report_ids.to_numpy(), pa.string()))
    taken = table.drop_columns(["key", "seq"]).take(pa.array(row[sort]))
    return taken.add_column(0, "report_id", report_id)


def _with_series(findings: pa.Table, cells: pa.Table, reports: pd.DataFrame, cache: dict) -> pa.Table:
    """Findings plus `checks.check_series` over consecutive reports of each unit (first of each unit-year).

    A pair's findings go to the later report, after that report's own findings. Pairs already in
    `cache` (keyed "key@year|key@year" of the earlier and the later: a year may come from a file name)
    are not checked again; new pairs are added and pairs no longer in the corpus dropped.
    """
    series = reports[(reports.error == "") & (reports.duplicate_kind == "") & (reports.unit_key != "")
                     & reports.year.notna()].sort_values(["unit_key", "year"])
    pairs = {f"{a.key}@{a.year}|{b.key}@{b.year}": (a, b)
             for (_, a), (_, b) in zip(series.iterrows(), series.iloc[1:].iterrows(), strict=False)
             if a.unit_key == b.unit_key}
    for stale in set(cache) - set(pairs):
        del cache[stale]
    todo = {k: v for k, v in pairs.items() if k not in cache}
    if todo:
        wanted = sorted({r.report_id for pair in todo.values() for r in pair})
        mask = pa.compute.is_in(cells["report_id"], pa.array(wanted, pa.string()))
        wanted_cells = cells.filter(mask)
        frames = dict(tuple(wanted_cells.cast(_plain_schema(wanted_cells.schema)).to_pandas().groupby("report_id")))
        empty = pd.DataFrame(columns=list(CELL_TYPES))

        def as_report(r) -> Report:  # the unit is the normalised agency: the agency check_series compares
            table = frames.get(r.report_id, empty).drop(columns="report_id", errors="ignore")
            return Report(meta={**r.meta, "agency": r.unit_key, "year": int(r.year)}, cells=table.reset_index(drop=True))

        for key, (prev, cur) in todo.items():
            cache[key] = _json_clean(checks.check_series([as_report(prev), as_report(cur)]).to_dict(orient="records"))
    rows = [{"report_id": cur.report_id, "order": cur.order, **f} for key, (_, cur) in pairs.items() for f in cache[key]]
    if not rows:
        return findings
    typed = _compact(_typed_records(rows, {"report_id": pa.string(), **FINDING_TYPES}))
    both = pa.concat_tables([findings, typed], promote_options="permissive").unify_dictionaries().combine_chunks()
    own = pa.compute.index_in(findings["report_id"], value_set=pa.array(reports.report_id.to_numpy(), pa.string()))
    order = np.concatenate([own.to_numpy(zero_copy_only=False), [r["order"] for r in rows]])
    series_first = np.repeat([0, 1], [findings.num_rows, len(rows)])
    return both.take(pa.array(np.lexsort((series_first, order))))


def _count(table: pa.Table, severity: str | None = None) -> pd.Series:
    if severity is not None:
        table = table.filter(pa.compute.equal(table["severity"], severity))
    counts = pa.compute.value_counts(table["report_id"])
    values = counts.field("values")
    values = values.cast(values.type.value_type) if pa.types.is_dictionary(values.type) else values
    return pd.Series(counts.field("counts").to_numpy(), index=values.to_pylist(), dtype="int64")


# --------------------------------------------------------------------------- write and read


def _normalise(table: pa.Table) -> pa.Table:
    """Plain (not large) strings and no pandas metadata, so the bytes depend only on the data."""
    schema = pa.schema([f.with_type(pa.string()) if pa.types.is_large_string(f.type) else f for f in table.schema])
    return table.cast(schema).replace_schema_metadata(None)


def _arrow(df: pd.DataFrame) -> pa.Table:
    return _normalise(pa.Table.from_pandas(df, preserve_index=False))


def _slices(table: pa.Table):
    """The table in fixed slices of plain (decoded) columns: the writers never hold it all decoded."""
    schema = _plain_schema(table.schema)
    for start in range(0, table.num_rows, CHUNK_ROWS):
        yield table.slice(start, CHUNK_ROWS).cast(schema)


def _write_parquet(table: pa.Table, path: Path, *, compression: str = "zstd") -> None:
    tmp = path.with_name(path.name + ".tmp")
    with pq.ParquetWriter(tmp, _plain_schema(table.schema), compression=compression, use_dictionary=True,
                          write_statistics=True, version="2.6", data_page_version="1.0", store_schema=True) as writer:
        for part in _slices(table):
            writer.write_table(part, row_group_size=CHUNK_ROWS)
    os.replace(tmp, path)


def _write_csv(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with pa.OSFile(str(tmp), "wb") as sink:
        sink.write(BOM)
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        with pacsv.CSVWriter(sink, _plain_schema(table.schema), write_options=options) as writer:
            for part in _slices(table):
                writer.write_table(part)
    os.replace(tmp, path)


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _unchanged(out: Path, state: dict) -> bool:
    """Every output file still has the size and mtime it was written with."""
    outputs = state.get("outputs") or {}
    try:
        return len(outputs) == 2 * len(TABLE_NAMES) and all(_stat(out / n) == v for n, v in outputs.items())
    except OSError:
        return False


def _load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _dump_json(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _read(path: Path, categorical: tuple[str, ...] = ()) -> pd.DataFrame:
    """A written table; `categorical` columns come back as (unordered) categoricals, the fast way."""
    mapper = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}.get
    return pq.read_table(path, read_dictionary=list(categorical)).to_pandas(types_mapper=mapper)


def _read_reports(out: Path) -> pd.DataFrame:
    return _read(out / "reports.parquet")


def _ordered(values: pd.Series, known: list[str]) -> pd.Series:
    """`values` as an ordered categorical: `known` first (in that order), then other values sorted."""
    values = values.astype("category")
    known = list(dict.fromkeys(known))
    extra = sorted(set(values.cat.categories) - set(known))
    return values.cat.set_categories(known + extra, ordered=True)


def load_corpus(out: str | Path) -> Corpus:
    """The tables of a corpus built by `build_corpus`, with categorical codes and label columns.

    Codes are ordered categoricals in codebook order (codes not in the codebook are kept, after them);
    `cells` gains row_zh, row_en, column_zh and column_en (a code shared by tables, such as `total`, has
    one label); `severity`, `kind`, `format` and `template` are ordered categoricals too.
    """
    out = Path(out)
    reports, findings, narrative, book = (_read(out / f"{n}.parquet") for n in ("reports", "findings", "narrative",
                                                                                "codebook"))
    cells = _read(out / "cells.parquet", categorical=("table", "row", "column", "kind"))
    codes = book[book.entry == "code"]
    for axis in ("row", "column"):
        sel = codes[codes.axis == axis].drop_duplicates("code")
        for lang in ("zh", "en"):
            cells[f"{axis}_{lang}"] = cells[axis].map(dict(zip(sel.code, sel[f"label_{lang}"], strict=True)))
        cells[axis] = _ordered(cells[axis], list(sel.code))
    cells["table"] = _ordered(cells.table, list(TABLES))
    cells["kind"] = _ordered(cells.kind, list(CELL_KINDS))
    findings["severity"] = _ordered(findings.severity, list(SEVERITIES))
    reports["format"] = _ordered(reports.format.replace("", pd.NA), list(FORMATS))
    reports["template"] = _ordered(reports.template.replace("", pd.NA), list(TEMPLATES))
    return Corpus(reports=reports, cells=cells, findings=findings, narrative=narrative, codebook=book)
