"""Accounts in the browser (issue 16): invitations by e-mail, passwords, sign-in with limits."""
