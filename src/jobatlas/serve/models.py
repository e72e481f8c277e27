"""Request bodies and shared parameter types of the JSON API, validated by pydantic.

The caps keep one request's work bounded: at most ``MAX_ITEMS`` values per list, strings
no longer than the normalisers read (longer text is cut or refused by them anyway), and
the body size cap of ``jobatlas.serve.app``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jobatlas.indicators.metrics import INDICATOR_NAMES
from jobatlas.indicators.structure import FOLD_NAMES
from jobatlas.serve.ranking import MAX_CUSTOM_DRAWS

MAX_ITEMS = 1000
MAX_TEXT = 1000
"""Longest title, location, salary text, country or currency accepted."""
MAX_DESCRIPTION = 20_000
"""Longest description accepted (the classifier reads no more)."""
MAX_BODY_BYTES = 4 * 1024 * 1024

Text = Annotated[str, Field(max_length=MAX_TEXT)]
Description = Annotated[str, Field(max_length=MAX_DESCRIPTION)]
Weight = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
WEIGHT_NAMES = (*INDICATOR_NAMES, *FOLD_NAMES)


class DefinitionChoice(StrEnum):
    core_adjacent = "core+adjacent"
    core = "core"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _same_length(main: Sequence[object], name: str, other: Sequence[object] | None) -> None:
    if other is not None and len(other) != len(main):
        raise ValueError(f"{name} must have as many items as the first list ({len(main)})")


class ClassifyBody(Strict):
    titles: list[Text | None] = Field(max_length=MAX_ITEMS)
    descriptions: list[Description | None] | None = Field(default=None, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _lengths(self) -> Self:
        _same_length(self.titles, "descriptions", self.descriptions)
        return self


class LocateBody(Strict):
    locations: list[Text | None] = Field(max_length=MAX_ITEMS)
    country_hints: list[Text | None] | None = Field(default=None, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _lengths(self) -> Self:
        _same_length(self.locations, "country_hints", self.country_hints)
        return self


class SalaryBody(Strict):
    texts: list[Text | None] = Field(max_length=MAX_ITEMS)
    countries: list[Text | None] | None = Field(default=None, max_length=MAX_ITEMS)
    dates: list[date | None] | None = Field(default=None, max_length=MAX_ITEMS)
    currencies: list[Text | None] | None = Field(default=None, max_length=MAX_ITEMS)

    @model_validator(mode="after")
    def _lengths(self) -> Self:
        for name in ("countries", "dates", "currencies"):
            _same_length(self.texts, name, getattr(self, name))
        return self


class RankingBody(Strict):
    """A ranking under weights of one's own; indicators not named weigh nothing."""

    weights: dict[str, Weight] | None = Field(
        default=None,
        description="Relative weight per indicator or fold: " + ", ".join(WEIGHT_NAMES),
        max_length=len(WEIGHT_NAMES),
    )
    profile: str = Field(default="balanced", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    since: date | None = None
    until: date | None = None
    definition: DefinitionChoice = DefinitionChoice.core_adjacent
    max_per_country: int | None = Field(default=None, ge=1, le=1000)
    top: int = Field(default=10, ge=1, le=1000)
    draws: int = Field(default=MAX_CUSTOM_DRAWS, ge=0, le=MAX_CUSTOM_DRAWS)
    seed: int = Field(default=7, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _known_weights(self) -> Self:
        if self.weights is not None:
            unknown = sorted(set(self.weights) - set(WEIGHT_NAMES))
            if unknown:
                raise ValueError(f"unknown weight names {unknown}; use {', '.join(WEIGHT_NAMES)}")
            if sum(self.weights.values()) <= 0:
                raise ValueError("weights must not all be 0")
        if self.since and self.until and self.since > self.until:
            raise ValueError("since is after until")
        return self
