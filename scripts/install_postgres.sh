#!/bin/sh
# Debian's PostgreSQL with PostGIS for the register tests (tests/register start a private
# cluster with initdb/pg_ctl in a temporary folder; nothing is configured system-wide).
set -eu
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    exit 0
fi
"$(dirname "$0")/apt_install.sh" postgresql postgresql-15-postgis-3
ls /usr/lib/postgresql/*/bin/initdb
