"""The national dashboard's tile map: per unit, the batch's declarations, passes and
recommendations (linking to the national list) and the demonstrations of every batch
(linking to the registry), the same numbers as the board; a legend per figure; the chosen
figure kept in the URL."""
import json
import re

from smplatform.extensions import db
from tests.support.evaluations import entry
from tests.ministry.national.test_dashboard import data  # noqa: F401  (fixture)


def map_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="national-map-data">'
                                r'(.*?)</script>', html, re.S)[1])


def test_map_carries_the_boards_figures_and_links(data, ministry):  # noqa: F811
    entry(name="广东示范", unit="440000")
    entry(name="广东示范二", unit="440000", batch_number=4)
    db.session.commit()
    html = ministry.get("/ministry/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    block = map_data(html)
    assert [f["key"] for f in block["figures"]] == ["submitted", "passed", "recommended",
                                                    "demonstrations"]
    tiles = {t["code"]: t for t in block["tiles"]}
    assert len(tiles) == 37
    assert tiles["440000"]["values"] == {"submitted": 3, "passed": 2, "recommended": 1,
                                         "demonstrations": 2}
    assert tiles["320000"]["values"] == {"submitted": 2, "passed": 2, "recommended": 2,
                                         "demonstrations": 0}
    assert tiles["440000"]["urls"]["passed"] == \
        f"/ministry/declarations?batch={data.id}&unit=440000&stage=passed"
    assert tiles["440000"]["urls"]["demonstrations"] == "/registry?unit=440000"
    assert (tiles["440000"]["name"], tiles["440000"]["short"]) == ("Guangdong", "Guangdong")
    # The board (the map's text alternative) has the demonstrations column too.
    row = re.search(r'<tr id="unit-440000">(.*?)</tr>', html, re.S)[1]
    assert '<a href="/registry?unit=440000">2</a>' in row
    # Only the chosen figure's legend is shown; the choice is a plain GET form.
    assert re.findall(r'data-legend="(\w+)"( hidden)?', html) == [
        ("submitted", ""), ("passed", " hidden"), ("recommended", " hidden"),
        ("demonstrations", " hidden")]
    chosen = ministry.get(f"/ministry/?batch={data.id}&map=demonstrations").get_data(
        as_text=True)
    assert re.findall(r'data-legend="(\w+)"( hidden)?', chosen)[-1] == ("demonstrations", "")
    assert '<option value="demonstrations" selected>' in chosen
