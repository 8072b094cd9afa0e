"""Bitstring Status List encoding: bit order, length, and refusal of bad lists."""

import base64
import gzip

import pytest

from bluelamp.credentials.openbadges import statuslist


@pytest.mark.parametrize("index", [0, 7, 8, 131071])
def test_one_set_bit_round_trips(index):
    encoded = statuslist.encode([index])
    assert encoded.startswith("u") and "=" not in encoded
    assert statuslist.is_set(encoded, index)
    bits = statuslist.decode(encoded)
    assert len(bits) == 16384
    assert sum(bin(byte).count("1") for byte in bits) == 1
    for other in {0, 1, 6, 7, 8, 9, 131070, 131071} - {index}:
        assert not statuslist.is_set(encoded, other)


def test_bit_zero_is_the_leftmost_bit_of_the_first_byte():
    bits = statuslist.decode(statuslist.encode([0, 9]))
    assert bits[0] == 0b1000_0000
    assert bits[1] == 0b0100_0000


def test_empty_list_matches_the_spec_example_shape():
    encoded = statuslist.encode([])
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert gzip.decompress(raw) == bytes(16384)
    # Same bits, same text: the list served can carry a stable ETag.
    assert statuslist.encode([]) == encoded


def test_longer_lists_and_their_bounds():
    encoded = statuslist.encode([262143], length=262144)
    assert statuslist.is_set(encoded, 262143)
    with pytest.raises(statuslist.StatusListError, match="outside a status list of 262144 bits"):
        statuslist.is_set(encoded, 262144)
    with pytest.raises(statuslist.StatusListError, match="index 131072 is outside"):
        statuslist.encode([131072])
    with pytest.raises(statuslist.StatusListError, match="at least 131072 bits"):
        statuslist.encode([], length=1024)


def test_malformed_lists_are_refused_with_a_reason():
    with pytest.raises(statuslist.StatusListError, match="must start with 'u'"):
        statuslist.decode("H4sIAAAAAAAAA")
    with pytest.raises(statuslist.StatusListError, match="not GZIP"):
        statuslist.decode("u" + base64.urlsafe_b64encode(b"plain bytes").decode().rstrip("="))
    short = gzip.compress(bytes(1024), mtime=0)
    with pytest.raises(statuslist.StatusListError, match="this one has 8192"):
        statuslist.decode("u" + base64.urlsafe_b64encode(short).decode().rstrip("="))


def test_a_gzip_bomb_is_refused_before_it_is_inflated():
    bomb = gzip.compress(bytes(17 * 1024 * 1024), mtime=0)
    with pytest.raises(statuslist.StatusListError, match="inflates to more than"):
        statuslist.decode("u" + base64.urlsafe_b64encode(bomb).decode().rstrip("="))
