"""Public pages: home, notices, downloads, the registry, verification, the published lists.
Open to everyone."""
from __future__ import annotations

from smplatform.public import (
    downloads,
    home,
    operations,
    published,
    registry,
    selection,
    verify,
)
from smplatform.web import area

bp = area("public", __name__,
          (home, downloads, registry, verify, published, operations, selection))
