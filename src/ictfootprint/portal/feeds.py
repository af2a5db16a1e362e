"""The Atom feed (RFC 4287) of published case studies, one per language.

Everything members wrote is XML-escaped (titles, summaries as plain text); links are relative
to the feed's address (the same body serves every host name); ids are ``tag:`` URIs that never
change with the host.

>>> feed = atom([], "fr", updated=None)
>>> b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">' in feed
True
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from ictfootprint.portal.cases import Case
from ictfootprint.portal.markdown import plain

TAG: Final = "tag:ictfootprint.org,2026:"
EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
SUMMARY_CHARS: Final = 600
# characters XML 1.0 cannot hold at all (escaping does not help)
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _time(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(cases: list[Case], lang: str, *, updated: datetime | None) -> bytes:
    """The feed of ``cases`` (published, newest first) in ``lang`` (a case without a text in
    that language is left out)."""
    entries = []
    for case in cases:
        version = case.published.get(lang)
        if version is None:
            continue
        content = version.content
        published = case.published_at or case.created_at
        summary = plain(content.summary or content.body)[:SUMMARY_CHARS]
        entries.append(
            "<entry>"
            f"<id>{TAG}case/{escape(case.id)}/{lang}</id>"
            f"<title>{_x(content.title)}</title>"
            f'<link rel="alternate" type="text/html" href={quoteattr(f"/{lang}/cases/{case.id}")}/>'
            f"<published>{_time(published)}</published>"
            f"<updated>{_time(published)}</updated>"
            f"<author><name>{_x(case.author)}</name></author>"
            f'<summary type="text">{_x(summary)}</summary>'
            "</entry>"
        )
    newest = updated or max((c.published_at or c.created_at for c in cases), default=EPOCH)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">'
        f"<id>{TAG}feeds/cases/{lang}</id>"
        "<title>ictfootprint: case studies and best practices</title>"
        f'<link rel="self" type="application/atom+xml" href="/feeds/cases.atom?lang={lang}"/>'
        f'<link rel="alternate" type="text/html" href="/{lang}/cases"/>'
        f"<updated>{_time(newest)}</updated>"
        "<author><name>ictfootprint</name></author>" + "".join(entries) + "</feed>\n"
    ).encode("utf-8")
