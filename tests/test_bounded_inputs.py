"""Hostile files take bounded memory and give bounded reports (issue 13, items 12 and 13).

Files are built at test time. Memory is asserted by running the CLI under an address-space
limit: an unbounded read fails there with MemoryError instead of a clean refusal.
"""

from __future__ import annotations

import io
import json
import re
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ictfootprint.collection import xlsxmembers
from ictfootprint.collection.annotate import annotate_xlsx
from ictfootprint.collection.csvreader import read_csv
from ictfootprint.collection.findings import Finding, FindingLog, Report, Severity
from ictfootprint.collection.service import submit
from ictfootprint.collection.xlsx import read_xlsx
from ictfootprint.errors import InputError
from ictfootprint.model import Entity, EntityKind
from ictfootprint.reference.loader import defaults
from ictfootprint.store import Store

MB = 1024 * 1024
MEMORY_LIMIT = 1536 * MB  # the CLI's address space in the memory tests
SHEET = "xl/worksheets/sheet1.xml"
ROW = "energy_electricity,2023,1234.5,MWh\n"
PER_RULE = 100  # findings_per_rule in defaults.toml


def skeleton() -> dict[str, bytes]:
    """The members of a small valid long-layout workbook."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["indicator", "year", "value", "unit"])
    ws.append(["energy_electricity", 2023, 1000, "MWh"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def deflated(data: bytes, mode: int = zlib.Z_FINISH) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(mode)


def zip_of(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated members as declared: (name, deflated bytes, size, crc)."""
    out, central = io.BytesIO(), []
    for name, packed, size, crc in members:
        offset, encoded = out.tell(), name.encode()
        fields = (0x21, crc, len(packed), size, len(encoded), 0)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, *fields) + encoded)
        out.write(packed)
        central.append(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, *fields, 0, 0, 0, 0, offset)
            + encoded
        )
    start, directory = out.tell(), b"".join(central)
    count = len(members)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def lying_workbook(letters: int, declared: int = 4000) -> bytes:
    """A workbook whose sheet unpacks to ``letters`` bytes of "A" (whole MB) but declares
    ``declared`` bytes, with the CRC-32 of its first ``declared`` bytes: a reader that trusts
    the zip directory finds nothing wrong with the member."""
    members = [(n, deflated(d), len(d), zlib.crc32(d)) for n, d in skeleton().items() if n != SHEET]
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    piece = deflated(b"A" * MB, zlib.Z_FULL_FLUSH)  # repeated: nothing refers back past it
    packed = (
        deflated(head, zlib.Z_FULL_FLUSH)
        + piece * (letters // MB)
        + deflated(b"</t></is></c></row></sheetData></worksheet>")
    )
    prefix = (head + b"A" * declared)[:declared]
    members.append((SHEET, packed, declared, zlib.crc32(prefix)))
    return zip_of(members)


def run_cli_limited(*args: str) -> subprocess.CompletedProcess[str]:
    """``ictfootprint ARGS`` with at most ``MEMORY_LIMIT`` of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [sys.executable, "-m", "ictfootprint", *args],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=limit,
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(str(tmp_path / "bounded.db"))
    store.add_entity(
        Entity(id="op-1", name="Operator", kind=EntityKind.COMPANY, country="FRA", subsectors=())
    )
    return store


def test_lying_member_size_is_refused_as_soon_as_it_unpacks_more() -> None:
    data = lying_workbook(letters=64 * MB)
    with pytest.raises(InputError) as refused:
        read_xlsx(data, "lying.xlsx")
    error = refused.value
    assert error.location.file == "lying.xlsx"
    assert f"{SHEET} decompresses to more than the 4,000 bytes" in error.message
    assert error.expected == "at most 4,000 bytes, as declared"


def test_lying_size_zip_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    """Issue 13 item 12: 1.9 GiB declared as 4,000 bytes took 2.2 GB before it was refused."""
    path = tmp_path / "lying.xlsx"
    path.write_bytes(lying_workbook(letters=1946 * MB))
    assert path.stat().st_size < 3 * MB
    db = str(tmp_path / "c.db")
    added = run_cli_limited(
        "entities", "add", "op-1", "--name", "O", "--country", "FRA", "--db", db
    )
    assert added.returncode == 0, added.stderr
    done = run_cli_limited("submit", str(path), "--entity", "op-1", "--db", db)
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-500:]
    assert done.returncode == 2
    assert "decompresses to more than the 4,000 bytes" in done.stdout


def test_stored_member_is_checked_too() -> None:
    """A member stored uncompressed but declaring another size is damage, not a workbook."""
    members = [(n, deflated(d), len(d), zlib.crc32(d)) for n, d in skeleton().items()]
    data = bytearray(zip_of(members))
    data[8:10] = b"\0\0"  # first member's local header: stored, but its bytes are deflated
    name = members[0][0]
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name)
    info.compress_type = zipfile.ZIP_STORED
    with pytest.raises(InputError, match="truncated or damaged"):
        xlsxmembers.verify_member(bytes(data), info, "stored.xlsx")


def test_huge_styles_part_is_refused_before_openpyxl_parses_it() -> None:
    """openpyxl builds a tree of styles.xml even in read-only mode: 10x its size in memory."""
    parts = skeleton()
    xfs = [b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0"/>' % n for n in range(400_000)]
    assert sum(map(len, xfs)) > xlsxmembers.MAX_WHOLE_PART  # varied: packs well under 200:1
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(
        b"</styleSheet>", b"<cellXfs>" + b"".join(xfs) + b"</cellXfs></styleSheet>"
    )
    data = zip_of([(n, deflated(d), len(d), zlib.crc32(d)) for n, d in parts.items()])
    with pytest.raises(InputError) as refused:
        read_xlsx(data, "styles.xlsx")
    assert refused.value.message == "workbook part xl/styles.xml too large"
    assert refused.value.expected == "at most 20 MB unpacked"


def test_member_flagged_encrypted_is_refused_not_a_traceback() -> None:
    """zipfile raises RuntimeError (not damage) for an encrypted member: refused before."""
    data = zip_of([(n, deflated(d), len(d), zlib.crc32(d)) for n, d in skeleton().items()])
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    info.flag_bits |= 0x1
    with pytest.raises(InputError, match="encrypted workbook part"):
        xlsxmembers.verify_member(data, info, "locked.xlsx")


def strings_workbook(texts: list[bytes]) -> bytes:
    """A small long-layout workbook with a shared-strings table of ``texts``."""
    parts = skeleton()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
        + xlsxmembers.SHARED_STRINGS_TYPE.encode()
        + b'"/></Types>',
    )
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"".join(b"<si><t>" + t + b"</t></si>" for t in texts)
        + b"</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return out.getvalue()


def test_too_many_shared_strings_are_refused() -> None:
    count = xlsxmembers.MAX_SHARED_STRING_COUNT + 1
    data = strings_workbook([b"%d" % n for n in range(count)])
    with pytest.raises(InputError) as refused:
        read_xlsx(data, "strings.xlsx")
    assert refused.value.message == "shared-strings table too large"
    assert refused.value.found == f"{count:,} strings"
    assert refused.value.location.field == "xl/sharedStrings.xml"


def test_too_large_shared_strings_table_is_refused() -> None:
    # varied enough to compress well under the zip-bomb ratio, large enough to pass 50 MB
    texts = [b"%d %x comment text of a row" % (n, n * 2654435761 % 2**32) for n in range(1_350_000)]
    data = strings_workbook(texts)
    with pytest.raises(InputError) as refused:
        read_xlsx(data, "strings.xlsx")
    assert refused.value.message == "shared-strings table too large"
    assert refused.value.expected == "at most 50 MB unpacked"


def test_shared_strings_within_limits_are_read() -> None:
    data = strings_workbook([b"indicator", b"year", b"value", b"unit"])
    raw = read_xlsx(data, "small.xlsx")
    assert [(v.indicator, v.value) for v in raw.values] == [("energy_electricity", 1000)]


def duplicate_csv(rows: int) -> bytes:
    return ("indicator,year,value,unit\n" + ROW * rows).encode()


def test_duplicate_rows_give_a_bounded_report(store: Store) -> None:
    """Issue 13 item 13: 1.39M duplicate rows stored a 317 MB report."""
    rows = 200_000  # 7 MB
    result = submit(store, duplicate_csv(rows), "dup.csv", "op-1")
    report = result.report
    assert result.status == "rejected"
    listed = [f for f in report["findings"] if f["rule"] == "duplicate-in-file"]
    assert len(listed) == PER_RULE
    assert listed[0]["row"] == 3 and listed[0]["message"] == "duplicate of row 2"
    assert report["omitted"] == {"duplicate-in-file": rows - 1 - PER_RULE}
    assert report["errors"] == rows - 1  # counted, listed or not
    stored = store.submission(result.submission_id).report
    assert stored == report
    assert len(json.dumps(stored)) < 100_000


def test_csv_with_more_values_than_a_submission_may_hold_is_refused() -> None:
    most = int(defaults()["collection"]["max_values"])
    with pytest.raises(InputError) as refused:
        read_csv(duplicate_csv(most + 1), "many.csv")
    assert refused.value.location.row == most + 2
    assert refused.value.expected == f"at most {most:,} values"
    read_csv(duplicate_csv(most), "just-enough.csv")


def test_cli_prints_how_many_findings_it_leaves_out(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_bytes(duplicate_csv(150_000))
    db = str(tmp_path / "c.db")
    run_cli_limited("entities", "add", "op-1", "--name", "O", "--country", "FRA", "--db", db)
    done = run_cli_limited("submit", str(path), "--entity", "op-1", "--db", db)
    assert done.returncode == 1, done.stderr[-500:]
    assert "149999 errors" in done.stdout
    assert "... and 149,899 more of rule duplicate-in-file" in done.stdout
    assert len(done.stdout) < 100_000


def test_rows_with_wrong_columns_are_counted_not_listed() -> None:
    raw = read_csv(("indicator,year,value,unit\n" + "a,b\n" * 1000).encode(), "cols.csv")
    listed = [n for n in raw.notices if not n.omitted]
    assert len(listed) == PER_RULE and listed[-1].cell.location.row == PER_RULE + 1
    stand_in = [n for n in raw.notices if n.omitted]
    assert [(n.rule, n.omitted) for n in stand_in] == [("csv-columns", 1000 - PER_RULE)]
    assert "900 more rows with the wrong number of columns" in stand_in[0].message


def test_csv_lines_are_split_as_csv_reads_them() -> None:
    text = (
        'indicator,year,value,unit,comment\r\nenergy_electricity,2023,1,MWh,"a\r\nb"\r'
        "x,2023,2,MWh,c"
    )
    raw = read_csv(text.encode(), "lines.csv")
    assert [(v.indicator, v.comment) for v in raw.values] == [
        ("energy_electricity", "a\r\nb"),
        ("x", "c"),
    ]


def test_finding_log_keeps_the_first_of_each_rule_and_counts_the_rest() -> None:
    log = FindingLog(limit=2)
    made = [Finding("r", Severity.ERROR, f"m{n}") for n in range(5)]
    log.extend([*made, Finding("s", Severity.WARNING, "w")])
    assert log.kept == [made[0], made[1], Finding("s", Severity.WARNING, "w")]
    assert log.omitted == {("r", Severity.ERROR): 3}
    again = FindingLog(limit=2)
    again.extend(log.findings())  # stand-ins carry their counts over
    assert again.omitted == {("r", Severity.ERROR): 3}
    report = Report("f", "csv", "0", "op-1", findings=log.findings())
    assert report.as_dict()["omitted"] == {"r": 3}
    assert (report.as_dict()["errors"], report.as_dict()["warnings"]) == (5, 1)


def test_annotated_copy_says_how_many_findings_are_left_out() -> None:
    data = strings_workbook([b"indicator", b"year", b"value", b"unit"])
    listed = Finding("duplicate-in-file", Severity.ERROR, "duplicate of Sheet!A2")
    stand_in = Finding("range-share", Severity.ERROR, "", omitted=7)
    copy = annotate_xlsx(data, [listed, stand_in], omitted={"duplicate-in-file": 1_389_900})
    sheet = load_workbook(io.BytesIO(copy))["validation report"]
    texts = [str(c.value) for c in sheet["C"] if c.value]
    assert texts[1:] == [
        "duplicate of Sheet!A2",
        "... and 1,389,900 more of rule duplicate-in-file",
        "... and 7 more of rule range-share",
    ]


def test_submission_page_says_how_many_findings_it_leaves_out(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api_world import build_world

    world = build_world(f"sqlite:///{tmp_path / 'web.db'}")
    client = TestClient(world.client.app)
    client.post("/en/signin", data={"token": world.tokens["sub-a"]}, follow_redirects=False)
    form = client.get("/en/submissions").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form)
    assert csrf is not None
    answer = client.post(
        "/en/submissions",
        data={"entity": "illustrative-op-a", "csrf": csrf.group(1)},
        files={"file": ("dup.csv", duplicate_csv(PER_RULE + 50), "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[-300:]
    english = client.get(answer.headers["location"]).text
    assert english.count("duplicate of row 2") == PER_RULE
    # other languages show each finding by its rule's translated message
    page = client.get(answer.headers["location"].replace("/en/", "/fr/")).text
    assert "… et 49 de plus pour la règle duplicate-in-file" in page
    world.store.close()
