"""Benchmark: a world report of about 30 pages, as PDF.

    .venv/bin/python benchmarks/bench_report.py [--entities 2000] [--years 3] [--lang en]
        [--db URL]

Fills a fresh SQLite store with ``bench_sector.build`` (``--entities`` companies in 50
countries and five sub-sectors, every quantity, some entities incomplete or conflicting, so
the report's regions, countries, left-out list and data quality sections are long), then
times the world report of the last year: gathering its data (``reports.content``: totals,
series, trajectory, regions, countries, movers, quality, sources), laying out the HTML, and
WeasyPrint's PDF; prints wall-clock and CPU seconds of each, the pages and the bytes. With
``--db`` an existing store is reported on instead (no value is written to it; what reads
keep, the totals and answers, is).

Issue 17's goal: a 30-page world report in 15 s or less on this 2-core machine.

Measured 2026-12-02 with the defaults (2,000 entities × 3 years, 93,594 observations; the
report of 2017 in English: 34 pages, 257 kB), on the 2 shared cores loaded far beyond them
(load average 13-18: wall-clock 5-9x the CPU time, so only CPU seconds compare): data and
HTML 9.7 s CPU, PDF 6.5 s CPU (16.2 s) at first; 9.2 + 5.7 = 14.8 s CPU after reading the
regional and country breakdowns in one pass of the store (``sector_levels``). Wall-clock: 78 s
and 134 s on that machine; the 15 s goal holds for CPU time, not shown for wall-clock there.
On a machine at load 2: 15.0 s wall, then 10.8 s wall (10.1 s CPU; Arabic 12.2 s, 32 pages)
once the report's years came from one DISTINCT (``Store.published_years``) instead of every
published observation built.

Stop 32, ``--db`` the PostgreSQL store of ``generate_store.py`` (4,285,920 current values), the
report of 2024 in English, the machine quiet, whole process (``/usr/bin/time``): before
(22986a8) 282 pages, 1,456,258 bytes, data and HTML 4.35 s, PDF 19.8 s, 24.2 s in all, peak
814 MB; after (c27f402: the 7,036 resolved disagreements of the year listed up to 200, the rest
counted) 29 pages, 264,490 bytes, 3.49 s + 2.83 s = 6.32 s, peak 415 MB (the goal: 500 MB).
Stop 33 (the world's trends, the year's facts kept while the data holds; the submissions
counted in the database), the same store, once kept: data + HTML 0.79 s, PDF 3.23 s, 6.05 s
for the whole process, peak 312 MB.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ictfootprint.store import Store


def timed(label: str, action, results: dict[str, tuple[float, float]]):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    results[label] = (time.perf_counter() - wall, time.process_time() - cpu)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--db", default=None, help="report on this store instead")
    args = parser.parse_args()

    from pypdf import PdfReader

    from ictfootprint.reports import content
    from ictfootprint.reports.document import world_report
    from ictfootprint.reports.pdf import html_to_pdf, pdf_available

    reason = pdf_available()
    if reason is not None:
        sys.exit(reason)
    with tempfile.TemporaryDirectory() as folder:
        if args.db:
            store = Store.open(args.db)
        else:
            from bench_sector import build

            store = Store.open(f"sqlite:///{Path(folder) / 'bench.db'}", actor="bench")
            started = time.perf_counter()
            written = build(store, args.entities, args.years)
            print(f"store: {written:,} observations in {time.perf_counter() - started:.1f} s")
        results: dict[str, tuple[float, float]] = {}
        year, _years = content.check_year(store, None)
        # warm the imports and DuckDB once, as a server would be
        timed("warm-up", lambda: html_to_pdf("<html><title>x</title><p>x</p></html>"), results)
        report = timed("data + html", lambda: world_report(store, year, args.lang), results)
        pdf = timed("pdf", lambda: html_to_pdf(report.html), results)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        total_wall = sum(w for k, (w, _c) in results.items() if k != "warm-up")
        total_cpu = sum(c for k, (_w, c) in results.items() if k != "warm-up")
        for label, (wall, cpu) in results.items():
            print(f"{label:>12}: {wall:6.2f} s wall, {cpu:6.2f} s CPU")
        print(
            f"world report {year} ({args.lang}): {pages} pages, {len(pdf):,} bytes, "
            f"{total_wall:.2f} s wall ({total_cpu:.2f} s CPU); goal 15 s for 30 pages"
        )
        store.close()


if __name__ == "__main__":
    main()
