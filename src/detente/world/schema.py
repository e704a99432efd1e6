"""The JSON Schema of a world file, generated from the record models.

Editors that understand JSON Schema (VS Code's YAML extension, for one) can then check a world
while it is being written; ``detente world schema`` prints it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from detente.world.records import (
    Agreement,
    Base,
    CapabilitySeries,
    Membership,
    Official,
    Organisation,
    Pledge,
    Relation,
    Source,
    State,
    Threat,
    WorldHeader,
)

__all__ = ["WorldDocument", "world_json_schema"]


class WorldDocument(BaseModel):
    """One YAML file of a world: any of the record sections, each a list."""

    model_config = ConfigDict(extra="forbid", title="Détente world file")

    world: WorldHeader | None = None
    sources: list[Source] = Field(default_factory=list)
    states: list[State] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)
    memberships: list[Membership] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    capabilities: list[CapabilitySeries] = Field(default_factory=list)
    bases: list[Base] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    threats: list[Threat] = Field(default_factory=list)
    officials: list[Official] = Field(default_factory=list)
    pledges: list[Pledge] = Field(default_factory=list)


_REPLACE = {
    "type": "boolean",
    "default": False,
    "description": (
        "in a world that extends the built-in one: this record replaces the built-in record "
        "with the same natural key"
    ),
}


def world_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one world file, with field aliases (``from``).

    Every top-level record also accepts ``replace: true``, a merge directive the loader reads
    off the record (it is not a field of the fact itself).
    """
    schema = WorldDocument.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    defs = schema.get("$defs", {})
    for name, prop in schema["properties"].items():
        ref = prop.get("items", {}).get("$ref", "") if name != "world" else ""
        target = defs.get(ref.rsplit("/", 1)[-1]) if ref else None
        if target is not None:
            target.setdefault("properties", {})["replace"] = _REPLACE
    return schema
