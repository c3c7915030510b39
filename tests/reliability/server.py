"""The application as gunicorn serves it in the reliability tests: the development
configuration with the test database and upload directory (from the environment, as in
production), cheap password hashing for hundreds of test accounts, the test key ring, and the fault pauses the
test asked for (RELIABILITY_FAULT_PAUSES, JSON). `gunicorn tests.reliability.server:app`."""
import json
import os

from smplatform import create_app
from smplatform.config import TestingConfig

_pauses = json.loads(os.environ.get("RELIABILITY_FAULT_PAUSES") or "{}")

app = create_app({
    "CONFIG": "development",
    # The test process writes the data this server reads: the same (test) key ring.
    "KEYS": TestingConfig.KEYS,
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "FAULT_INJECTION": bool(_pauses),
    "FAULT_PAUSES": _pauses,
})
