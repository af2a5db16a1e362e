"""ictfootprint."""
