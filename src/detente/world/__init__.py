"""The world model: dated, sourced facts of a security system, queried as of any date.

>>> from detente.world import builtin_world
>>> import datetime as dt
>>> builtin_world().on(dt.date(2009, 9, 10)).members("CSTO")
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK', 'UZB']
"""

from detente.world.model import World, builtin_world, check_world, inspect_world, load_world
from detente.world.schema import world_json_schema
from detente.world.snapshot import CARRY_YEARS, CapabilityValue, ClauseAt, Snapshot, fill_capability

__all__ = [
    "CARRY_YEARS",
    "CapabilityValue",
    "ClauseAt",
    "Snapshot",
    "World",
    "builtin_world",
    "check_world",
    "fill_capability",
    "inspect_world",
    "load_world",
    "world_json_schema",
]

# `detente.world(...)` / `detente.forecast(...)`: the notebook API functions (see detente._callable)
from detente._callable import make_callable

make_callable(__name__)
