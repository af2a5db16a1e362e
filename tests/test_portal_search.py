"""The knowledge exchange's search: any script, folded, ranked, filtered, snippets safe."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from ictfootprint.portal.search import drop_document, index_document, search
from ictfootprint.store import Store


def _index(
    connection: Connection, ref: str, lang: str, title: str, text: str, **more: object
) -> None:
    index_document(
        connection,
        kind=str(more.pop("kind", "case")),
        ref=ref,
        lang=lang,
        title=title,
        text=text,
        url=f"/{lang}/cases/{ref}",
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store.open(db_url)
    with store.transaction() as connection:
        _index(
            connection,
            "zh-1",
            "zh",
            "数据中心节能",
            "某运营商的数据中心通过液冷技术降低了能耗。",
            country="CHN",
        )
        _index(connection, "zh-2", "zh", "网络升级", "基站更换后能耗下降。", country="CHN")
        _index(
            connection,
            "ar-1",
            "ar",
            "الطَّاقَة المتجددة",
            "شَغَّلَ المشغل شبكته بالطاقة الشمسية.",
            country="EGY",
        )
        _index(
            connection,
            "ar-2",
            "ar",
            "كفاءة الشبكة",
            "تحديث أجهزة الشبكة وتقليل الانبعاثات.",
            country="EGY",
        )
        _index(
            connection,
            "fr-1",
            "fr",
            "Électricité verte",
            "L'opérateur achète de l'électricité renouvelable.",
            country="FRA",
            subsector="telecom",
        )
        _index(
            connection,
            "fr-2",
            "fr",
            "Sobriété",
            "Réduire la consommation d'electricite des centres de données.",
            country="FRA",
            subsector="data_centres",
        )
        _index(connection, "en-1", "en", "Hidden draft", "electricite <script>", public=False)
    return store


def _refs(store: Store, query: str, **filters: object) -> list[str]:
    with store.engine.connect() as connection:
        return [hit.ref for hit in search(connection, query, **filters).hits]  # type: ignore[arg-type]


def test_a_chinese_phrase_finds_its_case_study(store: Store) -> None:
    assert _refs(store, "数据中心") == ["zh-1"]
    assert _refs(store, "液冷技术") == ["zh-1"]


def test_a_two_character_chinese_word_is_found_below_the_trigram(store: Store) -> None:
    assert sorted(_refs(store, "能耗")) == ["zh-1", "zh-2"]
    assert _refs(store, "基站") == ["zh-2"]


def test_an_arabic_word_is_found_with_and_without_diacritics(store: Store) -> None:
    assert _refs(store, "الطاقة") == ["ar-1"]
    assert _refs(store, "الطَّاقَة") == ["ar-1"]
    assert _refs(store, "شغل") == ["ar-1"]
    assert _refs(store, "أجهزة") == ["ar-2"]  # alef with hamza finds the bare alef and back


def test_a_french_word_is_found_with_and_without_accents_title_first(store: Store) -> None:
    # fr-1 has it in its title (weighs more), fr-2 in its text only; the hidden one is not found
    assert _refs(store, "électricité") == ["fr-1", "fr-2"]
    assert _refs(store, "ELECTRICITE") == ["fr-1", "fr-2"]


def test_filters_narrow_the_hits(store: Store) -> None:
    assert _refs(store, "electricite", subsector="data_centres") == ["fr-2"]
    assert _refs(store, "electricite", country="CHN") == []
    assert _refs(store, "electricite", lang="fr", kinds=["case"]) == ["fr-1", "fr-2"]
    assert _refs(store, "electricite", kinds=["thread"]) == []


def test_private_documents_are_found_only_when_asked(store: Store) -> None:
    assert "en-1" in _refs(store, "electricite", include_private=True)


def test_every_word_must_match(store: Store) -> None:
    assert _refs(store, "électricité verte") == ["fr-1"]
    assert _refs(store, "électricité absent") == []


def test_search_syntax_in_a_query_is_text(store: Store) -> None:
    for query in [
        '"',
        "a OR b",
        "NEAR(x y)",
        "%",
        "_",
        "\\",
        "*",
        'électricité"  OR "x',
        "'); DROP",
    ]:
        _refs(store, query)  # no error


def test_reindexing_replaces_and_dropping_removes_every_language(store: Store) -> None:
    with store.transaction() as connection:
        _index(connection, "fr-1", "fr", "Autre titre", "plus rien")
        _index(connection, "fr-1", "en", "Green power", "electricity")
    assert _refs(store, "électricité") == ["fr-2"]
    assert _refs(store, "autre titre") == ["fr-1"]
    with store.transaction() as connection:
        drop_document(connection, kind="case", ref="fr-1")
    assert _refs(store, "autre") == [] and _refs(store, "electricity") == []


def test_snippets_escape_then_mark(store: Store) -> None:
    with store.transaction() as connection:
        _index(
            connection, "x", "en", "Injection", "before <img src=x onerror=alert(1)> keyword after"
        )
    with store.engine.connect() as connection:
        (hit,) = search(connection, "keyword").hits
    assert (
        str(hit.snippet) == "before &lt;img src=x onerror=alert(1)&gt; <mark>keyword</mark> after"
    )


def test_paging_counts_every_hit(store: Store) -> None:
    with store.engine.connect() as connection:
        page = search(connection, "能耗", limit=1, offset=1)
    assert (page.total, len(page.hits)) == (2, 1)
