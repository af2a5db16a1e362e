"""What a reviewer and a focal point read on a submission's page: the values with what each
changes against the accepted one, the file as received, the completeness, the offending cells
under the sheet's own headers, and each finding in the reader's language."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api_world import World, build_world
from ictfootprint.collection.service import submit
from ictfootprint.footprint import compute_footprint


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'web.db'}"
    world = build_world(url)
    compute_footprint(world.store)
    yield world
    world.store.close()


def signed_in(world: World, who: str) -> TestClient:
    client = TestClient(world.client.app)
    answer = client.post("/en/signin", data={"token": world.tokens[who]}, follow_redirects=False)
    assert answer.status_code == 303
    return client


# op-a's accepted 2023 values (illustrative data): Scope 1 in France 1,700 tCO2e, electricity
# in France 105,000 MWh; the file restates one, repeats the other and adds a 2024 value
RESTATING = (
    "indicator,year,value,unit,country,source,comment\n"
    "ghg_scope1,2023,1870,tCO2e,FRA,review test,boiler found\n"
    "energy_electricity,2023,105000,MWh,FRA,review test,\n"
    "ghg_scope1,2024,1500,tCO2e,FRA,review test,\n"
)


def test_reviewer_saw_only_a_count_of_values_before_accepting(world: World) -> None:
    """Regression: the page said "3 values" and nothing else before "Accept and publish"."""
    result = submit(world.store, RESTATING.encode(), "restating.csv", "illustrative-op-a")
    assert result.status == "validated", result.report
    page = signed_in(world, "rev-fra").get(f"/en/submissions/{result.public_id}").text
    values = page[page.index('id="values-heading"') :]
    values = values[: values.index("</section>")]
    rows = re.findall(r"<tr class=\"change-([a-z]+)\">(.*?)</tr>", values, re.S)
    assert [kind for kind, _row in rows] == ["unchanged", "restates", "new"]
    restated = rows[1][1]
    # by hand: (1,870 - 1,700) / 1,700 = +10.0 %
    assert "1,700" in restated and "1,870" in restated and "+10.0%" in restated
    assert "boiler found" in restated and "review test" in restated
    assert "Scope 1" in restated  # the indicator's name, not its id
    link = re.search(r'href="(/en/submissions/[^"/]+/file)"', page)
    assert link is not None
    received = signed_in(world, "rev-fra").get(link.group(1))
    assert received.status_code == 200 and received.content == RESTATING.encode()
    assert "attachment" in received.headers["content-disposition"]
    assert received.headers["cache-control"] == "private, no-store"
    # another country's reviewer cannot fetch the file either
    assert signed_in(world, "rev-ken").get(link.group(1)).status_code == 404


def test_the_web_report_left_out_completeness(world: World) -> None:
    result = submit(world.store, RESTATING.encode(), "restating-2.csv", "illustrative-op-a")
    page = signed_in(world, "sub-a").get(f"/en/submissions/{result.public_id}").text
    part = page[page.index('id="completeness-heading"') :]
    part = part[: part.index("</section>")]
    assert "Mobile network operator" in part or "operator" in part.casefold()
    assert "2023" in part and "2024" in part
    # energy_total is required of an operator and the file has none, in either year
    assert part.count("Total energy consumption") == 2


def test_offending_cells_were_labelled_a_to_j_not_by_the_sheets_headers() -> None:
    """Regression: a template's header is not on row 1, so the excerpt labelled its columns
    A, B, C...; it now finds the header row above the data and keeps the letter beside."""
    from openpyxl import Workbook

    from ictfootprint.web.cells import offending_rows

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(["Operator data, 2023"])  # a title row
    sheet.append([])
    sheet.append(["Indicator", "Unit", "2023", "Source"])  # the header, on row 3
    sheet.append(["ghg_scope1", "tCO2e", 1700, "report"])
    sheet.append(["energy_electricity", "MWh", "12x", "report"])
    out = io.BytesIO()
    book.save(out)
    report = {"findings": [{"severity": "error", "sheet": "data", "row": 5, "column": "C"}]}
    (part,) = offending_rows(out.getvalue(), "xlsx", report)
    assert [h["text"] for h in part["header"]] == ["Indicator", "Unit", "2023", "Source"]
    assert [h["letter"] for h in part["header"]] == ["A", "B", "C", "D"]
    assert part["rows"][0]["bad"] == {2}


BAD = (
    "indicator,year,value,unit,country,source\n"
    "ghg_scope1,2024,1.234.5,tCO2e,FRA,web test\n"
    "energy_electricity,2024,-5,MWh,FRA,web test\n"
)


def test_arabic_findings_were_english_and_scrambled(world: World) -> None:
    """Regression: findings showed the collection's English message in every language, and
    in Arabic its quoted parts were reordered by the bidirectional algorithm."""
    result = submit(world.store, BAD.encode(), "bad-ar.csv", "illustrative-op-a")
    client = signed_in(world, "sub-a")
    page = client.get(f"/ar/submissions/{result.public_id}").text
    report = page[page.index('class="report"') :]
    report = report[: report.index("</table>")]
    assert "كمية سالبة" in report  # range-non-negative, in Arabic
    english = client.get(f"/en/submissions/{result.public_id}").text
    messages = re.findall(r"<td>([^<]*?)(?: \(|</td>)", english)
    assert not any("negative value" in m for m in re.findall(r"<td>([^<]+)", report))
    assert messages  # the English page keeps the collection's own wording
    # what was found stays data, isolated from the Arabic around it
    assert '<bdi dir="auto">-5</bdi>' in report
