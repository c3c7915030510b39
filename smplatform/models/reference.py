"""Reference data: the 37 provincial-level units and their prefecture-level cities."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from smplatform.enums import UnitKind
from smplatform.extensions import db
from smplatform.language import lang


class _Named:
    """Both names are stored; `name` answers in the request's language."""

    @property
    def name(self) -> str:
        return self.name_en if lang() == "en" else self.name_zh


class Unit(_Named, db.Model):
    """A provincial-level recommending unit (推荐单位), keyed by its GB/T 2260 code."""

    __tablename__ = "unit"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    cities: Mapped[list[City]] = relationship(back_populates="unit", order_by="City.code")

    @property
    def is_planned_city(self) -> bool:
        return self.kind == UnitKind.PLANNED_CITY

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name_en}>"


class City(_Named, db.Model):
    """A prefecture-level city (or municipality, or planned city) under a unit."""

    __tablename__ = "city"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    unit: Mapped[Unit] = relationship(back_populates="cities")
