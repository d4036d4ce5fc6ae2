"""A provider's codes and their plain-language meanings, as reviewers read them.

Meanings come from the providers' documentation as summarised in
providers/idenfy-equals.md and providers/swan-stora.md. A code that is not listed
has no meaning here and is shown verbatim.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

CATEGORY_LABELS: dict[str, str] = {
    "status": "Status",
    "result": "Result",
    "level_status": "Level status",
    "face_result": "Face check result",
    "document_result": "Document check result",
    "fraud_tag": "Fraud tag",
    "mismatch_tag": "Mismatch tag",
    "suspicion_reason": "Suspicion reason",
    "invalid_reason": "Reason for rejection",
    "error_code": "Error code",
}


def codes(text: str) -> frozenset[str]:
    """A set of codes written as one space-separated string."""
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Code:
    """A provider code, what it means (None: unknown, show verbatim) and its kind of code."""

    code: str
    meaning: str | None
    category: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    """One code and its meaning, as the UI lists them."""

    kind: str
    category: str
    code: str
    meaning: str

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)


@dataclass(frozen=True)
class Vocabulary:
    """One provider's codes: meanings by category, other spellings, documented enumerations.

    `enumerations` are the code lists the provider documents, per category; every one
    of those codes has a meaning and nothing else does (the tests check both ways).
    """

    kind: str
    meanings: Mapping[str, Mapping[str, str]]
    enumerations: Mapping[str, frozenset[str]]
    # Other spellings the provider has used for the same code: alias -> code.
    aliases: Mapping[str, str] = field(default_factory=dict)

    def canonical(self, code: str) -> str:
        """Return the code an alias stands for (the code itself when it is no alias)."""
        return self.aliases.get(code, code)

    def explain(self, code: str, *, category: str | None = None) -> str | None:
        """Return what a code means (in `category` when given), or None when it is unknown."""
        code = self.canonical(code)
        if category is not None:
            return self.meanings.get(category, {}).get(code)
        for table in self.meanings.values():
            if code in table:
                return table[code]
        return None

    def describe(self, code: str, category: str | None = None) -> Code:
        """Return the code with its meaning and category label, for a page.

        The meaning is looked up in `category` first, then in any table; the label is
        the category's, or the first one the code appears under.
        """
        label = CATEGORY_LABELS.get(category or "", "") or self._first_labels.get(code, "")
        meaning = self.explain(code, category=category) if category else None
        return Code(code=code, meaning=meaning or self.explain(code), category=label)

    def terms(self) -> Iterator[Term]:
        """Yield every known code with its meaning, category by category."""
        for category, table in self.meanings.items():
            for code, meaning in table.items():
                yield Term(self.kind, category, code, meaning)

    @cached_property
    def _first_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for term in self.terms():
            labels.setdefault(term.code, term.category_label)
        return labels
