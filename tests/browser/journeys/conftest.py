from tests.support.journeys import journey  # noqa: F401
