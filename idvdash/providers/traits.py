"""What a provider says about the person behind a record, held only in passing.

A client, a webhook reader or a live read fills `Traits` from the provider's answer;
`idvdash/people` turns them into keyed hashes (match keys) and forgets the values.
Traits are never stored, logged or put in a record's payload.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Traits:
    """Personal facts one provider gave for one subject, as given (not normalised)."""

    # Full names, each as one string ("Jonas Petraitis", "JONAS PETRAITIS").
    names: tuple[str, ...] = ()
    # Dates of birth, YYYY-MM-DD as the provider gave them.
    birth_dates: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    # The partner's own customer reference, where the provider carries one (iDenfy's
    # clientId, a Stora contact's metadata key the account names): proof of identity
    # across providers, so it links automatically.
    customer_refs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.names, self.birth_dates, self.emails, self.phones, self.customer_refs))


NO_TRAITS = Traits()
