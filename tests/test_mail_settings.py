"""The SMTP server's URL: what it says, what is refused, and a password never repeated."""

from __future__ import annotations

import pytest

from ictfootprint.errors import InputError
from ictfootprint.mail.settings import SmtpSettings


def test_the_three_kinds_of_server() -> None:
    relay = SmtpSettings.parse("smtp://relay.example.org")
    assert (relay.port, relay.implicit_tls, relay.starttls, relay.username) == (
        25,
        False,
        False,
        None,
    )
    submission = SmtpSettings.parse(
        "smtp://robot:pa%3Ass@mail.example.org:587?starttls=1&from=footprint@example.org"
    )
    assert (submission.port, submission.starttls, submission.password) == (587, True, "pa:ss")
    assert submission.sender == "footprint@example.org"
    tls = SmtpSettings.parse("smtps://robot:secret@mail.example.org")
    assert (tls.port, tls.implicit_tls) == (465, True)


def test_no_url_means_sending_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICTFOOTPRINT_SMTP_URL", raising=False)
    assert SmtpSettings.configured(None) is None
    monkeypatch.setenv("ICTFOOTPRINT_SMTP_URL", "smtp://relay.example.org:2525")
    configured = SmtpSettings.configured(None)
    assert configured is not None and configured.port == 2525


@pytest.mark.parametrize(
    "url",
    [
        "http://robot:hunter2@mail.example.org",
        "smtp://robot:hunter2@",
        "smtp://robot:hunter2@mail.example.org:notaport",
        "smtp://robot:hunter2@mail.example.org?starttls=maybe",
        "smtps://robot:hunter2@mail.example.org?starttls=1",
        "smtp://robot:hunter2@mail.example.org?tls=1",
        "smtp://robot:hunter2@mail.example.org?from=a@b.org%0ABcc:c@d.org",
    ],
)
def test_a_wrong_url_is_refused_without_repeating_its_password(url: str) -> None:
    with pytest.raises(InputError) as raised:
        SmtpSettings.parse(url)
    assert raised.value.location.field == "smtp-url"
    assert "hunter2" not in raised.value.one_line()


def test_the_password_is_in_no_representation() -> None:
    settings = SmtpSettings.parse("smtp://robot:hunter2@mail.example.org:587")
    assert "hunter2" not in repr(settings) and "hunter2" not in settings.redacted()
    assert settings.redacted() == "smtp://robot:***@mail.example.org:587"
