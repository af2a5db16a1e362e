"""The text of the e-mail a forum thread's follower gets at a reply, in the follower's language.

Every sentence is an English msgid translated in the dashboard's catalogues (``web/locale``,
extracted by ``scripts/i18n.py`` with the rest of ``mail/``). What members wrote (the thread's
title, the reply) goes in as plain text: the title one line (no header can be added through
it), the reply without its Markdown and cut to ``EXCERPT_CHARS``.
"""

from __future__ import annotations

from typing import Final

from ictfootprint.mail.envelope import one_line
from ictfootprint.web.i18n import translator

EXCERPT_CHARS: Final = 1000


def _(message: str) -> str:
    """Marks a msgid for scripts/i18n.py; :func:`reply` translates it."""
    return message


SUBJECT: Final = _("New reply in “%(title)s”")
OPENING: Final = _("%(author)s replied in the forum thread “%(title)s”:")
READ: Final = _("Read the thread and reply:")
WHY: Final = _(
    "You receive this message because you follow this thread. To stop, open the thread and "
    "choose “Stop following”."
)
AUTOMATIC: Final = _(
    "This message was sent automatically by ictfootprint; replies to it are not read."
)


def reply(lang: str, *, title: str, author: str, excerpt: str, link: str) -> tuple[str, str]:
    """(subject, body) of the message announcing a reply, in ``lang``."""
    gettext = translator(lang).gettext
    values = {"title": one_line(title), "author": one_line(author)}
    text = excerpt if len(excerpt) <= EXCERPT_CHARS else excerpt[:EXCERPT_CHARS].rstrip() + " …"
    quoted = "\n".join("> " + line if line else ">" for line in text.splitlines())
    subject = one_line(gettext(SUBJECT) % values)
    body = "\n\n".join(
        [
            gettext(OPENING) % values,
            quoted,
            gettext(READ) + "\n" + link,
            gettext(WHY),
            gettext(AUTOMATIC),
        ]
    )
    return subject, body + "\n"
