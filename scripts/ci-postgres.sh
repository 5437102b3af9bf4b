#!/usr/bin/env bash
# Starts a private PostgreSQL for tests on 127.0.0.1:$1 when none answers (installs it from Debian if needed).
set -euo pipefail
port="${1:-55432}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
root=$(mktemp -d /tmp/ocop-pg.XXXXXX)
chown postgres "$root"
runuser -u postgres -- "$bin/initdb" -D "$root/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$root/data" -l "$root/log" -w start \
  -o "-h 127.0.0.1 -p $port -k $root -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
echo "PostgreSQL started on 127.0.0.1:$port ($root)"
