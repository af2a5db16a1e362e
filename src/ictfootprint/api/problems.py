"""Every error the API answers has one shape: what is wrong and where, never a traceback.

``{"error": {"status": 400, "message": "unknown indicator", "location": {"field":
"indicator"}, "expected": "...", "found": "..."}}``. Outside input that is wrong is 400 (our
own checks) or 422 (the request does not match the OpenAPI schema); a missing record 404; no or
a bad token 401; a role that may not 403; too large 413; too many 429; too slow 503.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from ictfootprint.errors import ConflictError, IctFootprintError, InputError, NotFoundError

log = logging.getLogger("ictfootprint.api")


class ErrorLocation(BaseModel):
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None


class ErrorDetail(BaseModel):
    status: int
    message: str
    location: ErrorLocation | None = None
    expected: str | None = None
    found: str | None = None


class Problem(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the API raises itself (authorisation, limits), with its HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}


UNAUTHENTICATED: Final = {"WWW-Authenticate": 'Bearer realm="ictfootprint"'}


def problem(
    status: int,
    message: str,
    *,
    location: dict[str, Any] | None = None,
    expected: str | None = None,
    found: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    detail: dict[str, Any] = {"status": status, "message": message}
    if location:
        detail["location"] = location
    if expected is not None:
        detail["expected"] = expected
    if found is not None:
        detail["found"] = found[:200]
    return JSONResponse({"error": detail}, status_code=status, headers=headers)


def problem_bytes(status: int, message: str) -> bytes:
    """The same body, for the ASGI middlewares that answer before FastAPI does."""
    return json.dumps({"error": {"status": status, "message": message}}).encode()


def _input_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    where = {k: v for k, v in exc.location.__dict__.items() if v is not None}
    return problem(400, exc.message, location=where, expected=exc.expected, found=exc.found)


def _conflict(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConflictError)
    where = {k: v for k, v in exc.location.__dict__.items() if v is not None}
    return problem(409, exc.message, location=where)


def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return problem(404, str(exc))


def _our_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error: %s", exc)
    return problem(500, "the server could not complete this request")


def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    location = {"field": exc.field} if exc.field else None
    return problem(exc.status, exc.message, location=location, headers=exc.headers)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request)) or headers.get("Allow", "")
    return problem(exc.status_code, str(exc.detail), headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI schema documents for the request's path. Starlette's 405 names
    only those of the first route matching the path, and GET and POST of one path are two."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if compile_path(template)[0].match(request.url.path):
            methods |= {method.upper() for method in operations}
    return sorted(methods)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"msg": "invalid request", "loc": ()}
    # a value that may be one of several types (a year, or "" for no filter) has pydantic
    # name the type in its location: the client needs the field, not our union's members
    place = [str(p) for p in first.get("loc", ()) if not UNION_MEMBER.fullmatch(str(p))]
    where = {"field": ".".join(place[1:]) or place[0]} if place else None
    given = first.get("input")
    found = None if given is None or isinstance(given, dict | list) else str(given)
    message = f"{place[0]}: {first['msg']}" if place else str(first["msg"])
    return problem(422, message, location=where, found=found)


UNION_MEMBER: Final = re.compile(r"[a-z-]+\[.*\]|(constrained-)?(int|float|str)|bool")


def _unstorable(_request: Request, exc: Exception) -> JSONResponse:
    # e.g. a NUL character, which PostgreSQL text cannot hold: the input's fault, said so
    log.warning("database refused a value: %s", type(exc).__name__)
    return problem(400, "a value in the request cannot be stored (control characters?)")


ErrorPage = Callable[[Request, JSONResponse], Response | None]


def install(app: FastAPI, page: ErrorPage | None = None) -> None:
    """The handlers, each giving the one error shape; ``page`` may render it as a web page
    instead (it answers ``None`` for a request that is not for one)."""
    handlers: list[tuple[type[Exception], Callable[[Request, Exception], JSONResponse]]] = [
        (DataError, _unstorable),
        (InputError, _input_error),
        (ConflictError, _conflict),
        (NotFoundError, _not_found),
        (ApiError, _api_error),
        (StarletteHTTPException, _http_error),
        (RequestValidationError, _validation_error),
        (IctFootprintError, _our_error),
    ]
    for kind, handler in handlers:
        app.add_exception_handler(kind, _as_page(handler, page) if page else handler)


def _as_page(
    handler: Callable[[Request, Exception], JSONResponse], page: ErrorPage
) -> Callable[[Request, Exception], Response]:
    def handle(request: Request, exc: Exception) -> Response:
        response = handler(request, exc)
        return page(request, response) or response

    return handle


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses an operation can answer."""
    text = {
        400: "The request's values are wrong (what and where in the body), its URL holds a "
        "NUL character, or its Host is not one this server answers for.",
        401: "No token, or a token that is unknown, expired or revoked.",
        403: "The token's role may not do this.",
        404: "No such record, or not one this token may see.",
        409: "The record is not in a state that allows this.",
        413: "The upload is larger than the limit.",
        422: "The request does not match this operation's schema.",
        429: "Too many requests for this token; retry after the Retry-After seconds.",
        503: "The request took longer than the time limit.",
    }
    return {s: {"model": Problem, "description": text[s]} for s in statuses}
