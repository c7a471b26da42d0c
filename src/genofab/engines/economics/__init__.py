"""Economics engines: capital (:mod:`.capital`), the cost of goods by line, category, step and
cause (:mod:`.cost_of_goods`), and the economics result of one run (:mod:`.result`). The fair
price is in :mod:`genofab.engines.pricing`."""

from genofab.engines.economics.cost_of_goods import (
    CATEGORIES,
    CAUSES,
    CostArrays,
    FailedLots,
    cost_arrays,
    expected_failures,
    sized_values,
)
from genofab.engines.economics.result import economics_result

__all__ = [
    "CATEGORIES",
    "CAUSES",
    "CostArrays",
    "FailedLots",
    "cost_arrays",
    "economics_result",
    "expected_failures",
    "sized_values",
]
