"""Unpacking a workbook's zip members under a hard cap on the bytes actually produced.

A zip directory's sizes are the sender's word: :func:`verify_member` decompresses a member a
chunk at a time and refuses it as soon as it produces more than it declares. Once every member
has passed, any later read (ours, or openpyxl's, which decompresses a member in one call) is
bounded by the declared sizes, which :func:`.xlsxpackage.open_package` caps.
:func:`verify_member` also caps the parts openpyxl parses whole (styles, workbook, ...) and
:func:`check_shared_strings` the table it holds whole; :func:`mentions` looks for a word in a
member without holding it.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from typing import Final
from xml.etree.ElementTree import ParseError

# defusedxml ships no type information (and types-defusedxml is not a dev dependency)
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from ictfootprint.errors import InputError, Location

# openpyxl holds the whole shared-strings table in memory: its size and its count are capped.
MAX_SHARED_STRINGS: Final = 50 * 1024 * 1024  # bytes, unpacked
MAX_SHARED_STRING_COUNT: Final = 1_000_000  # as many as the data sheet may have cells
CHUNK: Final = 64 * 1024  # bytes decompressed at a time
SHARED_STRINGS_TYPE: Final = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
# Parts openpyxl parses whole (into a tree) even in read-only mode; the worksheets are streamed
# and the rest (drawings, media, pivot caches, ...) is not read at all.
MAX_WHOLE_PART: Final = 20 * 1024 * 1024  # bytes, unpacked
_WHOLE_PARTS: Final = re.compile(
    r"\[content_types\]\.xml|.*\.rels|docprops/.*|xl/workbook\.xml|xl/styles\.xml|xl/theme/.*"
)
_LOCAL_HEADER: Final = struct.Struct("<4s5H3L2H")  # a zip member's local file header
_STRING_ITEM: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s/>]")

# What openpyxl and zipfile raise on a damaged or malformed part. The file is untrusted, so any
# of these means "damaged workbook" to the submitter, never a traceback.
DAMAGE: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    ParseError,
    SyntaxError,  # lxml's XMLSyntaxError, which openpyxl's parsers raise
    DefusedXmlException,
)
# A DTD has no place in a workbook (Excel and LibreOffice never write one); refused in every
# XML part before openpyxl reads any, since openpyxl parses some parts (docProps/core.xml) with
# lxml, not defusedxml, and an entity there is XXE or a billion laughs.
_DTD: Final = b"<!DOCTYPE"
_XML_PART: Final = re.compile(r".*\.(xml|rels|vml)")


def verify_member(data: bytes, info: zipfile.ZipInfo, name: str) -> None:
    """Decompress one member, streamed, and refuse it unless it is exactly what it declares.

    The zip directory's sizes cannot be trusted: zipfile (and openpyxl through it) decompresses
    a member in one call and only then cuts it to its declared size, so a member declaring
    4,000 bytes that unpacks to gigabytes takes gigabytes of memory. Here at most ``CHUNK``
    bytes are held at a time and decompression stops as soon as the bytes actually produced
    exceed the declared size; once every member has passed, no later read can unpack more than
    the declared sizes, which :func:`open_package` has already capped.
    """
    where = Location(file=name)
    member = info.filename
    if info.file_size > MAX_WHOLE_PART and _WHOLE_PARTS.fullmatch(member.lower()):
        raise InputError(
            f"workbook part {member} too large",
            where,
            expected=f"at most {MAX_WHOLE_PART // 2**20} MB unpacked",
            found=f"{info.file_size / 2**20:,.0f} MB",
        )
    if info.flag_bits & 0x1:
        raise InputError(f"encrypted workbook part {member}: save the workbook unprotected", where)
    start = info.header_offset
    head = data[start : start + _LOCAL_HEADER.size]
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise damaged(name, zipfile.BadZipFile(f"bad local header for {member}"))
    fields = _LOCAL_HEADER.unpack(head)
    start += _LOCAL_HEADER.size + fields[-2] + fields[-1]
    packed = memoryview(data)[start : start + info.compress_size]
    if len(packed) < info.compress_size:
        raise damaged(name, EOFError(f"{member} is cut short"))
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size or zlib.crc32(packed) != info.CRC:
            raise damaged(name, zipfile.BadZipFile(f"bad stored member {member}"))
        if _XML_PART.fullmatch(member.lower()) and _DTD in bytes(packed):
            raise _dtd(name, member)
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise InputError(
            f"workbook part {member} uses an unusual compression",
            where,
            expected="deflate (as Excel and LibreOffice write)",
            found=f"zip compression method {info.compress_type}",
        )
    xml = bool(_XML_PART.fullmatch(member.lower()))
    unpack = zlib.decompressobj(-zlib.MAX_WBITS)
    produced, crc, offset = 0, 0, 0
    tail = b""  # the end of the last chunk, so that a DTD cut in two is still seen
    pending: bytes | memoryview = b""
    try:
        while not unpack.eof:
            if not pending and offset < len(packed):
                pending, offset = packed[offset : offset + CHUNK], offset + CHUNK
            out = unpack.decompress(pending, CHUNK)
            pending = unpack.unconsumed_tail
            if not out and not pending and offset >= len(packed):
                break  # input used up before the end of the stream: cut short
            produced += len(out)
            if produced > info.file_size:
                raise _lying(name, member, info.file_size)
            crc = zlib.crc32(out, crc)
            if xml:
                if _DTD in tail + out[: len(_DTD)] or _DTD in out:
                    raise _dtd(name, member)
                tail = out[-len(_DTD) :]
    except zlib.error as exc:
        raise damaged(name, exc) from None
    if not unpack.eof or produced != info.file_size or crc != info.CRC:
        raise damaged(name, zipfile.BadZipFile(f"{member} does not match its zip directory"))


def _dtd(name: str, member: str) -> InputError:
    return InputError(
        f"workbook part {member} declares a DTD (XML entities are refused)",
        Location(file=name),
        expected="a workbook as Excel or LibreOffice saves it (no <!DOCTYPE>)",
        found="<!DOCTYPE",
    )


def _lying(name: str, member: str, declared: int) -> InputError:
    limit = f"{declared / 2**20:,.1f} MB" if declared >= 2**20 else f"{declared:,} bytes"
    return InputError(
        f"workbook part {member} decompresses to more than the {limit} its zip directory "
        "declares (zip bomb?)",
        Location(file=name),
        expected=f"at most {limit}, as declared",
        found=f"more than {limit}: unpacking stopped there",
    )


def check_shared_strings(zf: zipfile.ZipFile, content_types: bytes, name: str) -> None:
    """Refuse a shared-strings table too large to hold (openpyxl loads it whole)."""
    try:
        root = fromstring(content_types, forbid_dtd=True)
    except DAMAGE as exc:
        raise damaged(name, exc) from None
    parts = {
        (node.get("PartName") or "").lstrip("/")
        for node in root.iter()
        if node.tag.rpartition("}")[2] == "Override"
        and node.get("ContentType") == SHARED_STRINGS_TYPE
    }
    for member in sorted(parts & set(zf.namelist())):
        where = Location(file=name, field=member)
        size = zf.getinfo(member).file_size
        if size > MAX_SHARED_STRINGS:
            raise InputError(
                "shared-strings table too large",
                where,
                expected=f"at most {MAX_SHARED_STRINGS // 2**20} MB unpacked",
                found=f"{size / 2**20:,.0f} MB",
            )
        count, tail = 0, b""
        try:
            with zf.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    window = tail + chunk
                    # an item ending in the overlap was counted with the chunk before
                    count += sum(1 for m in _STRING_ITEM.finditer(window) if m.end() > len(tail))
                    tail = window[-40:]
        except DAMAGE as exc:
            raise damaged(name, exc) from None
        if count > MAX_SHARED_STRING_COUNT:
            raise InputError(
                "shared-strings table too large",
                where,
                expected=f"at most {MAX_SHARED_STRING_COUNT:,} strings",
                found=f"{count:,} strings",
            )


def mentions(zf: zipfile.ZipFile, member: str, word: bytes, name: str) -> bool:
    """Whether ``word`` occurs in a member, read a chunk at a time."""
    tail = b""
    try:
        with zf.open(member) as stream:
            while chunk := stream.read(CHUNK):
                if word in tail + chunk[: len(word)] or word in chunk:
                    return True
                tail = chunk[-len(word) :]
    except DAMAGE as exc:
        raise damaged(name, exc) from None
    return False


def damaged(name: str, exc: BaseException) -> InputError:
    """The one-line error for a workbook that cannot be unpacked or parsed."""
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
    return InputError("truncated or damaged workbook", Location(file=name), found=detail)
