"""Checks on a Word document (DOCX) attached as a case document.

A DOCX is a zip archive of XML parts (Office Open XML). It is accepted only when it is
plainly a document: a real archive with the main document part, no macros, no embedded
objects or ActiveX controls, no relationship that points outside the file (a link, a
remote template or an image fetched when the file opens), and bounded in what it
unpacks to. The type is read from the content and the structure, never from the name.
"""

from __future__ import annotations

import re
import zipfile

from defusedxml import DefusedXmlException, ElementTree
from django.core.exceptions import ValidationError

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_SIGNATURE = b"PK\x03\x04"

# Bounds on the work, so a small file cannot unpack into a huge one (a zip bomb).
DOCX_MAX_ENTRIES = 1_000
DOCX_MAX_UNPACKED = 50 * 1024 * 1024  # every part together, as the archive declares them
DOCX_MAX_RATIO = 200  # how much one part may grow when unpacked
DOCX_MAX_XML_PART = 5 * 1024 * 1024  # a relationships or content-types part

MAIN_PART = "word/document.xml"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# Parts and types that make a document more than a document.
_MACRO_NAMES = re.compile(r"(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$", re.IGNORECASE)
_OBJECT_NAMES = re.compile(r"^word/(embeddings|activeX)/", re.IGNORECASE)
_MACRO_TYPES = ("macroenabled", "vbaproject", "vbadata")
_OBJECT_TYPES = ("oleobject", "activex", "/package", "officedocument.oleobject")

_NOT_DOCX = (
    "This file is not a Word document (DOCX) we can read, whatever its name says. "
    "Save it from Word as a .docx document, or print it to PDF, and attach that."
)


def _refused(what: str) -> ValidationError:
    return ValidationError(
        f"This Word document has {what}, so it cannot be attached. Save a copy without "
        "them (or print the document to PDF) and attach that.",
        code="active_content",
    )


def _too_big() -> ValidationError:
    return ValidationError(
        "This Word document unpacks to more than we can check (the limit is "
        f"{DOCX_MAX_UNPACKED // (1024 * 1024)} MB in {DOCX_MAX_ENTRIES:,} parts). Print it to "
        "PDF and attach that instead.",
        code="too_big",
    )


def _not_docx() -> ValidationError:
    return ValidationError(_NOT_DOCX, code="wrong_type")


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as handle:
        data = handle.read(DOCX_MAX_XML_PART + 1)
    if len(data) > DOCX_MAX_XML_PART:
        raise _too_big()
    return data


def _parse(data: bytes):
    """An XML part, refusing any DTD: Office parts never have one, and entities could
    hide a value (TargetMode="&#69;xternal" reads as External)."""
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise _not_docx()
    try:
        return ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise _not_docx() from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > DOCX_MAX_ENTRIES:
        raise _too_big()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _not_docx()  # two parts of one name: readers disagree on which one counts
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ValidationError(
                "This Word document is protected with a password or encrypted, so its "
                "contents cannot be checked. Save a copy without a password and attach that.",
                code="encrypted",
            )
        total += info.file_size
        if total > DOCX_MAX_UNPACKED:
            raise _too_big()
        if info.file_size > DOCX_MAX_RATIO * max(info.compress_size, 1) and (
            info.file_size > 1024 * 1024
        ):
            raise _too_big()
        if _MACRO_NAMES.search(info.filename):
            raise _refused("macros")
        if _OBJECT_NAMES.search(info.filename):
            raise _refused("embedded objects or controls")


def _check_content_types(archive: zipfile.ZipFile, by_name: dict) -> None:
    info = by_name.get("[Content_Types].xml")
    if info is None or MAIN_PART not in by_name:
        raise _not_docx()
    root = _parse(_read_part(archive, info))
    main_types = []
    for element in root:
        content_type = (element.get("ContentType") or "").lower()
        if any(marker in content_type for marker in _MACRO_TYPES):
            raise _refused("macros")
        if any(marker in content_type for marker in _OBJECT_TYPES):
            raise _refused("embedded objects or controls")
        if (element.get("PartName") or "").lstrip("/") == MAIN_PART:
            main_types.append(content_type)
    if main_types != [MAIN_TYPE.lower()]:
        raise _not_docx()


def _check_relationships(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if not info.filename.lower().endswith(".rels"):
            continue
        root = _parse(_read_part(archive, info))
        for element in root.iter():
            if _local(element.tag) != "Relationship":
                continue
            if (element.get("TargetMode") or "").strip().lower() == "external":
                raise _refused("links or references to files outside it")
            target = (element.get("Target") or "").strip().lower()
            if "://" in target or target.startswith(("\\\\", "file:", "mhtml:")):
                raise _refused("links or references to files outside it")
            kind = (element.get("Type") or "").lower()
            if kind.endswith(("/vbaproject", "/wordvbadata")):
                raise _refused("macros")
            if kind.endswith(("/oleobject", "/package", "/control", "/activexcontrol")):
                raise _refused("embedded objects or controls")


def _check_every_part_unpacks(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Unpack every part once (bounded by the sizes checked above), so a damaged archive
    or a part that does not match its checksum is refused now, not when HR opens it."""
    for info in infos:
        with archive.open(info) as handle:
            while handle.read(1024 * 1024):
                pass


def check_docx(upload) -> None:
    """Refuse a DOCX that is not plainly a document; the caller checked size and hashes."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.startswith(ZIP_SIGNATURE):
        raise _not_docx()
    if b"%pdf-" in head.lower():
        raise ValidationError(
            "This file has a PDF document hidden inside it, so it cannot be attached.",
            code="active_content",
        )
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            _check_entries(infos)
            by_name = {info.filename: info for info in infos}
            _check_content_types(archive, by_name)
            _check_relationships(archive, infos)
            _check_every_part_unpacks(archive, infos)
    except ValidationError:
        raise
    except Exception as exc:  # a damaged or hostile archive can make the reader raise anything
        raise _not_docx() from exc
    finally:
        upload.seek(0)
