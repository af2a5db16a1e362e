"""The forum (issue 18, item 2): threads by topic, optionally attached to a case study, a
country or an indicator; replies in members' Markdown; moderation by editors (hide with a
reason, lock), every action audited; e-mail to a thread's followers through the outbox; the
threads and posts in the portal's search; an Atom feed of new threads.

The rules live in :mod:`.service`; the store's rows in :mod:`ictfootprint.store.forum`.
"""
