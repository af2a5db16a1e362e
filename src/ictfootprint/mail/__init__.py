"""E-mail: invitations and reminders in the respondent's language, through one SMTP server.

- :mod:`~ictfootprint.mail.settings` — the server, from a URL (nothing leaves without one);
- :mod:`~ictfootprint.mail.outbox` — every message queued once, delivered once, and logged;
- :mod:`~ictfootprint.mail.links` — personal, single-purpose, expiring links;
- :mod:`~ictfootprint.mail.messages` — the messages' text in the six UN languages.
"""
