"""The backup parts' encryption: what goes in comes out, whatever the sizes; a wrong key, a part
cut short, extended or altered is refused with a reason."""

import io
import random

import pytest

from bluelamp.operations.backups.crypto import (
    CHUNK,
    WRONG_KEY,
    BackupError,
    DecryptingReader,
    EncryptingWriter,
    WrongKeyError,
    backup_secret,
)

KEY = b"correct horse battery staple"


def _encrypt(data: bytes, *, pieces: int = 7) -> bytes:
    sink = io.BytesIO()
    with EncryptingWriter(sink, KEY) as writer:
        step = max(1, len(data) // pieces)
        for start in range(0, len(data), step):
            writer.write(data[start : start + step])
    return sink.getvalue()


def _decrypt(part: bytes, *, secret: bytes = KEY, read_size: int = 10240) -> bytes:
    reader = DecryptingReader(io.BytesIO(part), secret)
    out = bytearray()
    while block := reader.read(read_size):
        out += block
    return bytes(out)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 12345])
def test_what_goes_in_comes_out(size):
    data = random.Random(size).randbytes(size)
    part = _encrypt(data)

    assert _decrypt(part) == data
    assert DecryptingReader(io.BytesIO(part), KEY).read() == data
    # The plain bytes do not show through (a few bytes may turn up in random ciphertext by chance:
    # one byte did, once in five runs, so only runs of 16 and more are looked for).
    assert data[:64] not in part or size < 16


def test_a_wrong_key_is_named():
    with pytest.raises(WrongKeyError, match=WRONG_KEY):
        _decrypt(_encrypt(b"personal data"), secret=b"another key")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda part: part[: -(CHUNK // 2)], "cut short"),
        (
            lambda part: part[: len(part) - 100] + bytes([part[-100] ^ 1]) + part[len(part) - 99 :],
            "chunk 1 fails",
        ),
        (lambda part: part + b"more", "data after its end"),
        (lambda part: b"PK\x03\x04" + part[4:], "not a Bluelamp backup part"),
    ],
)
def test_a_damaged_part_is_refused(damage, reason):
    part = _encrypt(random.Random(1).randbytes(2 * CHUNK + 10))

    with pytest.raises(BackupError, match=reason):
        _decrypt(damage(part))


def test_a_part_that_was_never_finished_does_not_open():
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, KEY)
    writer.write(b"x" * (CHUNK + 5))  # the process died here: close() never wrote the last chunk

    with pytest.raises(BackupError, match="cut short"):
        _decrypt(sink.getvalue())


def test_the_key_is_required(settings, monkeypatch):
    settings.BACKUP_KEY = ""
    settings.BACKUP_KEY_FILE = ""
    monkeypatch.delenv("BACKUP_KEY", raising=False)
    monkeypatch.delenv("BACKUP_KEY_FILE", raising=False)
    with pytest.raises(BackupError, match="no backup key"):
        backup_secret()

    settings.BACKUP_KEY_FILE = "/nonexistent/backup.key"
    with pytest.raises(BackupError, match="BACKUP_KEY_FILE /nonexistent/backup.key: cannot read it"):
        backup_secret()
