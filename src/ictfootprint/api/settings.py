"""What a running API needs to know: its database and its limits.

Defaults come from ``reference/data/defaults.toml`` (``[api]`` and ``[collection]``); the
command line (``ictfootprint serve``) or the environment (``ICTFOOTPRINT_API_*``, which is how
each uvicorn worker process receives them) override them.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields
from typing import Any, Final

from ictfootprint.errors import InputError, Location
from ictfootprint.reference.loader import defaults

ENV_PREFIX: Final = "ICTFOOTPRINT_API_"


@dataclass(frozen=True)
class Settings:
    db: str | None = None
    request_timeout_seconds: float = 30.0
    rate_limit_per_minute: int = 600
    page_size: int = 100
    max_page_size: int = 1000
    max_upload_bytes: int = 50 * 2**20
    cache_entries: int = 512
    renders_at_once: int = 1
    data_version_seconds: float = 1.0
    # comma-separated; empty: any host name (``serve`` fills in the address it listens on)
    allowed_hosts: str = ""
    # comma-separated addresses whose X-Forwarded-For/-Proto uvicorn believes; empty: none
    trusted_proxies: str = ""
    validation_workers: int = 2
    validation_in_process_kilobytes: int = 256

    @classmethod
    def default(cls, **overrides: Any) -> Settings:
        api = defaults()["api"]
        base = cls(
            request_timeout_seconds=float(api["request_timeout_seconds"]),
            rate_limit_per_minute=int(api["rate_limit_per_minute"]),
            page_size=int(api["page_size"]),
            max_page_size=int(api["max_page_size"]),
            max_upload_bytes=int(defaults()["collection"]["max_file_megabytes"]) * 2**20,
            cache_entries=int(api["cache_entries"]),
            renders_at_once=int(api["renders_at_once"]),
            data_version_seconds=float(api["data_version_seconds"]),
            allowed_hosts=",".join(api["allowed_hosts"]),
            trusted_proxies=",".join(api["trusted_proxies"]),
            validation_workers=int(api["validation_workers"]),
            validation_in_process_kilobytes=int(api["validation_in_process_kilobytes"]),
        )
        return base.replace(**{k: v for k, v in overrides.items() if v is not None})

    def replace(self, **changes: Any) -> Settings:
        values = {**asdict(self), **changes}
        settings = Settings(**values)
        settings.check()
        return settings

    def check(self) -> None:
        for name in ("request_timeout_seconds", "page_size", "max_page_size", "max_upload_bytes"):
            if getattr(self, name) <= 0:
                raise InputError(
                    "must be positive", Location(field=name), found=str(getattr(self, name))
                )
        for name in (
            "rate_limit_per_minute",
            "cache_entries",
            "renders_at_once",
            "data_version_seconds",
            "validation_workers",
            "validation_in_process_kilobytes",
        ):
            if getattr(self, name) < 0:
                raise InputError(
                    "must be 0 or more", Location(field=name), found=str(getattr(self, name))
                )

    def host_names(self) -> frozenset[str]:
        """The host names the server answers for, lower case (empty: any)."""
        return frozenset(_names(self.allowed_hosts))

    def proxies(self) -> list[str]:
        return _names(self.trusted_proxies)

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes."""
        return {
            ENV_PREFIX + f.name.upper(): str(getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) is not None
        }

    @classmethod
    def from_env(cls) -> Settings:
        found: dict[str, Any] = {}
        blank = cls()
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            # each setting is read as the type of its default (db, defaulting to None, a text)
            default = getattr(blank, f.name)
            found[f.name] = raw if default is None else type(default)(raw)
        return cls.default(**found)


def _names(listed: str) -> list[str]:
    return [name.strip().lower() for name in listed.split(",") if name.strip()]
