"""TypedDicts for every DCS input and result, generated from the spec (keys are wire names):
``from dcskit.types import CreateInstanceBody``."""

from ._generated.types import *  # noqa: F401,F403
from ._generated.types import __all__  # noqa: F401
