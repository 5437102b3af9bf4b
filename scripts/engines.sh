#!/usr/bin/env bash
# Starts or stops the real engines on loopback for the engines tests: PostgreSQL, Redis and an S3 server.
#   scripts/engines.sh start DIR   -> writes DIR/env (variables to source) and remembers what it started
#   scripts/engines.sh stop DIR    -> stops what `start` started (and any process listed in DIR/pids/)
# A PostgreSQL or Redis already answering on its usual port is used as it is (own database and Redis
# database numbers); otherwise a private one is started on another port. The S3 server is moto's server
# mode from PyPI (a real S3 server does not install from the registries here).
set -euo pipefail
cd "$(dirname "$0")/.."
action="${1:?start|stop}" dir="${2:?DIR}"
PY=.venv/bin/python
HOST=127.0.0.1

free_port() { $PY -c "import socket; s=socket.socket(); s.bind(('$HOST', 0)); print(s.getsockname()[1])"; }
redis_answers() { $PY -c "import redis,sys; redis.Redis(host='$HOST', port=$1, socket_timeout=1).ping()" 2>/dev/null; }
wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do (( $(date +%s) < deadline )) || return 1; sleep 0.3; done
}

start() {
  mkdir -p "$dir/pids"
  : > "$dir/started"

  # PostgreSQL
  local pg_port=5432
  if ! pg_isready -q -h "$HOST" -p "$pg_port" 2>/dev/null; then
    pg_port=55433
    out=$(bash scripts/ci-postgres.sh "$pg_port")
    echo "$out"
    echo "pg ${out##*(}" | tr -d ')' >> "$dir/started"
  fi
  PGOPTIONS="-c client_min_messages=warning" psql -q -h "$HOST" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS ocop_engines WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS ocop_engines_restore WITH (FORCE)" \
    -c "CREATE DATABASE ocop_engines" >/dev/null

  # Redis (the broker and the cache, in database numbers of their own)
  local redis_port=6379
  if ! redis_answers "$redis_port"; then
    command -v redis-server >/dev/null || {
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
    redis_port=$(free_port)
    redis-server --bind "$HOST" --port "$redis_port" --save "" --appendonly no --daemonize yes \
      --pidfile "$PWD/$dir/redis.pid" --logfile "$PWD/$dir/redis.log" --dir "$PWD/$dir"
    wait_for 20 redis_answers "$redis_port"
    echo "redis $PWD/$dir/redis.pid" >> "$dir/started"
  fi
  $PY -c "import redis; [redis.Redis(host='$HOST', port=$redis_port, db=n).flushdb() for n in (13, 14)]"

  # S3: moto's server on a free port, with a bucket made by the deployment steps themselves.
  local s3_port; s3_port=$(free_port)
  setsid .venv/bin/moto_server -H "$HOST" -p "$s3_port" > "$dir/moto.log" 2>&1 &
  echo $! > "$dir/pids/moto"
  wait_for 30 curl -fs -o /dev/null "http://$HOST:$s3_port/moto-api/" || { cat "$dir/moto.log"; exit 1; }

  cat > "$dir/env" <<ENV
DATABASE_URL=postgres://postgres@$HOST:$pg_port/ocop_engines
OCOP_ENGINES_PG=$HOST:$pg_port
OCOP_CACHE_URL=redis://$HOST:$redis_port/14
OCOP_BROKER_URL=redis://$HOST:$redis_port/13
OCOP_TASKS=celery
OCOP_STORAGE=s3
OCOP_S3_BUCKET=ocop-engines
OCOP_S3_ENDPOINT_URL=http://$HOST:$s3_port
OCOP_S3_REGION=us-east-1
OCOP_S3_ACCESS_KEY_ID=engines-test
OCOP_S3_SECRET_ACCESS_KEY=engines-test-secret
OCOP_S3_ADDRESSING_STYLE=path
ENV
  echo "engines up: PostgreSQL $HOST:$pg_port, Redis $HOST:$redis_port, S3 (moto) $HOST:$s3_port"
}

stop() {
  [[ -d "$dir" ]] || return 0
  for pidfile in "$dir"/pids/*; do
    [[ -f "$pidfile" ]] || continue
    pid=$(cat "$pidfile")
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  if [[ -f "$dir/env" ]]; then
    pg=$(sed -n 's/^OCOP_ENGINES_PG=//p' "$dir/env")
    PGOPTIONS="-c client_min_messages=warning" psql -q -h "${pg%:*}" -p "${pg#*:}" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS ocop_engines WITH (FORCE)" \
      -c "DROP DATABASE IF EXISTS ocop_engines_restore WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  while read -r kind what; do
    case "$kind" in
      redis) [[ -f "$what" ]] && kill "$(cat "$what")" 2>/dev/null || true ;;
      pg) bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
          runuser -u postgres -- "$bin/pg_ctl" -D "$what/data" -m fast stop >/dev/null 2>&1 || true
          rm -rf "$what" ;;
    esac
  done < <(cat "$dir/started" 2>/dev/null || true)
  rm -f "$dir/started" "$dir/env"
  echo "engines stopped"
}

"$action"
