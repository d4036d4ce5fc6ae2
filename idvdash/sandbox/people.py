"""Fictional people shared by the four providers (names and numbers are generated).

A person has no id that every provider shares: each provider names its own customers
(Swan's user id, Equals' associated person id, Stora's `con_` contact id, all made by
the provider catalogs). The only identifier that crosses providers is the partner's own
customer reference (`customer_ref`), which the partner hands to whichever provider
carries one (iDenfy's `clientId`, a Stora contact's `metadata`).
"""

from dataclasses import dataclass

from .ids import IdCodec, digest, pick

# Customer references are `client-` and seven digits: an affine bijection of the
# person's number, so the same human keeps the same reference and a reference maps back.
REF_MODULUS = 10**7
REF_FACTOR = 7_654_321
REF_PREFIX = "client-"

FIRST_NAMES = {
    "M": (
        "Jonas",
        "Lucas",
        "Mateo",
        "Hugo",
        "Oskar",
        "Tomas",
        "Ravi",
        "Kenji",
        "Idris",
        "Felix",
        "Arlo",
        "Emil",
        "Nikolai",
        "Pablo",
        "Theo",
        "Samir",
        "Jules",
        "Marek",
    ),
    "F": (
        "Amira",
        "Lina",
        "Sofia",
        "Maja",
        "Elena",
        "Chloe",
        "Ines",
        "Aiko",
        "Zara",
        "Greta",
        "Nora",
        "Ada",
        "Malika",
        "Clara",
        "Yara",
        "Ruth",
        "Vera",
        "Ona",
    ),
}
LAST_NAMES = (
    "Petraitis",
    "Okafor",
    "Moreau",
    "Lindqvist",
    "Novak",
    "Fleury",
    "Ngoma",
    "Kowalski",
    "Brennan",
    "Haddad",
    "Varga",
    "Sato",
    "Rossi",
    "Dubois",
    "Keller",
    "Adeyemi",
    "Jansen",
    "Costa",
    "Horvat",
    "Lambert",
    "Mensah",
    "Ortega",
    "Quinlan",
    "Zielinski",
    "Abara",
    "Vidal",
    "Marsh",
    "Tanaka",
    "Eriksen",
    "Pires",
)
# (alpha-2, alpha-3, country name, city, phone prefix)
COUNTRIES = (
    ("GB", "GBR", "United Kingdom", "London", "+447700900"),
    ("FR", "FRA", "France", "Lyon", "+33612"),
    ("LT", "LTU", "Lithuania", "Kaunas", "+37060"),
    ("DE", "DEU", "Germany", "Leipzig", "+49151"),
    ("ES", "ESP", "Spain", "Valencia", "+34612"),
    ("NL", "NLD", "Netherlands", "Utrecht", "+31612"),
    ("IT", "ITA", "Italy", "Turin", "+39312"),
    ("IE", "IRL", "Ireland", "Cork", "+35385"),
    ("PL", "POL", "Poland", "Gdansk", "+48512"),
    ("NG", "NGA", "Nigeria", "Lagos", "+234803"),
)
STREETS = (
    "Mill Lane",
    "Station Road",
    "Rue des Lilas",
    "Laisves al.",
    "Hauptstrasse",
    "Calle Mayor",
    "Kerkstraat",
    "Via Roma",
    "Harbour View",
    "Ulica Dluga",
)


@dataclass(frozen=True)
class Person:
    """One fictional human; the same index yields the same person at every provider."""

    index: int
    # The partner's own reference for this customer (the same at every provider that
    # carries it); not a provider's id.
    customer_ref: str
    first_name: str
    last_name: str
    sex: str
    birth_date: str
    country: tuple[str, str, str, str, str]
    document_number: str
    personal_code: str
    email: str
    phone: str
    street: str
    postcode: str

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


class People:
    """Generate person `g` on demand from (seed, g)."""

    def __init__(self, seed: int, codec: IdCodec) -> None:
        self.seed = seed
        self.codec = codec

    def get(self, g: int) -> Person:
        """Return person number `g`."""
        sex = "M" if digest(self.seed, "sex", g) % 2 else "F"
        first = pick(FIRST_NAMES[sex], self.seed, "first", g)
        last = pick(LAST_NAMES, self.seed, "last", g)
        country = pick(COUNTRIES, self.seed, "country", g)
        h = digest(self.seed, "numbers", g)
        year = 1950 + h % 55
        month, dom = 1 + (h >> 8) % 12, 1 + (h >> 12) % 28
        number = f"{country[0]}{(h >> 16) % 10**7:07d}"
        personal = f"{3 + (sex == 'F')}{year % 100:02d}{month:02d}{dom:02d}{(h >> 40) % 10**4:04d}"
        slug = f"{first}.{last}{g % 1000}".lower()
        domain = pick(("example.com", "example.org", "example.net"), self.seed, "mail", g)
        return Person(
            index=g,
            customer_ref=self.customer_ref(g),
            first_name=first,
            last_name=last,
            sex=sex,
            birth_date=f"{year:04d}-{month:02d}-{dom:02d}",
            country=country,
            document_number=number,
            personal_code=personal,
            email=f"{slug}@{domain}",
            phone=f"{country[4]}{(h >> 24) % 1000:03d}",
            street=f"{1 + (h >> 30) % 120} {pick(STREETS, self.seed, 'street', g)}",
            postcode=f"{(h >> 34) % 90000 + 10000}",
        )

    def customer_ref(self, g: int) -> str:
        """Return the partner's customer reference of person `g`."""
        offset = digest(self.seed, "customer-ref") % REF_MODULUS
        return f"{REF_PREFIX}{(g * REF_FACTOR + offset) % REF_MODULUS:07d}"

    def from_customer_ref(self, text: object) -> int | None:
        """Return the person number of a customer reference, or None."""
        if not isinstance(text, str) or not text.startswith(REF_PREFIX):
            return None
        digits = text.removeprefix(REF_PREFIX)
        if len(digits) != 7 or not digits.isdigit():
            return None
        offset = digest(self.seed, "customer-ref") % REF_MODULUS
        return (int(digits) - offset) * pow(REF_FACTOR, -1, REF_MODULUS) % REF_MODULUS
