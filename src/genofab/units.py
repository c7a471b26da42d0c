"""The one unit registry of genofab and the base units every engine computes in.

Quantities are parsed with pint at the edges (scenario files, reports) and stored as plain
floats in the base units below; engines never see pint objects.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

#: Units a product can be counted in, keyed by their pint dimension.
PRODUCT_UNITS: dict[str, str] = {
    "[transducing_unit]": "TU",
    "[vector_genome]": "vg",
    "[viral_particle]": "vp",
    "[cell]": "cell",
}


#: Currencies, keyed by their pint dimension.
CURRENCIES: dict[str, str] = {
    "[currency_eur]": "EUR",
    "[currency_usd]": "USD",
    "[currency_gbp]": "GBP",
    "[currency_chf]": "CHF",
}


@cache
def registry() -> pint.UnitRegistry[Any]:
    """The shared pint registry, built once from ``units.txt`` (a few milliseconds)."""
    import pint

    definitions = resources.files("genofab").joinpath("units.txt")
    with resources.as_file(definitions) as path:
        return pint.UnitRegistry(str(path), autoconvert_offset_to_baseunit=False)
