"""Reading the audit trail: newest first, filtered, paged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from ictfootprint.store.schema import audit_log


def page(
    connection: Connection,
    *,
    limit: int,
    offset: int = 0,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """(matching count, one page of audit rows, newest first)."""
    query = select(audit_log)
    for column, wanted in (
        (audit_log.c.actor, actor),
        (audit_log.c.action, action),
        (audit_log.c.object_type, object_type),
        (audit_log.c.object_id, object_id),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    total = int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    rows = connection.execute(query.order_by(audit_log.c.id.desc()).limit(limit).offset(offset))
    return total, [dict(row._mapping) for row in rows]
