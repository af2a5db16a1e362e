"""What a reviewer reads before accepting a submission: each value it would publish and what
that value changes against the currently accepted one (new, unchanged, or restates X as Y).

Computed here, not in a template, so that the page only lays the comparison out and a test can
check it against hand calculations.
"""

from __future__ import annotations

import math
from typing import Any, Final

from ictfootprint.model import StoredObservation
from ictfootprint.store import Store

NEW: Final = "new"
UNCHANGED: Final = "unchanged"
RESTATES: Final = "restates"
# values are stored rounded to their resolution: closer than this is the same figure
SAME: Final = 1e-9


def _key(item: dict[str, Any] | StoredObservation) -> tuple[Any, ...]:
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name)
    return (get("indicator_id"), get("year"), get("country"), get("subsector"))


def value_changes(store: Store, submission_id: int, entity_id: str) -> list[dict[str, Any]]:
    """Each value of the submission with its change against the accepted one.

    ``change`` is ``new`` (nothing accepted for that indicator, year, country and
    sub-sector), ``unchanged`` or ``restates`` (with ``previous`` value and unit and
    ``change_percent``, None when the previous value was 0 or text).
    """
    items = store.submission_values(submission_id)
    if not items:
        return []
    current = store.current_observations(
        entity_ids=[entity_id],
        indicator_ids=sorted({i["indicator_id"] for i in items}),
        years=sorted({int(i["year"]) for i in items}),
    )
    accepted: dict[tuple[Any, ...], StoredObservation] = {}
    for obs in current:
        # a reported value is what a submission restates; a calculated one only fills in
        if obs.method == "reported" or _key(obs) not in accepted:
            accepted[_key(obs)] = obs
    shown = []
    for item in sorted(items, key=lambda i: (i["indicator_id"], i["year"], i.get("country") or "")):
        before = accepted.get(_key(item))
        row: dict[str, Any] = {
            "indicator": item["indicator_id"],
            "year": item["year"],
            "value": item.get("value"),
            "text": item.get("value_text"),
            "unit": item.get("unit"),
            "country": item.get("country"),
            "method": item.get("method"),
            "source": item.get("source"),
            "comment": item.get("comment"),
            "change": NEW,
            "previous": None,
            "previous_unit": None,
            "change_percent": None,
        }
        if before is not None:
            row["previous"] = before.value if before.value is not None else before.value_text
            row["previous_unit"] = before.unit
            row["change"] = RESTATES
            new, old = item.get("value"), before.value
            if new is not None and old is not None:
                if math.isclose(new, old, rel_tol=SAME, abs_tol=0.0) or new == old:
                    row["change"] = UNCHANGED
                elif old != 0:
                    row["change_percent"] = (new - old) / abs(old) * 100.0
            elif item.get("value_text") == before.value_text:
                row["change"] = UNCHANGED
        shown.append(row)
    return shown
