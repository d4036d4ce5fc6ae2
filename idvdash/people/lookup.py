"""Finding stored match keys by value: conditions that walk the key index.

`SubjectKey` is indexed on (kind, key id, digest); a lookup by digest alone could not
use it and would read every key of a kind. So digests are grouped by (kind, key id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q

from .keys import MatchKey


def matching(found: Iterable[MatchKey | tuple[str, str, str]]) -> Q | None:
    """Q for the stored keys equal to any of `found` (MatchKeys or (kind, key id,
    digest)); None when there is none to look for."""
    digests: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in found:
        kind, key_id, digest = (
            (key.kind, key.key_id, key.digest) if isinstance(key, MatchKey) else key
        )
        digests[(str(kind), key_id)].append(digest)
    if not digests:
        return None
    return reduce(
        or_,
        (
            Q(kind=kind, key_id=key_id, digest__in=sorted(set(values)))
            for (kind, key_id), values in digests.items()
        ),
    )
