#!/usr/bin/env bash
# Install the system packages the platform and its tests need, when they are missing.
# Debian packages: Noto CJK fonts (Chinese in PDFs), Pango (WeasyPrint), Chromium (browser
# tests), PostgreSQL 15 (the production database, started per test run), poppler (PDF checks),
# wrk (make bench-smoke); for `make test-cluster`: Redis, PgBouncer and nginx (started per test
# run on free ports, never as system services).
set -euo pipefail
need=()
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
if [ "${SMPLATFORM_SKIP_TEST_DEPS:-}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v pgbouncer >/dev/null 2>&1 || need+=(pgbouncer)
  [ -x /usr/sbin/nginx ] || need+=(nginx-light)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "Missing system packages: ${need[*]} (install them as root: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "Installing system packages: ${need[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
