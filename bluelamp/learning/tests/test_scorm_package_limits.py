"""Damaged and hostile SCORM zips are refused with a reason, and nothing of them is stored.

A zip cut short, with a wrong CRC, a garbled deflate stream, an unknown compression method or a
header that lies about sizes is refused on the manage pages and by `bluelamp import-scorm` alike,
and leaves no file (nor folder) in storage. A zip that unpacks to far more than it weighs (a
huge imsmanifest.xml, more than 100 times its size in all, one file that compresses more than
100 times) is refused before anything is unpacked: the manifest is never read past its cap.
"""

import html
import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bluelamp.learning.api import Course, PackageError, Sco, ScormPackage, course_create, package_upload
from bluelamp.learning.scorm import storage
from bluelamp.learning.scorm.package import read_package
from bluelamp.learning.tests.packages import (
    build_package,
    with_bad_crc,
    with_compression_method,
    with_corrupt_data,
    with_declared_size,
    zip_with_large_file,
)

SCO = "sco1/index.html"
MANIFEST = "imsmanifest.xml"
MB = 1024 * 1024


def _good() -> bytes:
    return build_package("1.2")


DAMAGED = {
    "cut in half": (lambda: _good()[: len(_good()) // 2], "The zip file is incomplete or damaged"),
    "end missing": (lambda: _good()[:-30], "The zip file is incomplete or damaged"),
    "bad CRC in a SCO": (lambda: with_bad_crc(_good(), SCO), f'"{SCO}" in the zip is damaged'),
    "bad CRC in the manifest": (
        lambda: with_bad_crc(_good(), MANIFEST),
        f'"{MANIFEST}" in the zip is damaged',
    ),
    "garbled SCO": (lambda: with_corrupt_data(_good(), SCO), f'"{SCO}" in the zip is damaged'),
    "garbled manifest": (lambda: with_corrupt_data(_good(), MANIFEST), f'"{MANIFEST}" in the zip is damaged'),
    "unknown compression": (
        lambda: with_compression_method(_good(), SCO, 99),
        f'"{SCO}" in the zip is compressed in a way that cannot be read',
    ),
    "size understated": (lambda: with_declared_size(_good(), SCO, 10), f'"{SCO}" in the zip is damaged'),
    "not a zip at all": (lambda: b"%PDF-1.7 not a zip" * 20, "The file is not a zip file"),
}


def _storage_is_empty(settings) -> bool:
    """No file and no folder of any package: nothing half-unpacked stays behind."""
    root = Path(settings.MEDIA_ROOT) / "scorm"
    return not root.exists() or not any(root.iterdir())


@pytest.fixture
def kent_draft(kent, alice):
    return course_create(actor=alice, owner=kent, code="KENT-2", title="Kent driving standards")


def _upload(client, course, data: bytes, name="package.zip"):
    return client.post(
        reverse("learning:manage_activity_new", args=[course.uuid, "scorm"]),
        {"title": "E-learning", "package": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize("kind", DAMAGED)
def test_a_damaged_zip_is_refused_on_the_manage_page_and_nothing_is_stored(
    signed_in, alice, kent_draft, settings, kind
):
    make, reason = DAMAGED[kind]
    response = _upload(signed_in(alice), kent_draft, make())
    assert response.status_code == 400
    assert reason in html.unescape(response.content.decode())
    assert not ScormPackage.objects.exists() and not Sco.objects.exists()
    assert _storage_is_empty(settings)


@pytest.mark.parametrize("kind", DAMAGED)
def test_a_damaged_zip_is_refused_by_import_scorm_and_nothing_is_stored(national, tmp_path, settings, kind):
    make, reason = DAMAGED[kind]
    path = tmp_path / "package.zip"
    path.write_bytes(make())
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command("import-scorm", str(path), "--org", "national", "--course", "SAS-01", stderr=err)
    assert exit.value.code == 1
    assert "the package was refused; nothing was stored" in err.getvalue()
    assert reason in err.getvalue()
    assert not Course.objects.exists() and not ScormPackage.objects.exists()
    assert _storage_is_empty(settings)


def test_a_failure_while_unpacking_leaves_no_partial_file(national, settings, monkeypatch):
    """Storage fails half-way through a file (a full disk): that file goes too, not only the
    ones finished before it."""
    written = []

    class FailingOnTheSecondFile(storage.File):
        def chunks(self, chunk_size=None):
            written.append(self.name)
            for number, chunk in enumerate(super().chunks(chunk_size=16)):
                if len(written) == 2 and number == 1:
                    raise OSError(28, "No space left on device")
                yield chunk

    monkeypatch.setattr(storage, "File", FailingOnTheSecondFile)
    with pytest.raises(OSError, match="No space left"):
        package_upload(actor=None, owner=national, upload=io.BytesIO(_good()), file_name="p.zip")
    assert len(written) == 2
    assert not ScormPackage.objects.exists()
    files = [p for p in (Path(settings.MEDIA_ROOT) / "scorm").rglob("*") if p.is_file()]
    assert files == []


# --- amplification ---------------------------------------------------------------------------------


def _manifest_padded(size: int) -> bytes:
    """The sample package whose manifest carries `size` bytes of XML comment."""
    good = _good()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        manifest = archive.read(MANIFEST).decode()
    padded = manifest.replace("<metadata>", "<!--" + " " * size + "--><metadata>", 1)
    return build_package("1.2", manifest=padded)


def test_a_manifest_over_its_cap_is_refused(national, settings):
    settings.BLUELAMP_SCORM_MAX_MANIFEST_BYTES = 64 * 1024
    with pytest.raises(PackageError, match=r"imsmanifest.xml unpacks to 10\d KB; at most 64 KB is accepted"):
        read_package(io.BytesIO(_manifest_padded(100 * 1024)))
    read_package(io.BytesIO(_manifest_padded(60 * 1024)))  # under the cap: fine


def test_a_manifest_is_never_read_past_its_cap(national, settings):
    """A 40 MB manifest that zips to a few kilobytes (the 400 MB one took 750 MB of memory)."""
    settings.BLUELAMP_SCORM_MAX_MANIFEST_BYTES = 5 * MB
    data = _manifest_padded(40 * MB)
    assert len(data) < 100 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(PackageError, match="imsmanifest.xml unpacks to 40 MB"):
            read_package(io.BytesIO(data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB
    # And when its header understates it, reading stops at the cap all the same.
    lying = with_declared_size(data, MANIFEST, 1000)
    tracemalloc.start()
    try:
        with pytest.raises(PackageError, match="damaged"):
            read_package(io.BytesIO(lying))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB


def test_a_zip_that_unpacks_to_over_100_times_its_size_is_refused(signed_in, alice, kent_draft, settings):
    """2 MB that unpacked to 1.9 GB: within the 2 GB limit, but no package compresses like that
    (here 40 files of 900 KB, each too small to be refused on its own)."""
    settings.BLUELAMP_SCORM_MAX_COMPRESSION_RATIO = 100
    buffer = io.BytesIO(_good())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for number in range(40):
            archive.writestr(f"media/part{number}.bin", bytes(900 * 1024))
    response = _upload(signed_in(alice), kent_draft, buffer.getvalue())
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "Unpacked, the package would take 35 MB, more than 100 times the size of the zip (" in body
    assert not ScormPackage.objects.exists()
    assert _storage_is_empty(settings)


def test_one_file_that_compresses_over_100_times_is_refused(national, settings):
    """A bomb hidden among incompressible files: the whole is within 100 times, the file not."""
    settings.BLUELAMP_SCORM_MAX_COMPRESSION_RATIO = 100
    data = zip_with_large_file("media/padding.bin", 20 * MB, base=_with_noise(1 * MB))
    with pytest.raises(PackageError, match=r'"media/padding.bin" unpacks to 20 MB from 20 KB in the zip'):
        read_package(io.BytesIO(data))


def _with_noise(size: int) -> bytes:
    buffer = io.BytesIO(_good())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("media/noise.bin", os.urandom(size), zipfile.ZIP_STORED)
    return buffer.getvalue()


def test_a_small_file_that_compresses_well_is_fine(national):
    """Under 1 MB a file, and under 10 MB a package, may compress as well as it likes (a page of
    spaces is not a bomb)."""
    data = zip_with_large_file("blank.txt", 200 * 1024, fill=b" ")
    assert read_package(io.BytesIO(data)).files == 3


def test_headers_that_understate_sizes_slip_nothing_past_the_limits(national, settings):
    """The limits are checked on the bytes actually unpacked, not only on what headers say."""
    settings.BLUELAMP_SCORM_MAX_UNPACKED_BYTES = 1 * MB
    data = zip_with_large_file("media/clip.bin", 3 * MB, base=_with_noise(100 * 1024), fill=b"ab")
    lying = with_declared_size(data, "media/clip.bin", 1000)
    with pytest.raises(PackageError, match='"media/clip.bin" in the zip is damaged'):
        read_package(io.BytesIO(lying))


# --- names and manifest values that storage or the database could not take -------------------------


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({"extra.html": b"a", "./extra.html": b"b"}, '"extra.html" is in the zip twice'),
        ({"media": b"a file", "media/clip.mp4": b"x"}, '"media" is both a file and a folder'),
        ({"a" * 300 + ".html": b"x"}, "names of at most 255 bytes"),
        ({"/".join(["folder"] * 200) + "/x.html": b"x"}, "paths of at most 1,000 characters"),
    ],
    ids=["twice", "file and folder", "long name", "long path"],
)
def test_entries_storage_could_not_hold_are_refused(national, settings, entries, reason):
    data = build_package("1.2", extra_files=entries)
    with pytest.raises(PackageError, match=reason):
        package_upload(actor=None, owner=national, upload=io.BytesIO(data), file_name="p.zip")
    assert _storage_is_empty(settings)


@pytest.mark.parametrize(
    ("element", "reason"),
    [
        ("<adlcp:masteryscore>1e9</adlcp:masteryscore>", "masteryscore"),
        ("<adlcp:masteryscore>NaN</adlcp:masteryscore>", "masteryscore"),
        ("<adlcp:masteryscore>101</adlcp:masteryscore>", "masteryscore"),
    ],
)
def test_manifest_values_out_of_range_are_refused(national, settings, element, reason):
    good = _good()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        manifest = archive.read(MANIFEST).decode()
    manifest = manifest.replace(
        "<title>Stop and search essentials</title></item>", "<title>Part</title>" + element + "</item>"
    )
    assert element in manifest
    with pytest.raises(PackageError, match=reason):
        package_upload(
            actor=None,
            owner=national,
            upload=io.BytesIO(build_package("1.2", manifest=manifest)),
            file_name="p.zip",
        )
    assert _storage_is_empty(settings)


def test_a_launch_address_longer_than_can_be_kept_is_refused(national, settings):
    long = "sco1/index.html?" + "a=1&" * 300
    good = _good()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        text = archive.read(MANIFEST).decode()
    text = text.replace('href="sco1/index.html"', f'href="{long.replace("&", "&amp;")}"', 1)
    with pytest.raises(PackageError, match="launch parameters may be at most 999 characters"):
        package_upload(
            actor=None,
            owner=national,
            upload=io.BytesIO(build_package("1.2", manifest=text)),
            file_name="p.zip",
        )
    assert _storage_is_empty(settings)


# --- no damage ever gives anything but a refusal -----------------------------------------------------


@hypothesis_settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=6))
def test_a_zip_damaged_anywhere_is_refused_or_stored_whole(national, settings, changes):
    """Any bytes changed anywhere: the package is refused with a reason, or (if the change did
    not matter) stored whole; nothing else, and never a file left behind by a refusal."""
    data = bytearray(_good())
    for position, value in changes:
        data[position % len(data)] = value
    media = Path(settings.MEDIA_ROOT) / "scorm"
    before = set(media.rglob("*")) if media.exists() else set()
    try:
        package = package_upload(
            actor=None, owner=national, upload=io.BytesIO(bytes(data)), file_name="p.zip"
        )
    except PackageError as error:
        assert error.messages and all(error.messages)
        assert (set(media.rglob("*")) if media.exists() else set()) == before
    else:
        assert storage.open_file(package.storage_prefix, MANIFEST) is not None


def test_a_zip_asking_for_a_version_python_cannot_read_is_refused(national, settings):
    """Found by the test above: a central directory entry whose "version needed to extract" is
    6.4 made zipfile raise NotImplementedError (a 500) instead of a refusal."""
    data = bytearray(_good())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6] = 64  # version needed to extract: 6.4
    with pytest.raises(PackageError, match="cannot be read"):
        package_upload(actor=None, owner=national, upload=io.BytesIO(bytes(data)), file_name="p.zip")
    assert _storage_is_empty(settings)
