"""Illustrative case studies for the demonstration database, in several languages, each
labelled illustrative and linked to the illustrative operators' published series (so their
figures are the demo's live values). Written for the demo: no real organisation's case.
"""

from __future__ import annotations

from typing import Any, Final

from ictfootprint.portal import cases
from ictfootprint.portal.cases import CaseContent
from ictfootprint.store import Store

AUTHOR: Final = "illustrative-member"
EDITOR: Final = "illustrative-editor"

_CASES: Final[list[list[dict[str, Any]]]] = [
    [
        {
            "lang": "en",
            "title": "Free cooling of network sites (illustrative)",
            "summary": "An illustrative operator replaced air conditioning at its radio sites "
            "by outside-air cooling where the climate allows.",
            "body": "Most of a radio site's cooling runs when the outside air is cooler than "
            "the equipment needs. Fans and filters bring it in; compressors start only above "
            "a set temperature.",
            "country": "FRA",
            "subsector": "mobile_network",
            "objective": "gda-3",
            "measures": "- fans and filters at 1,200 sites\n- set points raised to 27 °C",
            "results": "Electricity use fell while traffic grew (figures below, live from the "
            "published data).",
            "figures": [
                {
                    "entity_id": "illustrative-op-a",
                    "indicator_id": "energy_electricity",
                    "country": "FRA",
                    "years": [2020, 2021, 2022, 2023],
                }
            ],
            "barriers": "Dust and humidity at coastal sites; landlords' approval.",
            "contact": "Illustrative operator A, energy team",
        },
        {
            "lang": "fr",
            "title": "Refroidissement par air extérieur des sites réseau (exemple)",
            "summary": "Un opérateur fictif a remplacé la climatisation de ses sites radio par "
            "un refroidissement à l'air extérieur là où le climat le permet.",
            "body": "L'électricité consommée baisse tandis que le trafic augmente.",
            "country": "FRA",
            "subsector": "mobile_network",
            "objective": "gda-3",
            "measures": "- ventilateurs et filtres sur 1 200 sites",
            "results": "Les chiffres ci-dessous sont lus dans les données publiées.",
            "figures": [
                {
                    "entity_id": "illustrative-op-a",
                    "indicator_id": "energy_electricity",
                    "country": "FRA",
                    "years": [2020, 2023],
                }
            ],
            "barriers": "Poussière et humidité sur les sites côtiers.",
            "contact": "Opérateur fictif A",
        },
    ],
    [
        {
            "lang": "zh",
            "title": "数据中心液冷节能（示例）",
            "summary": "一个示例数据中心采用液冷技术，降低了制冷能耗。",
            "body": "液冷机柜取代了部分风冷机房空调，电能使用效率随之改善。",
            "country": "IND",
            "subsector": "data_centre",
            "measures": "- 液冷机柜\n- 提高供水温度",
            "results": "下列数据直接读取已发布的数据。",
            "figures": [
                {
                    "entity_id": "illustrative-dc-c",
                    "indicator_id": "energy_electricity",
                    "years": [2022, 2023],
                }
            ],
            "barriers": "改造期间需要停机窗口。",
            "contact": "示例数据中心 C",
        },
        {
            "lang": "en",
            "title": "Liquid cooling in a data centre (illustrative)",
            "summary": "An illustrative data centre moved part of its racks to liquid cooling.",
            "body": "Liquid-cooled racks replaced part of the room air conditioning.",
            "country": "IND",
            "subsector": "data_centre",
            "figures": [
                {
                    "entity_id": "illustrative-dc-c",
                    "indicator_id": "energy_electricity",
                    "years": [2022, 2023],
                }
            ],
        },
    ],
    [
        {
            "lang": "ar",
            "title": "تشغيل المحطات القاعدية بالطاقة الشمسية (مثال توضيحي)",
            "summary": "قام مشغّل توضيحي بتزويد محطاته القاعدية الريفية بالطاقة الشمسية "
            "بدلاً من مولدات الديزل.",
            "body": "تعمل الألواح الشمسية والبطاريات نهاراً وليلاً، ولا يعمل المولّد إلا عند الحاجة.",
            "country": "KEN",
            "subsector": "mobile_network",
            "objective": "gda-2",
            "measures": "- ألواح شمسية وبطاريات في 300 موقع",
            "results": "تُقرأ الأرقام أدناه من البيانات المنشورة.",
            "figures": [
                {
                    "entity_id": "illustrative-op-b",
                    "indicator_id": "ghg_scope1",
                    "country": "KEN",
                    "years": [2021, 2023],
                }
            ],
            "barriers": "سرقة الألواح وتكلفة البطاريات.",
            "contact": "المشغّل التوضيحي ب",
        }
    ],
]


def load_illustrative_cases(store: Store) -> list[str]:
    """Publish the illustrative case studies (once: a store that has them is left as it is);
    their ids."""
    with store.engine.connect() as connection:
        if any(c.illustrative for c in cases.listing(connection, limit=1000)[1]):
            return []
    made = []
    for languages in _CASES:
        first, *others = (CaseContent.checked(text) for text in languages)
        case_id = cases.create(store, AUTHOR, first, illustrative=True)
        for content in others:
            cases.revise(store, case_id, AUTHOR, content)
        cases.submit(store, case_id, AUTHOR)
        cases.publish(store, case_id, EDITOR, "illustrative")
        made.append(case_id)
    return made
