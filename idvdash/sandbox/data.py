"""The deterministic data set: one lazily generated catalog per provider."""

from .catalog import Catalog
from .clock import SimClock
from .equals_data import EqualsCatalog
from .idenfy_data import IdenfyCatalog
from .ids import IdCodec
from .people import People
from .stora_data import StoraCatalog
from .swan_data import SwanCatalog


class Dataset:
    """Every provider's records for (seed, size), generated on demand; nothing is stored."""

    def __init__(self, *, size: int = 200, seed: int = 1, clock: SimClock | None = None) -> None:
        self.size, self.seed = size, seed
        self.clock = clock or SimClock()
        self.codec = IdCodec(seed)
        self.people = People(seed, self.codec)
        common = {
            "seed": seed,
            "size": size,
            "clock": self.clock,
            "people": self.people,
            "codec": self.codec,
        }
        self.idenfy = IdenfyCatalog(**common)
        self.equals = EqualsCatalog(**common)
        self.swan = SwanCatalog(**common)
        self.stora = StoraCatalog(**common)

    @property
    def catalogs(self) -> dict[str, Catalog]:
        """Return the catalogs by provider kind."""
        return {
            "idenfy": self.idenfy,
            "equals": self.equals,
            "swan": self.swan,
            "stora": self.stora,
        }
