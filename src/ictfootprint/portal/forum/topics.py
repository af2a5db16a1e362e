"""The forum's topics: a small fixed list, reference data (``forum_topics.toml``) with names in
the six UN languages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ictfootprint.errors import InputError, Location, ReferenceDataError
from ictfootprint.reference.catalogue import LANGUAGES, language
from ictfootprint.reference.loader import read_toml


@dataclass(frozen=True)
class Topic:
    id: str
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names[language(lang)]


@cache
def topics() -> dict[str, Topic]:
    """Every topic by id, in the file's order."""
    found: dict[str, Topic] = {}
    for topic_id, names in read_toml("forum_topics.toml")["topic"].items():
        missing = [lang for lang in LANGUAGES if not names.get(lang)]
        if missing:
            raise ReferenceDataError(
                f"forum_topics.toml: topic {topic_id} has no {missing[0]} name"
            )
        found[topic_id] = Topic(topic_id, {lang: str(names[lang]) for lang in LANGUAGES})
    return found


def topic(topic_id: str) -> Topic:
    """A topic by id; an unknown one is a one-line error naming the known ones."""
    found = topics().get(topic_id)
    if found is None:
        raise InputError(
            "unknown topic", Location(field="topic"), expected=", ".join(topics()), found=topic_id
        )
    return found
