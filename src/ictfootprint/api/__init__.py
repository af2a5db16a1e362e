"""The REST API (``ictfootprint serve``): FastAPI, OpenAPI 3 at ``/openapi.json``.

Public reads of published data; API tokens with roles for submissions, reviews and targets; an
audit trail of every write; limits on size, time and rate (``guard``). See
``docs/architecture.md`` (Interfaces) and the README.
"""
