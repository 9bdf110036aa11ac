"""API keys: stored as sha256 digests, compared in constant time, each with scopes ``read`` / ``write``.

Keys are random tokens of 256 bits, so one sha256 is a sound digest (a slow password hash buys nothing
against a brute force of 2^256). `KeyRing.identify` compares the presented key's digest with every
stored digest by `hmac.compare_digest` and never stops early, so timing says nothing about which key,
or how much of one, matched.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from rolegraph.api.settings import ApiKeyEntry

HEADER = "X-API-Key"
ALL_SCOPES = frozenset({"read", "write"})


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name (or ``local`` when no keys are configured) and its scopes."""

    name: str
    scopes: frozenset[str]


LOCAL = Principal("local", ALL_SCOPES)


def digest(key: str) -> bytes:
    """The sha256 digest of a key."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def new_key(name: str, scopes: Iterable[str] = ("read",)) -> tuple[str, ApiKeyEntry]:
    """A fresh random key and the settings entry (with its digest) that admits it."""
    key = "rg_" + secrets.token_urlsafe(32)
    return key, ApiKeyEntry(name=name, sha256=digest(key).hex(), scopes=frozenset(scopes))


class KeyRing:
    """The configured keys. With none, every caller is `LOCAL` (the service is bound to loopback)."""

    def __init__(self, entries: Iterable[ApiKeyEntry]):
        self._entries = [(bytes.fromhex(e.sha256), e) for e in entries]

    @property
    def open(self) -> bool:
        """True when no keys are configured."""
        return not self._entries

    def identify(self, presented: str | None) -> Principal | None:
        """The principal of a presented key, or None when it matches no configured key."""
        if self.open:
            return LOCAL
        if not presented:
            return None
        found = digest(presented)
        match: ApiKeyEntry | None = None
        for stored, entry in self._entries:
            if hmac.compare_digest(stored, found):
                match = entry
        return None if match is None else Principal(match.name, frozenset(match.scopes))
