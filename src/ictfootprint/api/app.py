"""The FastAPI application: public reads, signed-in writes, one error shape, limits in front.

``create_app(Settings.default(db=...))`` builds it; ``ictfootprint serve`` runs it under
uvicorn (one process per worker, each building its own from the environment).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import event

from ictfootprint import __version__, web
from ictfootprint.api import (
    accounts,
    aggregates,
    endorsements,
    exports,
    forum,
    organisations,
    portal,
    problems,
    reads,
    reports,
    rounds,
    shares,
    surveys,
    templates,
    trends,
    writes,
)
from ictfootprint.api.cache import Counts, DataVersion, ReadCache, Renders
from ictfootprint.api.guard import Guard, RateLimiter
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store

DESCRIPTION = """\
The ICT sector's environmental footprint (ITU-T L.1472): published entities, indicators,
observations, aggregates, trajectories against L.1470, coverage and the company benchmark,
open to everyone; submissions, reviews and targets for holders of an API token
(`Authorization: Bearer <token>`; `ictfootprint tokens create`). Values under review are never
published. Every write is in the audit trail. Errors always have the shape
`{"error": {"status", "message", "location", "expected", "found"}}`.
"""


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings.default()
    store = store or Store.open(settings.db, actor="api")
    if store.dialect == "postgresql":
        _statement_timeout(store, settings.request_timeout_seconds)
    app = FastAPI(
        title="ictfootprint",
        version=__version__,
        description=DESCRIPTION,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
        # any request may be refused before it reaches an operation: a NUL in the URL or
        # a foreign Host (400), too many (429), too slow (503)
        responses=problems.responses(400, 422, 429, 503),
        # FastAPI's /docs and /redoc pages load their scripts from a CDN; nothing here may
        # fetch from the network, so the schema is served as JSON only
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.cache = ReadCache(settings.cache_entries)
    app.state.renders = Renders(settings.renders_at_once)
    app.state.file_renders = Renders(settings.renders_at_once)  # a lane of their own
    app.state.versions = DataVersion(store, settings.data_version_seconds)
    app.state.counts = Counts()
    # one limiter for the guard in front and for authentication behind it, which charges the
    # address for every token that fails
    limiter = (
        RateLimiter(settings.rate_limit_per_minute) if settings.rate_limit_per_minute else None
    )
    app.state.limiter = limiter
    problems.install(app, web.error_page)
    app.include_router(reads.router)
    app.include_router(aggregates.router)
    app.include_router(trends.router)
    app.include_router(shares.router)
    app.include_router(organisations.router)
    app.include_router(exports.router)
    app.include_router(writes.router)
    app.include_router(rounds.router)
    app.include_router(surveys.router)
    app.include_router(accounts.router)
    app.include_router(templates.router)
    app.include_router(portal.router)
    app.include_router(forum.router)
    app.include_router(endorsements.router)
    app.include_router(reports.router)
    web.install(app)

    @app.get("/healthz", tags=["access"])
    def health() -> JSONResponse:
        """Liveness: the process answers and its database does."""
        with store.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return JSONResponse({"status": "ok", "version": __version__})

    app.add_middleware(Guard, settings=settings, limiter=limiter)
    return app


def from_environment() -> FastAPI:
    """The app of one uvicorn worker, configured by ``ICTFOOTPRINT_API_*`` variables."""
    return create_app(Settings.from_env())


def _statement_timeout(store: Store, seconds: float) -> None:
    milliseconds = int(seconds * 1000)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {milliseconds}")
        dbapi_connection.commit()

    event.listen(store.engine, "connect", on_connect)
    store.engine.dispose()  # connections opened before (migrations) lack the setting
