"""Regenerate the bad-workbook corpus in ``tests/bad_inputs/xlsx/`` (committed, each < 1 MB).

    .venv/bin/python tests/bad_inputs/make_xlsx_corpus.py

Output is deterministic (fixed zip timestamps, document dates and random seeds), so running it
again changes nothing unless this script or the template changes. ``tests/test_xlsx.py`` says
what the reader must do with each file.

``encrypted.xlsx`` is what Excel writes for a password-protected workbook: an OLE compound file
(CFB, version 3) holding the streams ``EncryptionInfo`` (an agile encryption descriptor, version
4.4, with its XML key data) and ``EncryptedPackage`` (the package size, then ciphertext). The
container is written by hand below; the "ciphertext" is seeded random bytes, not AES output,
since producing real AES would need a cryptography dependency. The reader refuses the file on
its OLE signature alone.
"""

from __future__ import annotations

import base64
import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ictfootprint.collection.template import template_bytes

OUT = Path(__file__).resolve().parent / "xlsx"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
YEARS = [2022, 2023]


def normalised(data: bytes) -> bytes:
    """The same package with fixed member times and document dates (reproducible bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2024-01-01T00:00:00Z",
                    body,
                )
            member = zipfile.ZipInfo(info.filename, FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, body)
    return out.getvalue()


def saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalised(buffer.getvalue())


def template(fill: Callable[[Workbook], None], years: list[int] = YEARS) -> bytes:
    """The English telecom-operator template, changed by ``fill``, saved."""
    wb = load_workbook(io.BytesIO(template_bytes("telecom-operator", "en", years, "xlsx")))
    fill(wb)
    return saved(wb)


def long_layout(rows: list[list[object]], header: list[str] | None = None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "data"
    ws.append(header or ["indicator", "year", "value", "unit", "method", "source"])
    for row in rows:
        ws.append(row)
    return wb


def with_members(
    data: bytes, change: Callable[[str, bytes], bytes], extra: dict[str, bytes]
) -> bytes:
    """A copy of a package with members changed by ``change`` and ``extra`` members added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, change(info.filename, source.read(info)))
        for name, body in extra.items():
            member = zipfile.ZipInfo(name, FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, body)
    return out.getvalue()


def filled(wb: Workbook) -> None:
    ws = wb.worksheets[1]
    ws["E2"], ws["F2"], ws["E3"], ws["F3"] = 1500.5, 1620, 900, 950


# --- the files -------------------------------------------------------------------------------


def truncated() -> bytes:
    whole = template(filled)
    return whole[: len(whole) // 2]


def zip_bomb_ratio() -> bytes:
    """One member of 60 MB of spaces: compresses about 1000:1 (the limit is 200:1)."""
    return with_members(
        template(filled), lambda _, body: body, {"xl/media/blank.bin": b" " * 60 * 2**20}
    )


def zip_bomb_total() -> bytes:
    """260 members of 0.9 MB each (under the per-member ratio floor), 234 MB in all (> 200 MB)."""
    block = b"\0" * (9 * 2**20 // 10)
    extra = {f"xl/media/image{n}.bin": block for n in range(260)}
    return with_members(template(filled), lambda _, body: body, extra)


def encrypted() -> bytes:
    rng = random.Random(1472)

    def b64(size: int) -> str:
        return base64.b64encode(rng.randbytes(size)).decode()

    algorithm = (
        'saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"'
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
        'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password" '
        'xmlns:c="http://schemas.microsoft.com/office/2006/keyEncryptor/certificate">'
        f'<keyData {algorithm} saltValue="{b64(16)}"/>'
        f'<dataIntegrity encryptedHmacKey="{b64(64)}" encryptedHmacValue="{b64(64)}"/>'
        '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        f'<p:encryptedKey spinCount="100000" {algorithm} saltValue="{b64(16)}" '
        f'encryptedVerifierHashInput="{b64(16)}" encryptedVerifierHashValue="{b64(64)}" '
        f'encryptedKeyValue="{b64(32)}"/></keyEncryptor></keyEncryptors></encryption>'
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + xml.encode()
    package = template(filled)
    ciphertext = rng.randbytes(-(-len(package) // 16) * 16)
    return compound_file(
        {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", len(package)) + ciphertext}
    )


def formulas() -> bytes:
    def fill(wb: Workbook) -> None:
        ws = wb.worksheets[1]
        ws["E2"], ws["F2"] = 1500, "=E2*1.1"
        ws["E3"] = "=SUM(E2:F2)"
        ws["E4"], ws["D4"] = 10, '="MWh"'  # a formula in the unit cell: the row is refused

    return template(fill)


def external_links() -> bytes:
    wb = long_layout(
        [["energy_total", 2023, 1200, "MWh"], ["ghg_scope1", 2023, "=[1]Sheet1!$A$1", "tCO2e"]]
    )
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    link = (
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{rel_ns}"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/>'
        '</sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>42</v>'
        "</cell></row></sheetData></sheetDataSet></externalBook></externalLink>"
    ).encode()
    link_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel_ns}/externalLinkPath" '
        'Target="file:///C:/finance/emissions-2023.xlsx" TargetMode="External"/></Relationships>'
    ).encode()

    def change(name: str, body: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return body.replace(
                b"</sheets>",
                f'</sheets><externalReferences><externalReference xmlns:r="{rel_ns}" '
                'r:id="rId99"/></externalReferences>'.encode(),
            )
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(
                b"</Relationships>",
                f'<Relationship Id="rId99" Type="{rel_ns}/externalLink" '
                'Target="externalLinks/externalLink1.xml"/></Relationships>'.encode(),
            )
        if name == "[Content_Types].xml":
            return body.replace(
                b"</Types>",
                b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="'
                b'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                b"</Types>",
            )
        return body

    extra = {
        "xl/externalLinks/externalLink1.xml": link,
        "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels,
    }
    return with_members(saved(wb), change, extra)


def _macro_types(name: str, body: bytes) -> bytes:
    if name != "[Content_Types].xml":
        return body
    return body.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        b"</Types>",
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )


def macro_enabled() -> bytes:
    """A template saved as .xlsm: macro content type and a VBA project (an OLE stream)."""
    vba = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    return with_members(template(filled), _macro_types, {"xl/vbaProject.bin": vba})


def macro_content_type() -> bytes:
    """Declared macro-enabled (content type) without a VBA part: refused all the same."""
    return with_members(template(filled), _macro_types, {})


def merged_cells() -> bytes:
    def fill(wb: Workbook) -> None:
        filled(wb)
        ws = wb.worksheets[1]
        ws["E4"] = 77
        ws.merge_cells("E4:F4")  # one value across two years
        ws.merge_cells("B6:B7")  # the name column is not read: no notice

    return template(fill)


def hidden_sheet() -> bytes:
    wb = long_layout([["energy_total", 2023, 1200, "MWh"]])
    secret = wb.create_sheet("secret", 0)  # first, so "first visible sheet" is tested too
    secret.append(["indicator", "year", "value", "unit"])
    secret.append(["energy_total", 2023, 999999, "MWh"])
    secret.sheet_state = "hidden"
    deeper = wb.create_sheet("deeper")
    deeper.append(["ghg_scope1", 2023, 5, "tCO2e"])
    deeper.sheet_state = "veryHidden"
    wb.active = 1
    return saved(wb)


def garbage() -> bytes:
    return random.Random(7).randbytes(4096)


def csv_renamed() -> bytes:
    return b"indicator,year,value,unit\nenergy_total,2023,1200,MWh\n"


def not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("readme.txt", FIXED_TIME), "a zip file, not a workbook")
    return out.getvalue()


def empty() -> bytes:
    return saved(Workbook())


def long_missing_unit() -> bytes:
    rows: list[list[object]] = [["energy_total", 2023, 1200], ["ghg_scope1", 2023, 55.5]]
    return saved(long_layout(rows, ["Indicator", "Year", "Value"]))


def long_unknown_column() -> bytes:
    rows: list[list[object]] = [
        ["energy_total", 2023, 1200, "MWh", "blue"],
        ["ghg_scope1", 2023, "=12*2", "tCO2e", ""],
    ]
    return saved(long_layout(rows, ["INDICATOR", "year", "Value", "unit", "colour"]))


def odd_values() -> bytes:
    """Values the reader hands over as found; the validation rules judge them."""

    def fill(wb: Workbook) -> None:
        ws = wb.worksheets[1]
        ws["E2"], ws["E3"], ws["E4"] = "n/a", "—", "1 234,5"
        ws["E5"], ws["E6"], ws["F2"] = "about 12", -5, 10.5

    return template(fill, [2023, 2099])


def too_many_cells() -> bytes:
    """A header and one far cell: the sheet spans A1:T50001, 1,000,020 cells."""
    wb = long_layout([])
    ws = wb.active
    assert ws is not None
    ws["T50001"] = 1
    return saved(wb)


def damaged_member() -> bytes:
    """The zip directory is intact but the data sheet's compressed bytes are not."""
    data = bytearray(template(filled))
    start = data.index(b"xl/worksheets/sheet2.xml") + len("xl/worksheets/sheet2.xml")
    for offset in range(start + 40, start + 240, 7):
        data[offset] ^= 0x5A
    return bytes(data)


CORPUS: dict[str, Callable[[], bytes]] = {
    "truncated.xlsx": truncated,
    "zip_bomb_ratio.xlsx": zip_bomb_ratio,
    "zip_bomb_total.xlsx": zip_bomb_total,
    "encrypted.xlsx": encrypted,
    "formulas.xlsx": formulas,
    "external_links.xlsx": external_links,
    "macro_enabled.xlsm": macro_enabled,
    "macro_content_type.xlsx": macro_content_type,
    "merged_cells.xlsx": merged_cells,
    "hidden_sheet.xlsx": hidden_sheet,
    "garbage.xlsx": garbage,
    "csv_renamed.xlsx": csv_renamed,
    "not_a_workbook.xlsx": not_a_workbook,
    "empty.xlsx": empty,
    "long_missing_unit.xlsx": long_missing_unit,
    "long_unknown_column.xlsx": long_unknown_column,
    "odd_values.xlsx": odd_values,
    "too_many_cells.xlsx": too_many_cells,
    "damaged_member.xlsx": damaged_member,
}


# --- an OLE compound file (MS-CFB, version 3: 512-byte sectors) ------------------------------

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """Streams in the root storage. Streams under 4096 bytes live in the mini stream."""
    small = {n: b for n, b in streams.items() if len(b) < CUTOFF}
    large = {n: b for n, b in streams.items() if len(b) >= CUTOFF}
    mini_fat: list[int] = []
    mini_data = b""
    starts: dict[str, int] = {}
    for name, body in small.items():
        count = -(-len(body) // MINI)
        starts[name] = len(mini_fat)
        mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + [END]
        mini_data += body.ljust(count * MINI, b"\0")
    fat = [FAT_SECTOR, END]  # sector 0: the FAT; sector 1: the directory
    sectors = [b"", b""]

    def chain(body: bytes) -> int:
        first = len(fat)
        count = max(1, -(-len(body) // SECTOR))
        fat.extend([first + i + 1 for i in range(count - 1)] + [END])
        sectors.extend(
            body[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\0") for i in range(count)
        )
        return first

    table = b"".join(struct.pack("<I", e) for e in mini_fat).ljust(SECTOR, b"\xff")  # rest: free
    mini_fat_start = chain(table) if mini_fat else END
    mini_start = chain(mini_data) if mini_data else END
    for name, body in large.items():
        starts[name] = chain(body)
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for this corpus"
    sectors[0] = b"".join(struct.pack("<I", e) for e in fat).ljust(SECTOR, b"\xff")
    # Directory: the root, then the streams as a red-black tree ordered by (length, upper name)
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    entries = [
        _entry(
            "Root Entry", 5, 1, NONE, NONE, 2 if len(names) > 1 else 1, mini_start, len(mini_data)
        )
    ]
    for index, name in enumerate(names, start=1):
        # Two streams: the longer name is the (black) root, the shorter its red left child.
        is_root = index == len(names)
        left = index - 1 if is_root and index > 1 else NONE
        entries.append(
            _entry(name, 2, 1 if is_root else 0, left, NONE, NONE, starts[name], len(streams[name]))
        )
    assert len(names) <= 2, "the tree above is written for at most two streams"
    while len(entries) % 4:
        entries.append(_entry("", 0, 0, NONE, NONE, NONE, 0, 0))
    sectors[1] = b"".join(entries)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII", 0, 1, 1, 0, CUTOFF, mini_fat_start, 1 if mini_fat else 0, END, 0
        )
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def _entry(
    name: str, kind: int, colour: int, left: int, right: int, child: int, start: int, size: int
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, colour)
        + struct.pack("<III", left, right, child)
        + b"\0" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\0" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in CORPUS.items():
        data = make()
        assert len(data) < 2**20, f"{name}: {len(data)} bytes (keep corpus files under 1 MB)"
        (OUT / name).write_bytes(data)
        print(f"{name:28} {len(data):>8} bytes")


if __name__ == "__main__":
    main()
