"""The zip package of a submitted workbook, examined before anything parses it.

:func:`open_package` refuses what must not be opened: not a zip, a damaged zip, an OLE file
(encrypted or legacy .xls), a zip bomb (the sizes the zip directory declares are capped; then
every member is decompressed, streamed, and refused as soon as it produces more than it
declares, so no later read can unpack more than the cap), a shared-strings table too large to
hold, macros. :func:`package_parts` and :func:`scan_sheet` then read what the package declares
(sheets and their visibility, custom properties, external links, a sheet's size and merged
ranges) with defusedxml, which refuses DTDs and entities; :func:`package_notices` and
:func:`data_sheet` turn that into workbook-level warnings and the choice of the sheet to read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from typing import Final
from xml.etree.ElementTree import Element
from xml.sax import ContentHandler
from xml.sax.xmlreader import AttributesImpl

# defusedxml ships no type information (and types-defusedxml is not a dev dependency)
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from defusedxml.sax import parse  # type: ignore[import-untyped]
from openpyxl.utils import range_boundaries

from ictfootprint.collection import template
from ictfootprint.collection.raw import Cell, Notice
from ictfootprint.collection.xlsxmembers import DAMAGE as DAMAGE
from ictfootprint.collection.xlsxmembers import check_shared_strings, mentions, verify_member
from ictfootprint.collection.xlsxmembers import damaged as damaged
from ictfootprint.errors import InputError, Location

MAX_UNCOMPRESSED: Final = 200 * 1024 * 1024  # bytes, all members together
MAX_RATIO: Final = 200  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR: Final = 1024 * 1024
MAX_CELLS: Final = 1_000_000  # in the data sheet
OLE_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True)
class Sheet:
    """A sheet as declared in ``xl/workbook.xml``; ``path`` is ``None`` for chart sheets."""

    title: str
    state: str
    path: str | None


@dataclass(frozen=True)
class Parts:
    """What the zip container says about the workbook, learnt without openpyxl."""

    sheets: tuple[Sheet, ...]
    properties: dict[str, str]
    external_links: tuple[str, ...]


def open_package(data: bytes, name: str) -> zipfile.ZipFile:
    """The workbook's zip, after the checks that need no parsing (refusals as ``InputError``)."""
    where = Location(file=name)
    if data.startswith(OLE_MAGIC):
        raise InputError(
            "password-protected (encrypted) or legacy .xls workbook: save it unprotected as .xlsx",
            where,
        )
    if not data.startswith(b"PK"):
        raise InputError("not an xlsx workbook", where, expected="an .xlsx file", found=_kind(data))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except DAMAGE as exc:
        raise damaged(name, exc) from None
    # zipfile never returns more than a member's declared size, so the declared sizes bound
    # what any later reading can unpack.
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise InputError(
            "workbook too large once unpacked (zip bomb?)",
            where,
            expected=f"at most {MAX_UNCOMPRESSED // 2**20} MB unpacked",
            found=f"{total // 2**20} MB",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(
                "workbook member compressed suspiciously well (zip bomb?)",
                where,
                expected=f"a compression ratio of at most {MAX_RATIO}",
                found=f"{ratio:,.0f} for {info.filename}",
            )
    names = {n.lower() for n in zf.namelist()}
    if "[content_types].xml" not in names or "_rels/.rels" not in names:
        raise InputError("not an xlsx workbook", where, expected="an .xlsx file", found="a zip")
    for info in infos:
        verify_member(data, info, name)
    # from here on every member is known to unpack to exactly its declared size
    content_types = _read(zf, "[Content_Types].xml", name)
    check_shared_strings(zf, content_types, name)
    types = content_types.lower()
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroenabled" in types:
        raise InputError("macro-enabled workbook (.xlsm): save it as .xlsx without macros", where)
    if b"macrosheet" in types:  # Excel 4.0 (XLM) macros live in macro sheets, not in VBA
        raise InputError("workbook with macro sheets: save it as .xlsx without macros", where)
    return zf


def package_parts(zf: zipfile.ZipFile, name: str) -> Parts:
    """Sheets, custom properties and external links, parsed from the package's XML."""
    package = _relationships(zf, "", "_rels/.rels", name)
    book = next((t for kind, t in package.values() if kind == "officeDocument"), "")
    if book not in zf.namelist():
        raise InputError("not an xlsx workbook", Location(file=name), found="no workbook part")
    folder, base = posixpath.split(book)
    rels = _relationships(zf, folder, f"{folder}/_rels/{base}.rels", name)
    sheets = []
    for node in _parse(zf, book, name).iter():
        if _local(node.tag) == "sheet":
            rid = next((v for k, v in node.attrib.items() if k.endswith("}id")), "")
            kind, target = rels.get(rid, ("", ""))
            path = target if kind == "worksheet" and target in zf.namelist() else None
            sheets.append(Sheet(node.get("name", ""), node.get("state", "visible"), path))
    custom = next((t for kind, t in package.values() if kind == "custom-properties"), None)
    properties: dict[str, str] = {}
    if custom in zf.namelist():
        for node in _parse(zf, str(custom), name):
            if _local(node.tag) == "property" and len(node):
                properties[node.get("name", "")] = (node[0].text or "").strip()
    links = tuple(
        n for n in zf.namelist() if n.startswith("xl/externalLinks/") and n.endswith(".xml")
    )
    return Parts(tuple(sheets), properties, links)


def package_notices(parts: Parts, name: str) -> list[Notice]:
    """Warnings about the whole workbook: hidden sheets (never read) and external links."""
    notices = [
        Notice(
            "xlsx-hidden-sheet",
            "warning",
            f"hidden sheet {sheet.title!r} ignored: its content is not read",
            Cell(Location(file=name, sheet=sheet.title)),
            found=sheet.state,
            expected="visible",
        )
        for sheet in parts.sheets
        if sheet.state != "visible"
    ]
    if parts.external_links:
        notices.append(
            Notice(
                "xlsx-external-links",
                "warning",
                "links to other workbooks are not followed: formulas using them are refused",
                Cell(Location(file=name)),
                found=f"{len(parts.external_links)} external link(s)",
            )
        )
    return notices


def data_sheet(parts: Parts, name: str, props: dict[str, str] | None) -> Sheet:
    """The sheet to read: a template's data sheet (``props`` given), else the first visible one."""
    visible = [s for s in parts.sheets if s.state == "visible" and s.path]
    if props is None:
        if not visible:
            raise InputError("no visible worksheet", Location(file=name))
        return visible[0]
    # the language property comes from the file: an unknown one must not raise here
    words = template.template_text().get(props.get(template.PROP_LANGUAGE, ""), {})
    wanted = props.get(template.PROP_DATA_SHEET) or words.get("data_sheet", "data")
    for sheet in visible:
        if sheet.title == wanted:
            return sheet
    raise InputError(
        "the template's data sheet is missing or hidden",
        Location(file=name, sheet=wanted),
        expected=f"a visible sheet {wanted!r}",
        found=", ".join(s.title for s in visible),
    )


class _Stop(Exception):
    """Ends a SAX scan early."""


class _SheetScan(ContentHandler):
    def __init__(self, whole: bool) -> None:
        super().__init__()
        self.whole = whole
        self.dimension: str | None = None
        self.merges: list[str] = []

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = name.rpartition(":")[2]
        if local == "dimension":
            self.dimension = attrs.get("ref")
        elif local == "mergeCell" and attrs.get("ref"):
            self.merges.append(attrs["ref"])
        elif local == "sheetData" and not self.whole:
            raise _Stop


def scan_sheet(zf: zipfile.ZipFile, sheet: Sheet, name: str) -> list[str]:
    """Check the data sheet's declared size; return its merged ranges.

    openpyxl's read-only worksheets do not expose merged cells, so they are read here, with a
    full parse only when the sheet mentions any.
    """
    path = str(sheet.path)
    scan = _SheetScan(whole=mentions(zf, path, b"mergeCell", name))
    try:
        with zf.open(path) as stream:  # streamed: the sheet is never held whole
            parse(stream, scan, forbid_dtd=True)
    except _Stop:
        pass
    except DAMAGE as exc:
        raise damaged(name, exc) from None
    box = bounds(scan.dimension or "")
    if box is None:
        return scan.merges  # no usable dimension: the count while reading still applies
    low_col, low_row, high_col, high_row = box
    cells = (high_col - low_col + 1) * (high_row - low_row + 1)
    if cells > MAX_CELLS:
        raise too_many(name, sheet.title, f"{cells} cells ({scan.dimension})")
    return scan.merges


def bounds(ref: str) -> tuple[int, int, int, int] | None:
    """(first column, first row, last column, last row) of a range like ``A1:J20``."""
    try:
        low_col, low_row, high_col, high_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if low_col is None or low_row is None or high_col is None or high_row is None:
        return None
    return low_col, low_row, high_col, high_row


def _read(zf: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        return zf.read(member)
    except DAMAGE as exc:
        raise damaged(name, exc) from None


def _parse(zf: zipfile.ZipFile, member: str, name: str) -> Element:
    try:
        node: Element = fromstring(_read(zf, member, name), forbid_dtd=True)
    except DAMAGE as exc:
        raise damaged(name, exc) from None
    return node


def _relationships(
    zf: zipfile.ZipFile, folder: str, member: str, name: str
) -> dict[str, tuple[str, str]]:
    """Relationship id → (type's last word, member path) of one ``.rels`` part."""
    if member not in zf.namelist():
        return {}
    found = {}
    for node in _parse(zf, member, name):
        target = node.get("Target", "")
        if node.get("TargetMode") == "External":
            path = target
        elif target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        found[node.get("Id", "")] = (node.get("Type", "").rpartition("/")[2], path)
    return found


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _kind(data: bytes) -> str:
    """What a file that is not a zip looks like, for the error message."""
    if not data:
        return "an empty file"
    try:
        first = data[:60].decode("utf-8-sig").splitlines()[0]
    except (UnicodeDecodeError, IndexError):
        return "binary data"
    return f"text starting {first[:30]!r}" if first.isprintable() else "binary data"


def too_many(name: str, sheet: str, found: str) -> InputError:
    """The error for a data sheet of more than :data:`MAX_CELLS` cells."""
    return InputError(
        "data sheet too large",
        Location(file=name, sheet=sheet),
        expected=f"at most {MAX_CELLS} cells",
        found=found,
    )
