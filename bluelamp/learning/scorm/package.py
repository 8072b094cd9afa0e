"""Reading and checking an uploaded SCORM package (a zip with `imsmanifest.xml` at its root).

`read_package` either returns a `Package` (what the manifest says: version, title, the SCOs in
the order of the default organisation's tree) or raises `PackageError` whose messages say what is
wrong and what is accepted. Nothing is written anywhere: storing is `storage.store_package`.

Checked: the file is a zip within the size limits; no entry escapes the package (absolute paths,
"..", backslashes, drive letters, symbolic links) or could not be stored (the same path twice, a
file that is also a folder, names too long); the uncompressed size and number of files are
within limits, and no more than so many times the zip's own size, in all and file by file (zip
bombs); `imsmanifest.xml` is at the root, within its own size limit (it is read into memory:
never past that limit, whatever its header says) and well-formed XML with no entity tricks
(defusedxml); the schema version is SCORM 1.2 or SCORM 2004 (CAM 1.3, 2nd, 3rd or 4th
edition); the default organisation exists; every item's resource exists; each launchable
resource's file is in the zip; launch addresses and scores fit what is kept of them; there is
at least one thing to launch. Last, every file is unpacked once, to nowhere: its CRC must match
and the bytes actually unpacked (counted, reading stops at the limit) must stay within the
limits, so that storing it cannot fail half-way on a damaged or lying zip.
"""

from __future__ import annotations

import lzma
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings

SCORM_12 = "1.2"
SCORM_2004 = "2004"

MANIFEST = "imsmanifest.xml"

_VERSIONS_2004 = {
    "cam 1.3": "2004 2nd Edition",
    "2004 2nd edition": "2004 2nd Edition",
    "2004 3rd edition": "2004 3rd Edition",
    "2004 4th edition": "2004 4th Edition",
}
ACCEPTED_VERSIONS = 'SCORM 1.2 ("1.2") or SCORM 2004 ("CAM 1.3", "2004 3rd Edition", "2004 4th Edition")'


class PackageError(Exception):
    """The package cannot be used. `messages` name each problem found."""

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Sco:
    """One launchable item of the organisation tree (a SCO or an asset)."""

    identifier: str
    title: str
    href: str  # path inside the package, no query string
    parameters: str  # query string to add when launching ("?a=b" or "")
    is_sco: bool  # False for an asset: it never talks to the API; launching it completes it
    mastery_score: Decimal | None = None  # 1.2 adlcp:masteryscore (0-100)
    scaled_passing_score: Decimal | None = None  # 2004 primary objective minNormalizedMeasure
    completion_threshold: Decimal | None = None  # 2004 adlcp:completionThreshold
    launch_data: str = ""  # adlcp:datafromlms / adlcp:dataFromLMS
    depth: int = 0  # nesting in the tree, for the player's table of contents


@dataclass(frozen=True)
class Package:
    version: str  # SCORM_12 or SCORM_2004
    schema_version: str  # as written in the manifest, e.g. "1.2", "2004 4th Edition"
    identifier: str
    title: str
    scos: list[Sco]
    files: int
    uncompressed_bytes: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Limits:
    upload: int
    unpacked: int
    files: int
    manifest: int
    ratio: int  # unpacked size / zip size, for the whole package and for each file over 1 MB


# Below these, a file or a whole package may compress as well as it likes: a page of spaces is no
# bomb, and a small package with a large text file should not be refused for it.
_RATIO_FREE_FILE_BYTES = 1024 * 1024
_RATIO_FREE_PACKAGE_BYTES = 10 * 1024 * 1024
_CHUNK = 1024 * 1024
# Storage keeps paths inside a package as they are: file systems take names of up to 255 bytes,
# and the longest launch path the database keeps is 1,000 characters.
_MAX_NAME_BYTES = 255
_MAX_PATH = 1000
# What a damaged zip raises while it is read (bz2 raises OSError; a garbled directory may make
# zipfile seek before the start, a ValueError).
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)


def _limits() -> _Limits:
    return _Limits(
        upload=settings.BLUELAMP_SCORM_MAX_UPLOAD_BYTES,
        unpacked=settings.BLUELAMP_SCORM_MAX_UNPACKED_BYTES,
        files=settings.BLUELAMP_SCORM_MAX_FILES,
        manifest=settings.BLUELAMP_SCORM_MAX_MANIFEST_BYTES,
        ratio=settings.BLUELAMP_SCORM_MAX_COMPRESSION_RATIO,
    )


def _megabytes(n: int) -> str:
    """A size as people read it: "30 MB", "1.5 MB", "64 KB"."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:,.{0 if n >= 10 * 1024 * 1024 else 1}f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n:,} bytes"


def _problems(problems: list[str]) -> PackageError:
    return PackageError(problems[:10] + ([f"… and {len(problems) - 10} more."] if len(problems) > 10 else []))


@contextmanager
def _reading(info: zipfile.ZipInfo) -> Iterator[None]:
    """Reading `info` from the zip: a damaged entry becomes a PackageError that names it."""
    try:
        yield
    except NotImplementedError:
        raise PackageError(
            f'"{info.filename}" in the zip is compressed in a way that cannot be read (method '
            f"{info.compress_type}); export the package again with ordinary (deflate) compression."
        ) from None
    except _DAMAGED as error:
        raise PackageError(
            f'"{info.filename}" in the zip is damaged ({error}). Export the package again and upload it.'
        ) from error


def safe_member_name(name: str) -> str | None:
    """The entry's path inside the package, or None if it would escape it."""
    if not name or "\\" in name or "\x00" in name:
        return None
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = name.split("/")
    if any(part == ".." for part in parts):
        return None
    normal = posixpath.normpath(name)
    if normal.startswith("../") or normal == "..":
        return None
    return normal


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _attr(element: Element, name: str) -> str:
    """An attribute by local name, whatever its namespace (adlcp:scormtype, adlcp:scormType)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _title(element: Element) -> str:
    return " ".join(_text(_child(element, "title")).split())


def _schema_version(manifest: Element) -> tuple[str, str]:
    metadata = _child(manifest, "metadata")
    written = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    lowered = written.lower()
    if lowered == "1.2":
        return SCORM_12, "1.2"
    if lowered in _VERSIONS_2004:
        return SCORM_2004, _VERSIONS_2004[lowered]
    if written:
        raise PackageError(f'The manifest says schema version "{written}"; accepted: {ACCEPTED_VERSIONS}.')
    # No schemaversion: some authoring tools leave it out. The namespaces still tell.
    namespaces = " ".join([manifest.tag, *manifest.attrib.keys(), *manifest.attrib.values()]).lower()
    if "adlcp_rootv1p2" in namespaces or "imscp_rootv1p1p2" in namespaces:
        return SCORM_12, "1.2"
    if "adlcp_v1p3" in namespaces or "imscp_v1p1" in namespaces:
        return SCORM_2004, "2004 (version not stated)"
    raise PackageError(
        f"The manifest does not say which SCORM version it is (no <schemaversion>); accepted: {ACCEPTED_VERSIONS}."
    )


def _with_base(*parts: str) -> str:
    """Join xml:base values (folders, each relative to the one above) and an href."""
    return posixpath.join(*[part for part in parts if part]) if any(parts) else ""


def _base(element: Element) -> str:
    return element.attrib.get("{http://www.w3.org/XML/1998/namespace}base", "").strip()


def read_package(upload: IO[bytes], *, size: int | None = None) -> Package:
    """Check the zip in `upload` (a binary file object) and read its manifest."""
    limits = _limits()
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    if size == 0:
        raise PackageError("The file is empty. Upload the SCORM package as a .zip file.")
    if size > limits.upload:
        raise PackageError(
            f"The file is {_megabytes(size)}; the largest package accepted is {_megabytes(limits.upload)}."
        )
    if not zipfile.is_zipfile(upload):
        upload.seek(0)
        if upload.read(4) == b"PK\x03\x04":
            raise PackageError(
                "The zip file is incomplete or damaged: its list of files, at the end, is missing. "
                "Export the package again and upload it; if it was downloaded or copied, check "
                "that the copy finished."
            )
        raise PackageError(
            "The file is not a zip file. A SCORM package is a .zip with imsmanifest.xml at its top level."
        )
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except NotImplementedError as error:
        # A header asking for a zip feature Python does not read (e.g. "zip file version 6.4"):
        # damage, or an archiver's extension; either way the file cannot be read.
        raise PackageError(
            f"The zip file uses a feature that cannot be read ({error}). Export the package again "
            "with ordinary (deflate) compression and upload it."
        ) from error
    except _DAMAGED as error:
        raise PackageError(
            f"The zip file is damaged ({error}). Export the package again and upload it."
        ) from error
    with archive:
        return _read(archive, limits, size)


def _check_members(archive: zipfile.ZipFile, limits: _Limits, size: int) -> dict[str, zipfile.ZipInfo]:
    members: dict[str, zipfile.ZipInfo] = {}
    problems: list[str] = []
    total = 0
    for info in archive.infolist():
        name = safe_member_name(info.filename)
        if name is None:
            problems.append(
                f'"{info.filename}" would be stored outside the package (absolute path, ".." or a backslash); '
                "paths inside the zip must be relative and use forward slashes."
            )
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            problems.append(
                f'"{info.filename}" is a symbolic link; packages may contain only files and folders.'
            )
            continue
        if info.flag_bits & 0x1:
            problems.append(f'"{info.filename}" is encrypted; upload a package without a password.')
            continue
        if info.is_dir():
            continue
        if name in members:
            problems.append(f'"{name}" is in the zip twice; each file may be in a package once.')
            continue
        if len(name) > _MAX_PATH:
            problems.append(
                f'"{name[:60]}…" is too long a path to store; use paths of at most {_MAX_PATH:,} characters.'
            )
            continue
        if any(len(part.encode()) > _MAX_NAME_BYTES for part in name.split("/")):
            problems.append(
                f'"{name[:60]}…" has a name too long to store; use file and folder names of at most '
                f"{_MAX_NAME_BYTES} bytes."
            )
            continue
        if name == MANIFEST and info.file_size > limits.manifest:
            problems.append(
                f"{MANIFEST} unpacks to {_megabytes(info.file_size)}; at most {_megabytes(limits.manifest)} is accepted."
            )
            continue
        compressed = max(info.compress_size, 1)
        if info.file_size > _RATIO_FREE_FILE_BYTES and info.file_size > limits.ratio * compressed:
            problems.append(
                f'"{name}" unpacks to {_megabytes(info.file_size)} from {_megabytes(info.compress_size)} '
                f"in the zip, more than {limits.ratio} times; no real file compresses that well, so "
                "it is refused as a safeguard."
            )
            continue
        total += info.file_size
        members[name] = info
    clashes = set()
    for name in members:
        folder = name.rpartition("/")[0]
        while folder:
            if folder in members:
                clashes.add(folder)
            folder = folder.rpartition("/")[0]
    problems += [f'"{name}" is both a file and a folder in the zip.' for name in sorted(clashes)]
    if problems:
        raise _problems(problems)
    if len(members) > limits.files:
        raise PackageError(f"The package has {len(members):,} files; at most {limits.files:,} are accepted.")
    if total > limits.unpacked:
        raise PackageError(
            f"Unpacked, the package would take {_megabytes(total)}; at most {_megabytes(limits.unpacked)} is accepted."
        )
    if total > _allowed(limits, size):
        raise PackageError(
            f"Unpacked, the package would take {_megabytes(total)}, more than {limits.ratio} times the "
            f"size of the zip ({_megabytes(size)}); no real package compresses that well, so it is "
            "refused as a safeguard."
        )
    return members


def _allowed(limits: _Limits, size: int) -> int:
    """How much a zip of `size` bytes may unpack to."""
    return min(limits.unpacked, max(limits.ratio * size, _RATIO_FREE_PACKAGE_BYTES))


def _read_manifest(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """imsmanifest.xml, read into memory to be parsed: never more than `limit` bytes of it, even
    if its header understates its size."""
    if info.file_size > limit:
        raise PackageError(
            f"{MANIFEST} unpacks to {_megabytes(info.file_size)}; at most {_megabytes(limit)} is accepted."
        )
    chunks: list[bytes] = []
    read = 0
    # In small pieces: zipfile inflates as much as it is asked for before cutting to the header's
    # size, so one read of `limit` bytes could inflate `limit` bytes whatever the header says.
    with _reading(info), archive.open(info) as member:
        while chunk := member.read(64 * 1024):
            read += len(chunk)
            if read > limit:
                raise PackageError(f"{MANIFEST} unpacks to more than {_megabytes(limit)}, the most accepted.")
            chunks.append(chunk)
    return b"".join(chunks)


def _unpack_to_nowhere(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], limits: _Limits, size: int
) -> None:
    """Unpack every file, keeping none of it: each CRC is checked (zipfile does at the end of a
    file) and the bytes are counted as they come, so that a lying header is caught before any
    byte is stored, and reading stops as soon as a limit is passed."""
    allowed = _allowed(limits, size)
    total = 0
    for name, info in members.items():
        unpacked = 0
        with _reading(info), archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                unpacked += len(chunk)
                total += len(chunk)
                if unpacked > info.file_size or total > allowed:
                    raise PackageError(
                        f'"{name}" unpacks to more than its zip header says, or past the limit of '
                        f"{_megabytes(allowed)} for this package; it is refused as a safeguard."
                    )


def _read(archive: zipfile.ZipFile, limits: _Limits, size: int) -> Package:
    members = _check_members(archive, limits, size)
    if MANIFEST not in members:
        nested = sorted(name for name in members if name.endswith("/" + MANIFEST))
        hint = (
            f' It was found at "{nested[0]}": zip the contents of that folder, not the folder itself.'
            if nested
            else ""
        )
        raise PackageError(f"There is no {MANIFEST} at the top level of the zip.{hint}")
    try:
        manifest = ElementTree.fromstring(_read_manifest(archive, members[MANIFEST], limits.manifest))
    except DefusedXmlException:
        raise PackageError(f"{MANIFEST} uses XML entities or a DTD, which are not accepted.") from None
    except ElementTree.ParseError as error:
        raise PackageError(f"{MANIFEST} is not well-formed XML ({error}).") from error
    if _local(manifest.tag) != "manifest":
        raise PackageError(f"{MANIFEST} does not start with a <manifest> element.")
    version, schema_version = _schema_version(manifest)

    resources_element = _child(manifest, "resources")
    if resources_element is None:
        raise PackageError(f"{MANIFEST} has no <resources> element.")
    resources_base = _base(resources_element)
    resources = {
        _attr(resource, "identifier"): resource
        for resource in _children(resources_element, "resource")
        if _attr(resource, "identifier")
    }

    organizations = _child(manifest, "organizations")
    orgs = _children(organizations, "organization") if organizations is not None else []
    if organizations is None or not orgs:
        raise PackageError(f"{MANIFEST} has no <organization>: there is nothing to launch.")
    default = _attr(organizations, "default")
    organisation = next((org for org in orgs if _attr(org, "identifier") == default), None)
    if default and organisation is None:
        raise PackageError(f'The default organization "{default}" is not defined in {MANIFEST}.')
    organisation = organisation or orgs[0]

    problems: list[str] = []
    scos: list[Sco] = []

    def walk(item: Element, depth: int) -> None:
        identifier = _attr(item, "identifier")
        ref = _attr(item, "identifierref")
        if ref:
            resource = resources.get(ref)
            if resource is None:
                problems.append(
                    f'Item "{identifier}" refers to resource "{ref}", which is not in {MANIFEST}.'
                )
            else:
                href = _attr(resource, "href")
                if not href:
                    problems.append(f'Resource "{ref}" (item "{identifier}") has no href to launch.')
                else:
                    path, _, query = href.partition("?")
                    path = path.split("#", 1)[0]
                    full = safe_member_name(
                        _with_base(_base(manifest), resources_base, _base(resource), path)
                    )
                    if full is None:
                        problems.append(f'Resource "{ref}" launches "{href}", which is outside the package.')
                    elif full not in members:
                        problems.append(
                            f'Resource "{ref}" launches "{full}", but there is no such file in the zip.'
                        )
                    else:
                        kind = _attr(resource, "scormtype") or _attr(resource, "scormType")
                        params = _attr(item, "parameters")
                        query = "&".join(part for part in [query, params.lstrip("?&")] if part)
                        if len(query) >= _MAX_PATH:
                            problems.append(
                                f'Item "{identifier}" launches "{full}" with {len(query):,} characters of '
                                f"parameters; launch parameters may be at most {_MAX_PATH - 1:,} characters."
                            )
                        scos.append(
                            _sco(
                                item,
                                identifier,
                                full,
                                query,
                                kind.lower() != "asset",
                                version,
                                depth,
                                problems,
                            )
                        )
        for child in _children(item, "item"):
            walk(child, depth + 1)

    for item in _children(organisation, "item"):
        walk(item, 0)
    if problems:
        raise _problems(problems)
    if not scos:
        raise PackageError(f"The default organization in {MANIFEST} has no item that launches a resource.")
    identifiers = [sco.identifier for sco in scos]
    if len(set(identifiers)) != len(identifiers) or not all(identifiers):
        raise PackageError(f"Every launchable <item> in {MANIFEST} needs its own identifier.")
    title = _title(organisation) or _title(manifest) or _attr(manifest, "identifier") or "Untitled package"
    _unpack_to_nowhere(archive, members, limits, size)
    return Package(
        version=version,
        schema_version=schema_version,
        identifier=_attr(manifest, "identifier"),
        title=title[:200],
        scos=scos,
        files=len(members),
        uncompressed_bytes=sum(info.file_size for info in members.values()),
    )


def _sco(
    item: Element,
    identifier: str,
    href: str,
    query: str,
    is_sco: bool,
    version: str,
    depth: int,
    problems: list[str],
) -> Sco:
    mastery = scaled = threshold = None
    launch_data = ""

    def measure(text: str, what: str, low: int, high: int) -> Decimal | None:
        """A score or measure of the manifest, within the range the standard gives it."""
        number = _decimal(text)
        if text and (number is None or not number.is_finite() or not low <= number <= high):
            problems.append(
                f'Item "{identifier}" has {what} "{text[:40]}"; it must be a number from {low} to {high}.'
            )
            return None
        return number

    for child in item:
        name = _local(child.tag).lower()
        if name == "masteryscore":
            mastery = measure(_text(child), "adlcp:masteryscore", 0, 100)
        elif name in ("datafromlms",):
            launch_data = _text(child)
        elif name == "completionthreshold":
            # 4th edition: minProgressMeasure attribute; 3rd: the element's text.
            threshold = measure(
                _attr(child, "minProgressMeasure") or _text(child), "adlcp:completionThreshold", 0, 1
            )
        elif name == "sequencing":
            objectives = _child(child, "objectives")
            primary = _child(objectives, "primaryObjective") if objectives is not None else None
            if primary is not None and _attr(primary, "satisfiedByMeasure").lower() == "true":
                scaled = measure(
                    _text(_child(primary, "minNormalizedMeasure")) or "1.0",
                    "imsss:minNormalizedMeasure",
                    -1,
                    1,
                )
    return Sco(
        identifier=identifier,
        title=_title(item) or identifier,
        href=href,
        parameters=f"?{query}" if query else "",
        is_sco=is_sco,
        mastery_score=mastery if version == SCORM_12 else None,
        scaled_passing_score=scaled if version == SCORM_2004 else None,
        completion_threshold=threshold if version == SCORM_2004 else None,
        launch_data=launch_data,
        depth=depth,
    )
