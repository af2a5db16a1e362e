"""National data-collection rounds (issue 16): custodians and their remit, rounds with their
obliged entities and deadlines, each respondent's status over time, invitations and reminders,
and the round's feasibility and gap report.

``service`` writes and reads through the store; ``status``, ``rules`` and ``feasibility`` are
pure; ``notices`` decides who gets which message and queues it.
"""
