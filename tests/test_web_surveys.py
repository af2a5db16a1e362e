"""The round page's section comparing published figures, and the public page of national
monitoring arrangements, in ar, zh and en; a focal point's text is shown escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ictfootprint.api.app import create_app
from ictfootprint.api.settings import Settings
from ictfootprint.store import Store
from test_arrangements import FRANCE, KENYA, _answer, _countries


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    store = Store.open(url, actor="setup")
    _countries(store)
    assert _answer(store, "FRA", FRANCE) == "accepted"
    assert _answer(store, "KEN", KENYA) == "accepted"
    return TestClient(create_app(Settings.default(db=url, rate_limit_per_minute=0), store))


ANSWER_LABELS = {
    "en": ("Mandated authority", "Planned, not yet in place"),
    "ar": ("سلطة مكلَّفة", "مخطط لها، لم تُنشأ بعد"),
    "zh": ("受权机构", "已计划，尚未实施"),
}
# the beginnings of the English sentences that say a difference's likely causes
ENGLISH_CAUSES = (
    "named by the publication",
    "in our sum, not named",
    "without an accepted value",
    "the survey's",
    "the survey does not say",
    "our mapping choice",
    "values in our sum",
    "compared with values split",
    "a total not split",
    "the published figure is",
)


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_arrangements_page_counts_and_escapes(client: TestClient, lang: str) -> None:
    page = client.get(f"/{lang}/arrangements")
    assert page.status_code == 200, page.text
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text  # the plans' comment, escaped
    # the answers by name in the page's language, not as their codes (they were codes)
    for label in ANSWER_LABELS[lang]:
        assert label in page.text, label
    assert ">mandated<" not in page.text and ">planned<" not in page.text
    if lang == "ar":
        assert 'dir="rtl"' in page.text
    only = client.get(f"/{lang}/arrangements?region=ITU-AFR")
    assert "KEN" in only.text and "/countries/FRA" not in only.text


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_round_page_compares_the_published_figures(tmp_path: Path, lang: str) -> None:
    from ictfootprint.collection.service import submit
    from ictfootprint.rounds import service
    from ictfootprint.surveys.published import import_published
    from rounds_world import OPERATORS, Api, contacts, day
    from survey_world import ANSWERS, CITATION, YEAR, published_file
    from test_web_rounds import signed_in

    api = Api(f"sqlite:///{tmp_path / 'round.db'}")
    service.create_round(
        api.store,
        custodian_id="arcep",
        name="Enquête",
        year=YEAR,
        entity_ids=OPERATORS,
        opens_on=day(0),
        deadline=day(30),
        lang="fr",
        contacts=contacts(),
    )
    for entity_id, text in ANSWERS.items():
        sent = submit(api.store, text.encode(), f"{entity_id}.csv", entity_id)
        api.store.accept_submission(sent.submission_id, "checked")
    import_published(api.store, published_file(tmp_path), "arcep", citation=CITATION)
    page = signed_in(api, "arcep-reviewer").get(f"/{lang}/rounds/1").text
    assert 'id="compare-arcep-heading"' in page
    section = page.split('id="compare-arcep-heading"')[1].split("</section>")[0]
    assert "30.94" in section and "44.74" in section and CITATION in section
    assert "Operator C (test), Operator D (test)" in section
    causes = section.split('class="causes"')[1:]
    assert causes
    said = " ".join(causes)
    if lang == "en":
        assert any(text in said for text in ENGLISH_CAUSES)
    else:  # the causes were English sentences on the ar and zh pages
        assert not [text for text in ENGLISH_CAUSES if text in said], said[:500]
