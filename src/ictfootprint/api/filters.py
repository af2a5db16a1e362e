"""The filters of the published observations, shared by the API's list, its exports and the
dashboard's explorer: checked against the catalogue and the country tables, and an empty value
(``year=``, which a form with nothing chosen sends) meaning no filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from fastapi import Depends, Query
from pydantic import Field, WithJsonSchema

from ictfootprint.errors import InputError, Location
from ictfootprint.model import Method
from ictfootprint.reference.catalogue import catalogue
from ictfootprint.reference.countries import country, region_members
from ictfootprint.store import Store

# an empty parameter (``year=``, as a form with nothing chosen sends) means "no filter"
EMPTY: Final = "An empty value (`year=`) means no filter."
NoFilter = Literal[""]
# what the schema offers, so that clients (and schemathesis) know the catalogue; the server
# still checks, with a message that says what it expected
INDICATOR_IDS: Final = {"type": "string", "enum": ["", *sorted(catalogue())]}


@dataclass(frozen=True)
class ObservationFilters:
    """The filters shared by the observation list and its exports, checked."""

    entity: list[str] | None
    countries: set[str] | None
    indicator: list[str] | None
    year: list[int] | None
    method: list[str] | None

    def query(
        self,
        store: Store,
        limit: int | None = None,
        offset: int = 0,
        after: tuple[str, int] | None = None,
        total: int | None = None,
        *,
        shown: bool = False,
    ) -> Any:
        """(count, page): from ``offset``, or after the (method, id) of a cursor; the count
        is not read again when ``total`` gives it. The page holds (observation, its entity's
        country) pairs, or with ``shown`` the values as the API shows them
        (``Store.shown_page``)."""
        read = store.shown_page if shown else store.published_page
        found, rows = read(
            entity_ids=self.entity,
            countries=sorted(self.countries) if self.countries is not None else None,
            indicator_ids=self.indicator,
            years=self.year,
            methods=self.method,
            limit=limit,
            offset=offset,
            after=after,
            with_count=total is None,
        )
        return (found if total is None else total), rows

    def key(self) -> str:
        """The filters as one text (the same for every page of a query)."""
        countries = sorted(self.countries) if self.countries is not None else None
        return repr((self.entity, countries, self.indicator, self.year, self.method))


async def observation_filters(
    entity: list[str] | None = None,
    country: list[str] | None = None,
    region: str | None = None,
    indicator: list[str] | None = None,
    year: list[int] | None = None,
    method: list[Method] | None = None,
) -> ObservationFilters:
    """The filters, checked (async: no worker thread for a few lookups)."""
    countries: set[str] | None = None
    if country:
        countries = {country_code(c) for c in country}
    if region is not None:
        members = region_members(region)
        countries = members if countries is None else countries & members
    for item in indicator or ():
        if item not in catalogue():
            raise InputError("unknown indicator", Location(field="indicator"), found=item[:64])
    return ObservationFilters(
        entity or None,
        countries,
        indicator or None,
        year or None,
        [m.value for m in method] if method else None,
    )


YearOrEmpty = Annotated[int, Field(ge=1900, le=2200)] | NoFilter


async def query_filters(
    entity: Annotated[
        list[Annotated[str, Field(max_length=64)]] | None,
        Query(description=f"Entity id (repeatable). {EMPTY}"),
    ] = None,
    country: Annotated[
        list[Annotated[str, Field(max_length=10)]] | None,
        Query(description=f"ISO 3166-1 code of the area a value belongs to (repeatable). {EMPTY}"),
    ] = None,
    region: Annotated[
        str | None,
        Query(
            max_length=20,
            description=f"001, an M49 region (150) or an ITU region (ITU-EUR). {EMPTY}",
        ),
    ] = None,
    indicator: Annotated[
        list[Annotated[str, Field(max_length=64), WithJsonSchema(INDICATOR_IDS)]] | None,
        Query(description=f"Indicator id (repeatable). {EMPTY}"),
    ] = None,
    year: Annotated[
        list[YearOrEmpty] | None, Query(description=f"Year (repeatable). {EMPTY}")
    ] = None,
    method: Annotated[
        list[Method | NoFilter] | None,
        Query(description=f"How the value came to be (repeatable). {EMPTY}"),
    ] = None,
) -> ObservationFilters:
    """The filters from the query string, empty values left out."""
    return await observation_filters(
        entity=[e for e in entity or () if e],
        country=[c for c in country or () if c],
        region=region or None,
        indicator=[i for i in indicator or () if i],
        year=[y for y in year or () if isinstance(y, int)],
        method=[m for m in method or () if isinstance(m, Method)],
    )


def country_code(code: str) -> str:
    return country(code[:10]).iso3


Filters = Annotated[ObservationFilters, Depends(query_filters)]
