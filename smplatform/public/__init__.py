"""Public pages: home, notices, downloads, the registry, verification, the published lists,
figures and help. Open to everyone."""
from __future__ import annotations

from smplatform.public import (
    downloads,
    figures,
    help_pages,
    home,
    notices,
    operations,
    published,
    registry,
    selection,
    verify,
)
from smplatform.web import area

bp = area("public", __name__,
          (home, downloads, registry, verify, published, operations, selection, notices,
           help_pages, figures))
