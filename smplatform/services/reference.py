"""Loading the reference data file (units and cities) into the database."""
from __future__ import annotations

import json
from pathlib import Path

from smplatform.extensions import db
from smplatform.models import City, Unit

UNITS_FILE = Path(__file__).resolve().parent.parent / "data" / "units.json"


def read_units() -> list[dict]:
    return json.loads(UNITS_FILE.read_text(encoding="utf-8"))


def load_reference_data() -> tuple[int, int]:
    """Insert or update every unit and city from the data file; safe to run again.

    Side effects: upserts Unit and City rows. Returns (units, cities) counts in the file.
    """
    units = read_units()
    existing_units = {u.code: u for u in db.session.scalars(db.select(Unit))}
    existing_cities = {c.code: c for c in db.session.scalars(db.select(City))}
    cities = 0
    for item in units:
        unit = existing_units.get(item["code"]) or Unit(code=item["code"])
        unit.kind, unit.name_zh, unit.name_en = item["kind"], item["name_zh"], item["name_en"]
        db.session.add(unit)
        for c in item["cities"]:
            city = existing_cities.get(c["code"]) or City(code=c["code"])
            city.unit_code, city.name_zh, city.name_en = item["code"], c["name_zh"], c["name_en"]
            db.session.add(city)
            cities += 1
    db.session.flush()
    return len(units), cities
