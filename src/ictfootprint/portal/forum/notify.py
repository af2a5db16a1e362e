"""E-mail to a thread's followers when it gets a reply, through the outbox (``mail.outbox``).

One message per follower, to the address and in the language of the follower's account
(users without an address, and disabled users, get none), never to the reply's author. Each
message has one recipient and names no other: no follower sees another's address. The key
(``forum:post:<post>:to:<user>``) makes a rerun queue nothing twice; the message is queued in
the transaction that stores the reply, so it exists exactly when the reply does. ``mail
deliver`` sends it through the system's SMTP configuration, like every other message.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from ictfootprint.mail import forum_messages, outbox
from ictfootprint.portal.markdown import plain
from ictfootprint.reference.catalogue import LANGUAGES
from ictfootprint.store.forum import Post, Thread
from ictfootprint.store.schema import forum_follows, users

PURPOSE = "forum-reply"


def key(post: Post, user_name: str) -> str:
    return f"forum:post:{post.id}:to:{user_name}"


def reply(connection: Connection, thread: Thread, post: Post, base_url: str) -> int:
    """Queue one message per follower but the reply's author; how many were queued."""
    rows = connection.execute(
        select(users.c.name, users.c.email, users.c.language)
        .join(forum_follows, forum_follows.c.user_name == users.c.name)
        .where(
            forum_follows.c.thread_id == thread.id,
            users.c.name != post.author,
            users.c.email.is_not(None),
            users.c.disabled_at.is_(None),
        )
        .order_by(users.c.name)
    )
    excerpt = plain(post.body)
    queued = 0
    for name, email, language in rows:
        lang = language if language in LANGUAGES else "en"
        link = f"{base_url.rstrip('/')}/{lang}/forum/{thread.id}#post-{post.id}"
        subject, body = forum_messages.reply(
            lang, title=thread.title, author=post.author, excerpt=excerpt, link=link
        )
        queued += outbox.queue(
            connection,
            key=key(post, name),
            to=email,
            lang=lang,
            subject=subject,
            body=body,
            purpose=PURPOSE,
            subject_ref=f"forum:thread:{thread.id}",
        )
    return queued
