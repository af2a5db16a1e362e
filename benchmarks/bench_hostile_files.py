"""Benchmark: hostile files through ``ictfootprint submit`` (issue 13, items 12 and 13).

    .venv/bin/python benchmarks/bench_hostile_files.py [--only zip,csv,strings] [--limit-mb N]

Builds, at run time, in a temporary folder:

- ``lying-size.xlsx``: a 1.9 MB workbook whose sheet decompresses to about 1.9 GiB of one letter
  while its zip headers declare 4,000 bytes (and a CRC-32 that matches those first 4,000 bytes,
  so a reader that trusts the declared size sees a sound member);
- ``duplicates.csv``: 49 MB, 1.39 million copies of one row;
- ``shared-strings.xlsx``: about 37 MB, a 189 MB shared-strings table behind a small sheet.

Each is submitted by the CLI in a child process on a fresh SQLite file. Printed for each: wall
time, the CLI's peak memory (max RSS), its exit status, the size of the stored report and of
what it printed. ``--limit-mb`` runs the CLI under ``prlimit --as`` (address space, MB), so an
unbounded read fails instead of taking the machine down. Goal (issue 13): under 500 MB each.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

MB = 1024 * 1024
LETTERS_GIB = 1.9
DECLARED = 4000
CSV_ROWS = 1_390_000
CSV_ROW = b"energy_electricity,2023,1234.5,MWh\n"  # 35 bytes: 1.39M rows = 48.7 MB
STRINGS = 2_000_000
CLI = [sys.executable, "-m", "ictfootprint"]
# The child that measures: runs the command, prints its peak RSS (kB) on stderr's last line.
MEASURE = (
    "import resource, subprocess, sys\n"
    "out = open(sys.argv[1], 'wb')\n"
    "rc = subprocess.run(sys.argv[2:], stdout=out).returncode\n"
    "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)


def _skeleton() -> dict[str, bytes]:
    """The members of a small valid workbook (long layout), by name."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "data"
    ws.append(["indicator", "year", "value", "unit", "comment"])
    ws.append(["energy_electricity", 2023, 1000, "MWh", "x"])
    buffer = io.BytesIO()
    wb.save(buffer)
    import zipfile

    with zipfile.ZipFile(buffer) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _deflate(chunks: Iterator[bytes]) -> tuple[bytes, int, int]:
    """Raw deflate of ``chunks`` at level 9, streamed: (compressed, size, crc32 of all)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, size, crc = [], 0, 0
    for chunk in chunks:
        out.append(packer.compress(chunk))
        size += len(chunk)
        crc = zlib.crc32(chunk, crc)
    out.append(packer.flush())
    return b"".join(out), size, crc


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of already deflated members: (name, deflated bytes, declared size, declared crc)."""
    central, offset = [], 0
    with path.open("wb") as out:
        for name, packed, size, crc in members:
            encoded = name.encode()
            fields = (0x21, crc, len(packed), size, len(encoded), 0)  # date, crc, sizes, name
            head = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, *fields) + encoded
            out.write(head + packed)
            central.append(
                struct.pack(
                    "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, *fields, 0, 0, 0, 0, offset
                )
                + encoded
            )
            offset += len(head) + len(packed)
        directory, count = b"".join(central), len(members)
        out.write(directory)
        end = (count, count, len(directory), offset, 0)
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, *end))


def _packed(members: dict[str, bytes]) -> list[tuple[str, bytes, int, int]]:
    return [(n, *_deflate(iter([d]))) for n, d in members.items()]


def lying_deflate(head: bytes, letters: int, tail: bytes) -> bytes:
    """Raw deflate of ``head``, ``letters`` bytes of "A" (whole MB), then ``tail``.

    One megabyte of "A" is compressed once, ending with a full flush (nothing after it refers
    back into it), and that piece is repeated: the generator holds about 2 MB, whatever the
    size it describes, and takes no time.
    """

    def flushed(data: bytes, mode: int) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(mode)

    piece = flushed(b"A" * MB, zlib.Z_FULL_FLUSH)
    return flushed(head, zlib.Z_FULL_FLUSH) + piece * (letters // MB) + flushed(tail, zlib.Z_FINISH)


def make_lying_zip(path: Path, gib: float = LETTERS_GIB, declared: int = DECLARED) -> None:
    """A workbook whose sheet is ~``gib`` GiB of one letter but declares ``declared`` bytes
    (with the CRC-32 of its first ``declared`` bytes, so that the truncated member checks)."""
    members = _packed({n: d for n, d in _skeleton().items() if n != "xl/worksheets/sheet1.xml"})
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    tail = b"</t></is></c></row></sheetData></worksheet>"
    packed = lying_deflate(head, int(gib * 1024) * MB, tail)
    prefix = (head + b"A" * declared)[:declared]
    members.append(("xl/worksheets/sheet1.xml", packed, declared, zlib.crc32(prefix)))
    write_zip(path, members)


def make_duplicate_csv(path: Path, rows: int = CSV_ROWS) -> None:
    """``rows`` copies of one value, after the header."""
    with path.open("wb") as out:
        out.write(b"indicator,year,value,unit\n")
        block = CSV_ROW * 10_000
        for _ in range(rows // 10_000):
            out.write(block)
        out.write(CSV_ROW * (rows % 10_000))


def make_shared_strings_xlsx(path: Path, strings: int = STRINGS) -> None:
    """A small long-layout sheet behind a shared-strings table of ``strings`` distinct texts."""
    members = _skeleton()
    rows = [
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        b'<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c>'
        b'<c r="E1" t="s"><v>4</v></c></row>'
    ]
    for r in range(2, 1002):
        rows.append(
            f'<row r="{r}"><c r="A{r}" t="s"><v>5</v></c><c r="B{r}"><v>2023</v></c>'
            f'<c r="C{r}"><v>{r}</v></c><c r="D{r}" t="s"><v>6</v></c>'
            f'<c r="E{r}" t="s"><v>{r + 5}</v></c></row>'.encode()
        )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    members["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:E1001"/><sheetData>' + b"".join(rows) + b"</sheetData></worksheet>"
    )

    def texts() -> Iterator[bytes]:
        fixed = ["indicator", "year", "value", "unit", "comment", "energy_electricity", "MWh"]
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (strings, strings)
        )
        for text in fixed:
            yield f"<si><t>{text}</t></si>".encode()
        state = 12345
        for number in range(strings - len(fixed)):
            words = []
            for _ in range(5):  # a little randomness, so the table packs about 5:1
                state = (state * 1103515245 + 12345) & 0x7FFFFFFF
                words.append(f"{state % 100000:05d}")
            text = f"comment {number} {' '.join(words)} and some more padding text here!!"
            yield f"<si><t>{text}</t></si>".encode()
        yield b"</sst>"

    table = _deflate(texts())
    packed = [m for m in _packed(members) if m[0] != "xl/sharedStrings.xml"]
    packed.append(("xl/sharedStrings.xml", *table))
    write_zip(path, packed)


def _stored_report_bytes(db: Path) -> int:
    with sqlite3.connect(db) as con:
        row = con.execute("select length(report) from submissions order by id desc").fetchone()
    return int(row[0] or 0) if row else 0


def run(path: Path, folder: Path, limit_mb: int | None) -> dict[str, object]:
    """Submit ``path`` on a fresh database; the measures."""
    db = folder / f"{path.stem}.db"
    db.unlink(missing_ok=True)
    entity = ["op-1", "--name", "Operator", "--country", "FRA", "--db", str(db)]
    subprocess.run([*CLI, "entities", "add", *entity], check=True, capture_output=True)
    command = [*CLI, "submit", str(path), "--entity", "op-1", "--db", str(db)]
    if limit_mb:
        command = ["prlimit", f"--as={limit_mb * MB}", *command]
    out = folder / f"{path.stem}.out"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(out), *command], capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    rc, rss = done.stderr.strip().splitlines()[-1].split()
    printed = out.read_bytes()
    return {
        "file": path.name,
        "file_mb": round(path.stat().st_size / MB, 1),
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(int(rss) / 1024),
        "exit": int(rc),
        "report_kb": round(_stored_report_bytes(db) / 1024, 1),
        "stdout_kb": round(len(printed) / 1024, 1),
        "first_line": printed.decode(errors="replace").strip().splitlines()[:1],
        "stderr_tail": done.stderr.strip().splitlines()[-3:-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="zip,csv,strings", help="zip, csv, strings")
    parser.add_argument("--limit-mb", type=int, default=None, help="prlimit --as for the CLI")
    args = parser.parse_args()
    makers = {
        "zip": ("lying-size.xlsx", make_lying_zip),
        "csv": ("duplicates.csv", make_duplicate_csv),
        "strings": ("shared-strings.xlsx", make_shared_strings_xlsx),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for key in args.only.split(","):
            name, make = makers[key]
            path = folder / name
            make(path)
            print(json.dumps(run(path, folder, args.limit_mb)), flush=True)


if __name__ == "__main__":
    main()
