#!/usr/bin/env bash
# The real-engine stage: starts PostgreSQL, Redis and an S3 server on loopback (scripts/engines.sh), then runs
# tests/production with OCOP_ENGINES=1: they follow docs/deploy.md's rehearsal (two web processes, a Celery
# worker, the scheduler) and test uploads, the worker, shared sessions and the restore. Bounded in time;
# every process it started is stopped on the way out, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT="${ENGINES_TIMEOUT:-900}"
export OCOP_ENGINES_DIR=var/test-engines/run
rm -rf var/test-engines
mkdir -p "$OCOP_ENGINES_DIR"

cleanup() { bash scripts/engines.sh stop "$OCOP_ENGINES_DIR" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

make -s install
bash scripts/engines.sh start "$OCOP_ENGINES_DIR"
set -a
# shellcheck disable=SC1091
. "$OCOP_ENGINES_DIR/env"
set +a
export OCOP_ENGINES=1 OCOP_DATA_DIR=var/test-engines
timeout --kill-after=30 "$LIMIT" .venv/bin/python -m pytest tests/production -m engines -q "$@"
