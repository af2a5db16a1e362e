"""``ictfootprint serve``: the REST API under uvicorn."""

from __future__ import annotations

import gc
import socket
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Final

import typer

from ictfootprint.cli.options import DB_OPTION

if TYPE_CHECKING:
    import uvicorn

    from ictfootprint.api.settings import Settings
    from ictfootprint.store import Store

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def serve_command(
    host: str = typer.Option(
        "127.0.0.1", help="Address to listen on (put a TLS proxy in front to expose it)."
    ),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
    rate_limit: int | None = typer.Option(
        None, min=0, help="Requests a minute per token or address (0: no limit)."
    ),
    timeout: float | None = typer.Option(None, min=0.1, help="Seconds a request may take."),
    renders: int | None = typer.Option(
        None,
        min=0,
        max=256,
        help=(
            "Uncached reads rendered at once per worker, and as many files (exports, "
            "reports) beside them (more wait their turn; 0: no bound)."
        ),
    ),
    max_upload_mb: int | None = typer.Option(None, min=1, help="Largest upload, in MiB."),
    access_log: bool = typer.Option(True, help="Log every request."),
    allowed_hosts: str | None = typer.Option(
        None,
        envvar="ICTFOOTPRINT_API_ALLOWED_HOSTS",
        help="Host names to answer for, comma-separated (default: the listening address, "
        "localhost, 127.0.0.1, [::1]).",
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None,
        envvar="ICTFOOTPRINT_API_TRUSTED_PROXIES",
        help="Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed, "
        "comma-separated (default: none).",
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Serve the web dashboard (six languages) and the REST API (its OpenAPI 3 schema at
    /openapi.json). Reads of published data are
    public; submissions, reviews, targets and the audit trail need a token
    (ictfootprint tokens create)."""
    import os

    import uvicorn

    from ictfootprint.api.settings import Settings
    from ictfootprint.store import Store, database_url

    url = database_url(db)
    settings = Settings.default(
        db=url,
        rate_limit_per_minute=rate_limit,
        request_timeout_seconds=timeout,
        renders_at_once=renders,
        max_upload_bytes=max_upload_mb * 2**20 if max_upload_mb else None,
        allowed_hosts=allowed_hosts,
        trusted_proxies=forwarded_allow_ips,
    )
    settings = settings.replace(allowed_hosts=default_allowed_hosts(settings, host))
    store = Store.open(url)  # migrate once, before the workers start
    try:
        sector_rows_ready(store, typer.echo)
    finally:
        store.close()
    os.environ.update(settings.to_env())
    backend = url.split("://")[0]
    typer.echo(
        f"ictfootprint ({backend}): dashboard http://{host}:{port}/, "
        f"API http://{host}:{port}/api/v1, schema /openapi.json"
    )
    config = uvicorn_config(
        "ictfootprint.cli.serve:serving_app",
        settings,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
    )
    try:
        if workers == 1:
            uvicorn.Server(config).run()
        else:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[_listening_socket(host, port)]).run()
    finally:
        _checkpoint(url)


def sector_rows_ready(store: Store, echo: Callable[[str], object]) -> None:
    """Rebuild the sector's stale stored rows, then compute its stale area totals, before the
    workers start. After an upgrade
    (other rules: every entity is marked) the first reads of totals would otherwise rebuild
    them inside requests: thousands of entities take longer than the time limit, and every
    request for a total waited on the same rebuild (at 4 M values every aggregate answered
    503 until it was done)."""
    import time

    from ictfootprint.compute import area_totals, sector_rows

    sector_rows.keep_rules(store)
    marked = sector_rows.stale_count(store)
    if marked:
        echo(f"Rebuilding the sector's stored rows of {marked:,} entities before serving")
    started = time.perf_counter()
    done = sector_rows.refresh(store)
    if marked:
        echo(
            f"Rebuilt {done.entities:,} entities ({done.rows:,} rows) "
            f"in {time.perf_counter() - started:,.0f} s"
        )
    areas = area_totals.stale_count(store)  # the first read of each would compute them
    if areas:
        echo(f"Computing the sector's totals of {areas:,} area-years before serving")
        started = time.perf_counter()
        area_totals.refreshed(store)
        echo(f"Computed them in {time.perf_counter() - started:,.0f} s")


#: Allocations between two collections of the youngest generation (Python's default: 700).
#: A page allocates some 100,000 objects; at 700 the collector ran about 180 times a page
#: and moved what the request still held into the old generation, whose full collections
#: then came every hundred pages or so.
YOUNG_COLLECTION: Final = 10_000


def collector_tuned() -> None:
    """Set a worker's garbage collector for serving: what it holds once started (modules,
    the app, reference data: 220,000 objects) is frozen out of every collection, and the
    young generation is collected less often.

    At 4.4 M values on PostgreSQL, 600 page and aggregate requests in one process: the full
    collections took 155-170 ms each (the 270,000 objects of a started worker), six of them,
    every request in the worker waiting, which is where the pages' p99 under load came from;
    the collector took 10 % of the CPU. Frozen and at 10,000: no collection over 12 ms, and
    12 % less CPU in all."""
    gc.collect()  # nothing unreachable is frozen
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])


def serving_app() -> Any:
    """The app of one worker (``from_environment``) that closes its database connections when
    it shuts down (a SQLite database's ``-wal`` and ``-shm`` files go with the last one),
    its garbage collector set for serving (:func:`collector_tuned`) once it has started."""
    from contextlib import asynccontextmanager

    from ictfootprint.api.app import from_environment

    app = from_environment()
    lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def closing(app_: Any) -> AsyncIterator[Any]:
        async with lifespan(app_) as state:
            collector_tuned()
            yield state
        app.state.store.close()

    app.router.lifespan_context = closing
    return app


def _checkpoint(url: str) -> None:
    """Fold a SQLite database's write-ahead log back into it and remove ``-wal``/``-shm``
    (closing the last connection does; a worker killed before its shutdown left them)."""
    import sqlite3

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    try:  # best effort: never hide why the server stopped
        connection = sqlite3.connect(parsed.database, timeout=30)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error:
        pass


def default_allowed_hosts(settings: Settings, host: str) -> str:
    """The configured host names, or the address listened on and the loopback names."""
    if settings.allowed_hosts.strip():
        return settings.allowed_hosts
    bound = f"[{host}]" if ":" in host else host
    return ",".join(dict.fromkeys([bound.lower(), *LOOPBACK_NAMES]))


def uvicorn_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """How uvicorn runs our app: no ``Server`` header; forwarded headers believed from the
    configured proxies only (uvicorn's own default believes any loopback peer, so a local
    client could name any address for the audit trail and the rate limit)."""
    import uvicorn

    proxies = settings.proxies()
    return uvicorn.Config(
        app,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        server_header=False,
        timeout_keep_alive=5,
        log_level="info",
        **options,
    )


def _listening_socket(host: str, port: int) -> socket.socket:
    """The socket the workers share, made with protocol IPPROTO_TCP: asyncio turns on
    TCP_NODELAY only for such sockets' connections, and uvicorn's own (protocol 0) leaves
    every keep-alive response waiting ~40 ms on Nagle's algorithm (uvicorn issue 3149)."""
    from ictfootprint.errors import InputError, Location

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror}", Location(field="port")
        ) from None
    sock.set_inheritable(True)
    return sock
