"""The city industry and IT officer's area (市级初审): its own city's declarations only. Every
route requires the city role (checked before each request)."""
from __future__ import annotations

from smplatform.city import documents, reviews
from smplatform.permissions import is_city
from smplatform.web import area, signed_in_as

bp = area("city", __name__, (reviews, documents), guard=signed_in_as(is_city), url_prefix="/city")
