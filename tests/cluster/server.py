"""The application as each cluster node serves it (`gunicorn tests.cluster.server:app`): the
production configuration from the environment, as on a real node, with cheap password hashing
for hundreds of test accounts (same algorithm and code)."""
from smplatform import create_app

app = create_app({"CONFIG": "production", "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
