"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""
from smplatform import create_app

app = create_app()
