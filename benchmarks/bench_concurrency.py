"""Benchmark: uncached reads under 50 concurrent clients, on the real server, at scale.

    .venv/bin/python benchmarks/bench_concurrency.py --db bench.db [--workers 2] [--clients 50]
        [--duration 20] [--think 0] [--lockstep] [--seed 1] [--warm 0] [--changed]
        [--only TEXT] [--renders N]

Serves ``--db`` (a store built by ``generate_store.py``: a SQLite file or a PostgreSQL URL;
built first with ``--observations`` current values when it is empty) with the project's own
server, ``ictfootprint serve`` (uvicorn, ``--workers`` processes, ``--rate-limit 0``), on
127.0.0.1 only. Per request kind, ``--clients`` keep-alive connections send GETs for
``--duration`` seconds, each with a query string never asked before (``&bench=N``, which the
API ignores), so that every answer misses the read cache and is computed: what the issue
calls an uncached read. ``--think`` seconds between a client's requests model people reading
(0: back to back, the closed loop in which latency is clients / throughput): drawn at random
with that mean, each client starting at a random moment, so that they come independently;
``--lockstep`` waits exactly ``--think`` from one start, so every client asks at once each
time (what ``--think`` did before stop 36: its figures are bursts of fifty). ``--changed``
marks the data changed before each kind, as accepting a submission does
(``bench_after_change.py``): its first reads compute the answers they find out of date, as in
the minute after a review; ``--warm`` runs the same load for that many seconds first, not
counted (each worker's first counts and the answers a mark left out of date; its query
strings are never asked again). A connection the server closed while idle (uvicorn's
keep-alive, 5 s) is opened again, as browsers do. Prints the count, errors, requests per
second and p50 / p95 / p99 per kind, and the server's CPU time.

Kinds (issue 15's goals: API reads p99 <= 100 ms on PostgreSQL, pages p99 <= 300 ms):
observations by country, indicator and year (a page of 100, the filter value cycling), the page
at offset 100,000, the same depth by keyset cursor, aggregates, trajectories, and the
dashboard's explorer and country pages.

The load generator (raw HTTP/1.1 on asyncio, ``bench_api.py``) runs in this process and
shares the machine's cores with the server; its CPU time is printed beside the server's.

Measured 2026-12-02 on this 2-core machine while other work kept the load average at 14-25
(so the server got about half a core: latencies are mostly queueing), 2 workers, 50 clients,
10 s a kind, on stores of ``generate_store.py`` stopped short of 4 M for time: PostgreSQL
3,062,370 current values (3,149,524 rows), SQLite 2,661,140 (2,736,741 rows). p50/p95/p99 ms,
and the server's own CPU time per request (what the figures would be on idle cores):

| request | PG back to back | PG think 1 s | SQLite back to back | CPU/request PG |
|---|---|---|---|---|
| by country | 178 / 652 / 942 | 316 / 1,118 / 1,416 | 510 / 1,843 / 2,909 | 4.2 ms |
| by indicator | 293 / 823 / 1,209 | 205 / 1,206 / 1,447 | 592 / 3,105 / 3,916 | 5.1 ms |
| by year | 245 / 1,112 / 1,754 | 891 / 3,945 / 4,038 | 1,099 / 5,532 / 6,325 | 5.0 ms |
| offset 100,000 | 396 / 815 / 1,068 | 1,137 / 10,454 / 11,680 | 3,333 / 11,020 / 11,146 | 4.8 ms |
| cursor at 100,000 | 300 / 1,736 / 2,609 | 460 / 1,796 / 2,207 | 983 / 3,441 / 4,353 | 5.2 ms |
| aggregates, trajectories, country page | 503 (time limit) | | | |
| explorer page | 21,720 / 21,977 / 21,978 | | | 350 ms |

A second PostgreSQL run, back to back at load 24-29: p99 2,428 (country), 3,177 (indicator),
2,361 (year), 5,433 (offset 100,000), 1,185 ms (cursor at 100,000); the explorer, with its
entity list read as labels, 24,732 ms (430 ms of server CPU a page: its select of every one of
the 10,200 published entities).

Back to back, PostgreSQL served 110-200 uncached observation pages a second. The goal (p99
<= 100 ms with 50 clients) is not met on this shared machine; aggregates and trajectories
(the sector roll-up and the trajectory assessment, computed in Python from every value) and
the country page exceed the time limit at 3 M values; the explorer was measured before its
entity list was read as labels (2.4 s to 0.5 s of its build).

Stop 27, the machine otherwise quiet (load 1-2 before each run), 2 workers, 50 clients back
to back, 10 s a kind, each kind in a run of its own (``--only``); p50 / p95 / p99 ms:

| request | PG 4,285,920 values | PG 10,002,100 values (before -> after 277acb9) |
|---|---|---|
| by country | 276 / 718 / 857 | 331 / 953 / 1,175 -> 269 / 948 / 1,301 |
| by indicator | 377 / 1,015 / 1,310 | 448 / 1,550 / 2,284 -> 366 / 1,171 / 1,672 |
| by year | 369 / 1,812 / 3,092 | 509 / 6,316 / 7,088 -> 408 / 2,325 / 3,776 |
| offset 100,000 | 631 / 1,870 / 6,291 | 225 / 22,172 / 22,585 (7/s) -> 632 / 1,900 / 4,603 (61/s) |
| cursor at 100,000 | 378 / 844 / 1,147 | 387 / 858 / 1,210 -> 417 / 1,013 / 1,248 |
| aggregates by country | 18,245 / 23,083 / 23,198 (2.2 req/s) | |
| trajectories of a country | every one 503 (time limit 30 s) | |
| page: country | every one 503 | |
| page: explorer | 11,225 / 12,142 / 12,160 | |

The server spends 8-10 ms of CPU per observation page (110-150 a second on 2 cores, so 50
clients back to back wait 300-450 ms at the median); the 10 M store's deep pages and years
were slow because every request missing the kept count counted every value at once (277acb9:
one counts, the others wait). Aggregates, trajectories and the country page are 0.3-1 s of
work each: fifty at once on 40 threads finish together, past the limit. What is left: those
answers materialised (area totals and trends kept like ``sector_rows``), and a bound on the
renders running at once so that a queue is served in turn.

Stop 28, the renders bounded per worker (``api/cache.Renders``, ``serve --renders N``; 0 is no
bound, as before), PostgreSQL 4,408,009 values (``generate_store.py``, rows rebuilt before
serving), 2 workers, 50 clients back to back, 20 s a kind, one run each (runs of one setting
differed by up to a third); served / 503 (time limit), requests a second, p50 / p99 ms:

* aggregates by country: no bound 57 / 13, 1.7/s, 17,897 / 29,929; 2: 88 / 4, 2.2/s,
  14,760 / 29,747; 4: 91 / 0, 2.3/s, 18,532 / 26,597; 8: 96 / 0, 2.8/s, 14,849 / 29,495;
* trajectories of a country: no bound 103 / 0, 3.7/s, 8,656 / 22,986; 2: 118 / 0, 3.6/s,
  10,821 / 17,884;
* page: country: no bound 25 / 27, 0.8/s, 26,764 / 29,582; 2: 74 / 11 and 59 / 15 (two
  runs); 4: 54 / 18 and 46 / 24; 8: 42 / 24;
* observations by country (none past the limit): no bound 142/s, 305 / 987; 2: 114/s,
  419 / 654; 4: 199/s, 221 / 659.

Fifty clients back to back wait clients / throughput whatever the order (about 20 s for 2.5
aggregates a second): the bound does not make a heavy answer fast, it keeps the work done
useful. Unbounded, every render ran at once, past the limit, and went on after its 503; in
turn, those that start finish, and those still waiting when their client leaves are never
rendered. The default, 4, served the most observation pages. (Before the store's rows were
rebuilt at start-up, every aggregate and trajectory answered 503 here: each request started
the same rebuild of 10,200 entities.) The goals (p99 100 ms, pages 300 ms) need the heavy
answers materialised.

Stop 29, the totals of every area kept (``area_totals``) and the partial indexes of the rows
that totals list and that trends read (migration 0017), the same store regenerated (4,408,009
values), renders 4, 20 s a kind, one run each; served / 503, requests a second, p50 / p95 /
p99 ms:

* back to back: aggregates by country 218 / 0, 8.1/s, 4,362 / 7,723 / 8,093 (stop 28: 91 / 0,
  2.3/s); trajectories of a country 177 / 0, 5.8/s, 6,339 / 13,353 / 13,567 (103-118, 3.6/s);
  page: country 59 / 17, 12,644 / 29,407 / 29,706 (46-54 / 18-24);
* think 1 s: aggregates 138-213 / 0, 4.5-7.6/s, p50 3,931-9,425, p99 9,128-10,780 (stop 28:
  p50 12.5 s); trajectories 154, 5.4/s, 8,157 / 12,859; page: country 58 / 19; observation
  pages p99 377-1,067 (by year 5,980: the first requests of the run).

An aggregate is now 190-230 ms of the server's CPU (in process: 176 ms for the 8,000 totals
and 11,600 listed rows of the countries, 22 ms of response model, 17 ms of JSON for 3.3 MB);
the database's share fell from a GROUP BY of 0.6 s to an indexed read of 20-50 ms. With 50
clients on 2 cores that throughput, not the database, sets the wait. A country's trajectory
is 0.22-0.25 s (its trends, read by the partial index), the country page 0.8 s (its published
values' summary 0.23-0.3 s, its series with trends 0.3 s, its trajectory 0.22 s).

Stop 30, 2026-12-04, a quiet machine (load under 1 before each run), a store regenerated
(4,407,682 values, 4,285,920 current), 2 workers, 50 clients back to back, 20 s a kind, one
run each; the tree before the stop (a052900) and after it, in turn on the same store (p in
ms):

| request | before: served, /s, p50 / p99 | after |
|---|---|---|
| aggregates by country | 444, 19.7/s, 2,091 / 3,442 | 561, 25.6/s, 1,922 / 2,395 |
| trajectories of a country | 270, 10.5/s, 4,421 / 7,999 | 563, 24.8/s, 1,489 / 2,903 |
| page: country | 113, 3.2/s, 12,834 / 24,439 | 134, 3.9/s, 13,568 / 18,783 |

No 503 in either. An aggregate's lists are paged now (``/aggregates`` gives each list's count
and first 100 rows): the countries' answer is 1.8 MB instead of 3.4 MB, the world's 37 kB
instead of 1.6 MB. A country's trends read its own rows (900 for France) instead of its ITU
region's (38,000) when its estimates take their own peers. The other kinds, after: observations
by country / indicator / year / cursor 302-347/s, p99 296-691 ms; offset 100,000 191/s, p99 545
ms; explorer 15.6/s, p99 4,050 ms. In process (median of 5): the country page 320-344 ms (its
published values' summary 150-180 ms, of which the sources' GROUP BY 59 ms and a country's
ratios 43 ms; series and trajectory 125 ms), a trajectory 63-76 ms, the countries' aggregate
65-84 ms.

Stop 32, the same store and settings, the tree before the stop (22986a8) and after (one run
each, in turn): page: country 135, 4.2/s, 7,167 / 17,207 -> 170, 6.3/s, 7,075 / 10,620 (the
page's series and trajectory from one computation of the country's trends; sessions without
JIT); trajectories of a country 565-582, 24.5-26.4/s, p99 2,115-3,530 -> 566, 23.7-24.6/s, p99
2,986-4,091 (the same work; runs of one tree differ by a third at p99). In process the
country page is 224-234 ms (goal 300 ms). The 10 M store (``generate_store.py
--observations 10000000``: 10,287,197 values, 10,002,100 current, 23,810 entities, in 589 s,
17,454 rows/s, 258 MB; its kept rows built by the first ``aggregate`` in 49 s), after: by
country / indicator / year / cursor 336-361/s, p99 256-357 ms; offset 100,000 194/s, p99 445
ms; aggregates by country 20.5/s, p99 3,360 ms; trajectories of a country 24.6/s, p99 2,445
ms; explorer 7.3/s, p99 9,693 ms; page: country 3.5/s, p99 17,218 ms. Every kind within 2x of
the 4.4 M store's figures but the explorer (2.1x fewer a second: its list of the 23,810
entities with a value) and the country page (1.8x).

Stop 33, the 4.4 M store, 2 workers, 50 clients back to back, 20 s, one run a kind; before =
0843c49 (run with this script, which adds the home and world pages to the kinds), after =
this stop's tree (answers kept while the data's generation holds: the trends, a country's
profile data, the map's reporter count, the explorer's entities): served (errors), requests a
second, p50 / p99 ms:

| kind | before | after |
|---|---|---|
| trajectories of a country | 497, 20.4/s, 2,051 / 4,524 | 8,237, 409.6/s, 113 / 246 |
| page: country | 161, 5.9/s, 7,998 / 9,887 | 600, 27.5/s, 1,952 / 4,439 |
| page: home (world map) | 43 (31 were 503), 0.9/s, 16,636 / 29,905 | 554, 24.1/s, 3,169 / 3,672 |
| page: world sector | 55 (20 were 503), 1.3/s, 12,754 / 29,987 | 358, 16.3/s, 2,369 / 8,361 |
| page: explorer by indicator | 373, 16.0/s, 3,035 / 5,565 | 746, 34.8/s, 1,618 / 2,918 |

The trajectories meet the API goal (p99 <= 100 ms) within 2.5x under 50 clients; the pages'
p99 is still clients / throughput: 50-100 ms of server CPU a page on two cores.

Stop 34, a store regenerated (4,285,920 current values), 2 workers, 50 clients back to back, 20
s, one run a kind; before = ed6ece4, after = this stop's tree (an API page of values read as it
is shown, its columns only; the map's values, an area page's totals kept; a page's rows brought
up to date once): served, requests a second, p50 / p99 ms. Runs of one tree differed by up to a
fifth (observations by country after: 321-382/s in three runs).

| kind | before | after |
|---|---|---|
| observations by country | 4,884, 240.3/s, 190 / 425 | 6,474-7,688, 321-382/s, 51-143 / 422-454 |
| trajectories (country) | 6,411, 318.4/s, 140 / 368 | 6,005-6,709, 298-330/s, 163-168 / 310-479 |
| page: home (world map) | 384, 16.9/s, 2,971 / 5,107 | 696, 32.1/s, 1,551 / 3,014 |
| page: country | 550, 24.7/s, 2,348 / 3,883 | 781, 36.6/s, 1,234 / 3,351 |
| page: world sector | | 591, 27.0/s, 1,921 / 3,483 |
| page: explorer by indicator | | 521, 23.0/s, 1,785 / 3,291 |

No errors. The observation pages' p50 fell with their CPU (an uncached page: 6 ms in the store
before, 3.3 of it the database's); their p99 did not: with 50 clients on two workers the slowest
wait behind a whole queue.

Stop 35, the same store, 2 workers, 50 clients back to back, 15 s, one run a kind, the machine
quiet; before = c7a7d05 (stop 34's tree), after = 74bac48 (the API's aggregate kept; the
trends, the aggregate and the explorer's entities shared decoded in a process; numbers
formatted lately kept formatted). After ran first, so it also computed the answers the marks
of ``bench_after_change.py`` had made stale (the tails of its pages); before then read them
kept. Served, requests a second, p50 / p99 ms:

| kind | before | after |
|---|---|---|
| observations by country | 4,499, 297.1/s, 153 / 447 | 5,093, 335.5/s, 56 / 502 |
| observations cursor at 100,000 | 5,546, 367.1/s, 122 / 417 | 4,978, 329.4/s, 140 / 406 |
| aggregates by country | 308, 17.3/s, 2,837 / 3,264 | 1,581, 102.8/s, 460 / 1,151 |
| trajectories of a country | 6,481, 428.2/s, 108 / 217 | 7,440, 493.3/s, 91 / 358 |
| page: explorer by indicator | 1,195, 75.3/s, 642 / 1,187 | 1,818, 117.4/s, 421 / 991 |
| page: country | 569, 35.0/s, 1,348 / 2,138 | 777, 49.0/s, 887 / 3,203 |
| page: home (world map) | 473, 27.2/s, 1,477 / 2,843 | 933, 56.8/s, 1,271 / 1,843 |
| page: world sector | 483, 28.8/s, 1,598 / 2,586 | 887, 55.1/s, 870 / 1,272 |

No errors. The observation pages are unchanged (runs differ by a fifth). An earlier run of
9387c0c, with the same answers kept: country page 46.9/s, p99 1,727 ms. Every country's
aggregate of a year is 1.8 MB of JSON: 102.8/s is 185 MB/s through the server.

Stop 36, the same store, 2 workers, 50 clients, the machine quiet. Until then ``--think``
sent every client at once each second (bursts of fifty); they now come independently (a
random think of that mean). p99 ms of each kind, d89c72a (stop 35's tree, four renders at
once), 20 s a kind, think 1 s, lockstep -> independent: observations by country 356 -> 16,
indicator 539 -> 19, year 2,174 -> 257, offset 100,000 882 -> 170, cursor 248 -> 15,
aggregates 1,072 -> 162, trajectories 212 -> 20, explorer 1,178 -> 644, country 3,801 -> 1,035,
home 1,439 -> 645, world 1,136 -> 525. The year's and the offset's tails are each worker's first
count (kept then while the data holds).

Renders at once per worker (``--renders``), the country page, independent, think 1 s, p99 ms:
20 s runs: 1: 516, 671, 700; 2: 824, 899; 4: 1,035, 1,764; 3 workers of 1: 1,075; 4 workers of
1: 1,663. 60 s runs of the pages, 4 -> 1 (this stop's tree: one render in turn, a slow one
stepping aside after 0.2 s): explorer 616 -> 174, country 1,178 -> 333, home 421 -> 322, world
457 -> 315; the server's CPU a country page 30 -> 25 ms (four renders at once under one
interpreter lock cost more CPU, not only more wait). Back to back, 15 s, one render (before
the stepping aside) against stop 35's table above (four): observations by country 484/s, p99
310; indicator 496/s, 215; year 483/s, 353; offset 100,000 165/s, 468; cursor 490/s, 156;
aggregates 120/s, 641; trajectories 664/s, 173; explorer 135/s, 651; country 56/s, 1,526; home
55/s, 2,065; world 63/s, 1,118. ``--renders 4`` against 1 in one sitting: observations by
country 436/s p99 372 -> 507/s p99 217; home 61.6/s p99 2,085 -> 79.8/s p99 1,500.

After a change (``--changed``, 20 s a kind, independent, think 1 s), d89c72a -> this stop, p99
ms: explorer 817 -> 510, country 3,107 -> 2,495, home 1,671 -> 1,862, world 1,536 -> 1,666:
the first computations (the world's trends about 1 s, each country's 0.3 s) are the tail
either way; with one render at a time they step aside instead of holding the line.

This stop's tree, ``--duration 60 --think 1 --warm 10`` (independent), served, requests a
second, p50 / p95 / p99 ms, no errors:

| kind | served | /s | p50 / p95 / p99 |
|---|---|---|---|
| observations by country | 2,981 | 45.6 | 5 / 8 / 11 |
| observations by indicator | 2,981 | 45.6 | 5 / 8 / 11 |
| observations by year | 2,976 | 45.4 | 6 / 10 / 14 |
| observations offset 100,000 | 2,945 | 44.6 | 12 / 28 / 45 |
| observations cursor at 100,000 | 2,975 | 45.4 | 6 / 10 / 14 |
| aggregates by country | 2,922 | 46.6 | 20 / 46 / 65 |
| trajectories of a country | 2,981 | 45.6 | 5 / 8 / 12 |
| page: explorer by indicator | 2,910 | 46.1 | 21 / 72 / 167 |
| page: country | 2,772 | 43.4 | 58 / 254 / 337 |
| page: home (world map) | 2,775 | 43.5 | 65 / 211 / 337 |
| page: world sector | 2,763 | 43.1 | 61 / 268 / 354 |

Every API read meets the goal (p99 <= 100 ms) with fifty clients coming independently; the
pages are 12-18 % over theirs (300 ms) at 25-28 ms of the server's CPU each, 1.2 of the two
cores. Back to back (fifty clients with no pause), latency is clients / throughput: a mean
of 100 ms takes 500 reads a second, which the observation pages reach (484-507/s, p50 68-115
ms, p99 156-353 ms) and nothing heavier does.

Stop 37: each served worker freezes what it holds once started and collects its young
generation every 10,000 allocations (``cli/serve.collector_tuned``); with Python's defaults a
full collection of a started worker took 155-170 ms, every request of the worker waiting,
about every hundred pages. Pages also compile their constant texts in. The pages, ``--duration
60 --think 1 --warm 10``, one sitting, ca2d982 -> this stop, p50 / p95 / p99 ms (the server's
CPU for the run):

| kind | ca2d982 | this stop |
|---|---|---|
| page: explorer by indicator | 13 / 29 / 101 (32.3 s) | 13 / 28 / 42 (30.6 s) |
| page: country | 44 / 202 / 275 (67.0 s) | 30 / 80 / 116 (54.7 s) |
| page: home (world map) | 37 / 144 / 222 (61.1 s) | 29 / 73 / 113 (52.7 s) |
| page: world sector | 44 / 212 / 294 (68.8 s) | 37 / 111 / 162 (60.1 s) |

The API reads at this stop, the same way: observations by country 6 / 9-10 / 13-14, by
indicator 6-7 / 10-11 / 14-15, by year 6-7 / 9-11 / 13-16, offset 100,000 13 / 29-31 / 45-46,
cursor 7 / 11 / 14, aggregates 19 / 50 / 74, trajectories 5 / 7 / 9: every kind, pages
included, within its goal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).parent))

from bench_after_change import mark_changed
from bench_api import (
    Connection,
    Figures,
    fetch_once,
    free_port,
    group_cpu_seconds,
    report_server_log,
    start_server,
    stop_server,
)

#: among the first 200 codes in alphabetical order, the countries generate_store.py fills
COUNTRIES: Final = ("FRA", "DEU", "KEN", "IND", "BRA", "CHN", "JPN", "NGA", "EGY", "MEX")
INDICATORS: Final = ("ghg_scope1", "energy_electricity", "ghg_scope2_location")
YEARS: Final = tuple(range(2015, 2025))


def kinds(cursor: str) -> list[tuple[str, Callable[[int], str]]]:
    """(name, path of the n-th request): each path unique, so never served from the cache."""
    return [
        (
            "observations by country",
            lambda n: f"/api/v1/observations?country={COUNTRIES[n % 10]}&limit=100&bench={n}",
        ),
        (
            "observations by indicator",
            lambda n: f"/api/v1/observations?indicator={INDICATORS[n % 3]}&limit=100&bench={n}",
        ),
        (
            "observations by year",
            lambda n: f"/api/v1/observations?year={YEARS[n % 10]}&limit=100&bench={n}",
        ),
        (
            "observations offset 100,000",
            lambda n: f"/api/v1/observations?limit=100&offset=100000&bench={n}",
        ),
        (
            "observations cursor at 100,000",
            lambda n: f"/api/v1/observations?limit=100&cursor={cursor}&bench={n}",
        ),
        (
            "aggregates by country",
            lambda n: f"/api/v1/aggregates?year={YEARS[5 + n % 5]}&level=country&bench={n}",
        ),
        (
            "trajectories of a country",
            lambda n: f"/api/v1/trajectories?level=country&id={COUNTRIES[n % 10]}&bench={n}",
        ),
        (
            "page: explorer by indicator",
            lambda n: f"/en/explore?indicator={INDICATORS[n % 3]}&bench={n}",
        ),
        ("page: country", lambda n: f"/en/countries/{COUNTRIES[n % 10]}?bench={n}"),
        ("page: home (world map)", lambda n: f"/en/?bench={n}"),
        ("page: world sector", lambda n: f"/en/world?bench={n}"),
    ]


#: The numbers of the requests' query strings, never the same twice in a run of the script.
_NUMBERS: Final = count()


async def drive(
    port: int,
    path: Callable[[int], str],
    clients: int,
    duration: float,
    think: float,
    lockstep: bool = False,
    seed: int = 1,
) -> Figures:
    """``clients`` keep-alive connections asking ``path(n)`` for ``duration`` seconds, each
    waiting ``think`` seconds between requests: drawn at random (exponential, that mean) after
    a random start within the first ``think``, so that clients come independently as people
    do; ``lockstep``: exactly ``think`` from a common start, so all come at once each time."""
    figures = Figures()
    draw = random.Random(seed)
    until = time.perf_counter() + duration

    def pause() -> float:
        return think if lockstep else draw.expovariate(1 / think)

    async def client() -> None:
        connection = Connection(port)
        if think and not lockstep:
            await asyncio.sleep(draw.uniform(0, think))
        while (start := time.perf_counter()) < until:
            try:
                status, _ = await connection.get(path(next(_NUMBERS)))
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                connection.close()
                status, reason = 0, repr(error)
            else:
                reason = f"HTTP {status}"
            if status == 200:
                figures.latencies.append(time.perf_counter() - start)
            else:
                figures.errors += 1
                figures.first_error = figures.first_error or reason
            if think:
                await asyncio.sleep(pause())
        connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return figures


def deep_cursor(port: int) -> str:
    """The cursor of the page at offset 100,000 (the ``next`` of the page before it)."""
    status, body = asyncio.run(fetch_once(port, "/api/v1/observations?limit=100&offset=99900"))
    if status != 200:
        raise SystemExit(f"offset 99,900: HTTP {status} {body[:200]!r}")
    link = json.loads(body)["next"]
    if not link or "cursor=" not in link:
        raise SystemExit(f"no cursor in the page at offset 99,900: {link!r}")
    return str(link.split("cursor=", 1)[1].split("&", 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", required=True, help="SQLite file path or PostgreSQL URL")
    parser.add_argument("--observations", type=int, default=4_000_000, help="if empty")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds between a client's requests"
    )
    parser.add_argument(
        "--lockstep", action="store_true", help="think exactly --think, every client at once"
    )
    parser.add_argument("--seed", type=int, default=1, help="of the random think times")
    parser.add_argument(
        "--warm",
        type=float,
        default=0.0,
        help="seconds of the same load before each kind's timed run, not counted",
    )
    parser.add_argument(
        "--changed",
        action="store_true",
        help="mark the data changed before each kind: its first reads compute the answers",
    )
    parser.add_argument("--only", help="run only kinds whose name holds this text")
    parser.add_argument(
        "--renders", type=int, help="serve --renders: uncached renders at once per worker"
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.duration <= 300:
        raise SystemExit("at most 500 clients and 300 seconds")
    from sqlalchemy import func, select

    from ictfootprint.store import Store
    from ictfootprint.store.schema import current_observations

    store = Store.open(args.db, actor="bench_concurrency")
    with store.engine.connect() as connection:
        size = connection.execute(
            select(func.count()).select_from(current_observations)
        ).scalar_one()
    if size == 0:
        from generate_store import Shape, generate

        generate(args.db, Shape.for_observations(args.observations), progress=True)
        with store.engine.connect() as connection:
            size = connection.execute(
                select(func.count()).select_from(current_observations)
            ).scalar_one()
    dialect = store.dialect
    store.close()
    print(
        f"{dialect}, {size:,} current observations, {args.workers} workers, {args.clients} "
        f"clients, {args.duration:.0f} s a kind, think {args.think} s"
        + (" (lockstep)" if args.lockstep else " (independent)" if args.think else "")
    )
    print(
        "| request | n | errors | req/s | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as folder:
        port = free_port()
        log = Path(folder) / "server.log"
        options = ("--renders", str(args.renders)) if args.renders is not None else ()
        server = start_server(args.db, port, args.workers, log, options)
        try:
            cursor = deep_cursor(port)
            for name, path in kinds(cursor):
                if args.only and args.only not in name:
                    continue
                if args.changed:
                    mark_changed(args.db)
                if args.warm:
                    asyncio.run(
                        drive(port, path, args.clients, args.warm, args.think, args.lockstep)
                    )
                cpu = group_cpu_seconds(server.pid)
                own = resource.getrusage(resource.RUSAGE_SELF)
                started = time.perf_counter()
                figures = asyncio.run(
                    drive(
                        port,
                        path,
                        args.clients,
                        args.duration,
                        args.think,
                        args.lockstep,
                        args.seed,
                    )
                )
                elapsed = time.perf_counter() - started
                mine = resource.getrusage(resource.RUSAGE_SELF)
                server_cpu = group_cpu_seconds(server.pid) - cpu
                client_cpu = (mine.ru_utime + mine.ru_stime) - (own.ru_utime + own.ru_stime)
                done = len(figures.latencies)
                print(
                    f"| {name} | {done:,} | {figures.errors} | {done / elapsed:,.1f} | "
                    f"{figures.percentile(0.50):,.0f} | {figures.percentile(0.95):,.0f} | "
                    f"{figures.percentile(0.99):,.0f} |"
                    + (f" first error: {figures.first_error}" if figures.first_error else "")
                    + f" (server CPU {server_cpu:.1f} s, client {client_cpu:.1f} s)",
                    flush=True,
                )
        finally:
            stop_server(server)
            report_server_log(log)


if __name__ == "__main__":
    main()
