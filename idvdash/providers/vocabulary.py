"""Every provider's codes, by kind: what a status, reason or tag means, for reviewers.

Each provider's own table lives in its package (`<kind>/vocabulary.py`); this module
answers for any kind, and for a kind it does not know with "no meaning".
"""

from __future__ import annotations

from collections.abc import Iterator

from .codes import Code, Term
from .registry import PROVIDERS


def canonical(kind: str, code: str) -> str:
    """Return the code a provider alias stands for (the code itself when it is no alias)."""
    known = PROVIDERS.get(kind)
    return known.vocabulary.canonical(code) if known else code


def explain(kind: str, code: str, *, category: str | None = None) -> str | None:
    """Return the plain-language meaning of a provider code, or None when it is unknown."""
    known = PROVIDERS.get(kind)
    return known.vocabulary.explain(code, category=category) if known else None


def describe(kind: str, code: str, category: str | None = None) -> Code:
    """Return the code with its meaning and the kind of code it is, for a page."""
    known = PROVIDERS.get(kind)
    if known is None:
        return Code(code=code, meaning=None)
    return known.vocabulary.describe(code, category)


def terms(kind: str | None = None) -> Iterator[Term]:
    """Yield every known code with its meaning, provider by provider, category by category."""
    for provider in PROVIDERS.values():
        if kind is None or provider.kind == kind:
            yield from provider.vocabulary.terms()
