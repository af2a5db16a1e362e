"""``ictfootprint serve``: the REST API under uvicorn."""

from __future__ import annotations

import socket

import typer

from ictfootprint.cli.options import DB_OPTION


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
    max_upload_mb: int | None = typer.Option(None, min=1, help="Largest upload, in MiB."),
    access_log: bool = typer.Option(True, help="Log every request."),
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
        max_upload_bytes=max_upload_mb * 2**20 if max_upload_mb else None,
    )
    Store.open(url).close()  # migrate once, before the workers start
    os.environ.update(settings.to_env())
    backend = url.split("://")[0]
    typer.echo(
        f"ictfootprint ({backend}): dashboard http://{host}:{port}/, "
        f"API http://{host}:{port}/api/v1, schema /openapi.json"
    )
    config = uvicorn.Config(
        "ictfootprint.api.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        timeout_keep_alive=5,
        log_level="info",
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    from uvicorn.supervisors import Multiprocess

    Multiprocess(config, sockets=[_listening_socket(host, port)]).run()


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
