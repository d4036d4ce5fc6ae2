"""Deterministic hashing and reversible, opaque-looking identifiers.

Every identifier the sandbox hands out encodes (kind, index) so that a lookup by id is
arithmetic: decode, check, and rebuild the record from its index.
"""

import base64
import hashlib
import uuid

_MASK62 = (1 << 62) - 1
_MUL = 0x2545F4914F6CDD1D & _MASK62 | 1
_MUL_INV = pow(_MUL, -1, 1 << 62)
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def digest(*parts: object) -> int:
    """Return a stable 64-bit hash of the given parts."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """Return a stable float in [0, 1) for the given parts."""
    return digest(*parts) / 2**64


def pick[T](options: list[T] | tuple[T, ...], *parts: object) -> T:
    """Pick one option deterministically."""
    return options[digest(*parts) % len(options)]


class IdCodec:
    """Encode (tag, index) into 62 scrambled bits and back, keyed by the seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._key = digest("codec", seed) & _MASK62

    def _pack(self, tag: int, index: int) -> int:
        payload = (tag & 0xFF) << 40 | (index & ((1 << 40) - 1))
        check = digest("check", self.seed, payload) & 0x3FFF
        value = payload << 14 | check
        return ((value * _MUL) & _MASK62) ^ self._key

    def _unpack(self, value: int) -> tuple[int, int] | None:
        value = ((value ^ self._key) * _MUL_INV) & _MASK62
        payload, check = value >> 14, value & 0x3FFF
        if digest("check", self.seed, payload) & 0x3FFF != check:
            return None
        return payload >> 40, payload & ((1 << 40) - 1)

    def uuid(self, tag: int, index: int) -> str:
        """Return a UUID4-shaped string for (tag, index)."""
        packed = self._pack(tag, index)
        high = digest("uuid-high", self.seed, packed)
        return str(uuid.UUID(int=high << 64 | packed, version=4))

    def from_uuid(self, text: str, tag: int) -> int | None:
        """Return the index encoded in a UUID made by `uuid`, or None."""
        try:
            value = uuid.UUID(text)
        except (ValueError, AttributeError, TypeError):
            return None
        decoded = self._unpack(value.int & _MASK62)
        if decoded is None or decoded[0] != tag or self.uuid(tag, decoded[1]) != str(value):
            return None
        return decoded[1]

    def token(self, tag: int, index: int, length: int = 16) -> str:
        """Return a lower-case alphanumeric string of `length` characters for (tag, index)."""
        packed, chars = self._pack(tag, index), []
        for _ in range(12):
            packed, rem = divmod(packed, 36)
            chars.append(_ALPHABET[rem])
        tail = digest("token-tail", self.seed, tag, index)
        while len(chars) < length:
            tail, rem = divmod(tail, 36)
            chars.append(_ALPHABET[rem])
        return "".join(chars)

    def from_token(self, text: str, tag: int, length: int = 16) -> int | None:
        """Return the index encoded by `token`, or None."""
        if len(text) != length or any(c not in _ALPHABET for c in text):
            return None
        packed = 0
        for char in reversed(text[:12]):
            packed = packed * 36 + _ALPHABET.index(char)
        decoded = self._unpack(packed & _MASK62) if packed <= _MASK62 else None
        if decoded is None or decoded[0] != tag or self.token(tag, decoded[1], length) != text:
            return None
        return decoded[1]


def cursor(offset: int) -> str:
    """Return an opaque Relay cursor for a position."""
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def from_cursor(text: str) -> int | None:
    """Return the position inside a cursor made by `cursor`, or None."""
    try:
        decoded = base64.b64decode(text.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    prefix, _, number = decoded.partition(":")
    if prefix != "offset" or not number.isdigit():
        return None
    return int(number)
