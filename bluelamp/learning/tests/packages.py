"""The tests build their packages with the same sample builder as the demo."""

import io
import struct
import zipfile

from bluelamp.learning.scorm.samples import build_package, raw_zip

__all__ = ["build_package", "raw_zip"]


# --- damaged and hostile zips (built from good ones, byte by byte) -------------------------------


def _central_entries(data: bytes):
    """(offset of each central directory entry, its name) of a zip."""
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[position + 28 : position + 34])
        yield position, data[position + 46 : position + 46 + name_length].decode()
        position = data.find(b"PK\x01\x02", position + 46 + name_length + extra_length + comment_length)


def _patch(data: bytes, name: str, *, local: int, central: int, value: bytes) -> bytes:
    """`value` written at `local` into `name`'s local header and at `central` into its central one."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        offset = archive.getinfo(name).header_offset
    patched[offset + local : offset + local + len(value)] = value
    for position, entry in _central_entries(data):
        if entry == name:
            patched[position + central : position + central + len(value)] = value
    return bytes(patched)


def with_bad_crc(data: bytes, name: str) -> bytes:
    """The zip with the CRC-32 of `name` wrong in both headers (its data changed in transit)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        crc = archive.getinfo(name).CRC
    return _patch(data, name, local=14, central=16, value=struct.pack("<I", crc ^ 0xFFFFFFFF))


def with_corrupt_data(data: bytes, name: str) -> bytes:
    """The zip with `name`'s compressed bytes overwritten (the deflate stream is garbage)."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    patched[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(patched)


def with_compression_method(data: bytes, name: str, method: int) -> bytes:
    """The zip claiming `name` is compressed with `method` (e.g. 99, which no one supports)."""
    return _patch(data, name, local=8, central=10, value=struct.pack("<H", method))


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """The zip whose headers say `name` unpacks to `size` bytes, whatever it really holds."""
    return _patch(data, name, local=22, central=24, value=struct.pack("<I", size))


def zip_with_large_file(name: str, size: int, *, base: bytes | None = None, fill: bytes = b"\0") -> bytes:
    """A package (`base`, else the sample 1.2 one) plus `name` of `size` bytes of `fill`, written in
    chunks so that building it never holds the whole file in memory."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base or build_package("1.2"))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        chunk = fill * (1024 * 1024 // len(fill))
        with archive.open(name, "w", force_zip64=True) as member:
            for start in range(0, size, len(chunk)):
                member.write(chunk[: min(len(chunk), size - start)])
    return buffer.getvalue()


__all__ += [
    "with_bad_crc",
    "with_compression_method",
    "with_corrupt_data",
    "with_declared_size",
    "zip_with_large_file",
]
