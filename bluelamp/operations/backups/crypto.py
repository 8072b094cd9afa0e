"""Encryption of a backup set's parts: AES-256-GCM in 1 MiB chunks, so a database dump or the
stored files stream through without being held in memory or written to disk in the clear.

Format of an encrypted part: MAGIC, a 16-byte salt, then chunks of (4-byte length, 12-byte nonce,
ciphertext with its tag). The key is derived from the operator's secret with scrypt and the salt
(a passphrase is slow to guess; a random key loses nothing). Each chunk is authenticated with
its index and whether it is the last, so reordered, truncated or extended parts are refused.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings

MAGIC = b"BLUELAMP-BKP-v1\n"
CHUNK = 1024 * 1024
_SALT_BYTES = 16
_NONCE_BYTES = 12
_LENGTH = struct.Struct(">I")
WRONG_KEY = "the key does not open this backup"


class BackupError(Exception):
    """A backup, restore or verification that cannot go on; the message says why and what to do."""


class WrongKeyError(BackupError):
    def __init__(self) -> None:
        super().__init__(WRONG_KEY)


def backup_secret() -> bytes:
    """The operator's secret: BACKUP_KEY, or the contents of the file named by BACKUP_KEY_FILE
    (settings first, then the environment). Refuses clearly when neither is set: an unencrypted
    backup of personal data is never written."""
    key = getattr(settings, "BACKUP_KEY", None) or os.environ.get("BACKUP_KEY", "")
    if key:
        return key.encode() if isinstance(key, str) else bytes(key)
    key_file = getattr(settings, "BACKUP_KEY_FILE", None) or os.environ.get("BACKUP_KEY_FILE", "")
    if key_file:
        try:
            secret = Path(key_file).read_bytes().strip()
        except OSError as error:
            raise BackupError(f"BACKUP_KEY_FILE {key_file}: cannot read it ({error.strerror})") from error
        if not secret:
            raise BackupError(f"BACKUP_KEY_FILE {key_file} is empty")
        return secret
    raise BackupError(
        "no backup key: set BACKUP_KEY, or BACKUP_KEY_FILE to a file holding it "
        "(e.g. the output of `openssl rand -base64 32`); backups are never written unencrypted"
    )


def backup_key_configured() -> bool:
    try:
        backup_secret()
    except BackupError:
        return False
    return True


def _derive(secret: bytes, salt: bytes) -> AESGCM:
    return AESGCM(Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(secret))


def _aad(salt: bytes, index: int, last: bool) -> bytes:
    return MAGIC + salt + struct.pack(">QB", index, last)


class EncryptingWriter:
    """A write-only file object: what is written reaches `sink` encrypted. close() writes the
    last chunk (a part that was never closed cannot be decrypted)."""

    def __init__(self, sink: IO[bytes], secret: bytes) -> None:
        self._sink = sink
        self._salt = os.urandom(_SALT_BYTES)
        self._aead = _derive(secret, self._salt)
        self._buffer = bytearray()
        self._index = 0
        self.closed = False
        sink.write(MAGIC + self._salt)

    def _emit(self, data: bytes, last: bool) -> None:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, data, _aad(self._salt, self._index, last))
        self._sink.write(_LENGTH.pack(len(sealed)) + nonce + sealed)
        self._index += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()


class DecryptingReader:
    """A read-only file object over an encrypted part. The first chunk failing to open means
    the wrong key (WrongKeyError); a later one, a damaged backup."""

    def __init__(self, source: IO[bytes], secret: bytes, *, name: str = "backup") -> None:
        self._source = source
        self._name = name
        head = source.read(len(MAGIC) + _SALT_BYTES)
        if len(head) != len(MAGIC) + _SALT_BYTES or not head.startswith(MAGIC):
            raise BackupError(f"{name}: not a Bluelamp backup part (or it is damaged)")
        self._salt = head[len(MAGIC) :]
        self._aead = _derive(secret, self._salt)
        self._index = 0
        self._buffer = b""
        self._offset = 0  # read up to here: slicing the rest off on every read would be quadratic
        self._done = False

    def _next_chunk(self) -> None:
        header = self._source.read(_LENGTH.size + _NONCE_BYTES)
        if len(header) < _LENGTH.size + _NONCE_BYTES:
            raise BackupError(f"{self._name} is cut short: the backup is incomplete or damaged")
        (length,) = _LENGTH.unpack(header[: _LENGTH.size])
        nonce = header[_LENGTH.size :]
        sealed = self._source.read(length)
        if len(sealed) != length:
            raise BackupError(f"{self._name} is cut short: the backup is incomplete or damaged")
        for last in (False, True):
            try:
                plain = self._aead.decrypt(nonce, sealed, _aad(self._salt, self._index, last))
            except InvalidTag:
                continue
            self._buffer = self._buffer[self._offset :] + plain
            self._offset = 0
            self._done = last
            self._index += 1
            if last and self._source.read(1):
                raise BackupError(f"{self._name} has data after its end: the backup is damaged")
            return
        if self._index == 0:
            raise WrongKeyError()
        raise BackupError(f"{self._name} is damaged (chunk {self._index} fails its check)")

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) - self._offset < size):
            self._next_chunk()
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._offset + size)
        data = self._buffer[self._offset : end]
        self._offset = end
        return data


def encrypt_file(path: Path, target: Path, secret: bytes) -> None:
    with path.open("rb") as source, target.open("wb") as sink, EncryptingWriter(sink, secret) as writer:
        while block := source.read(CHUNK):
            writer.write(block)


def decrypt_file(path: Path, target: Path, secret: bytes) -> None:
    with path.open("rb") as source, target.open("wb") as sink:
        reader = DecryptingReader(source, secret, name=path.name)
        while block := reader.read(CHUNK):
            sink.write(block)
