from tests.journeys.kit import journey  # noqa: F401
