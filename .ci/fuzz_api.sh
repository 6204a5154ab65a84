#!/usr/bin/env bash
# Fuzz every API operation with schemathesis against a live gunicorn on a freshly seeded database,
# as a partner key with every scope for the city. Fails on any 5xx or response not matching the schema.
#
#   .ci/fuzz_api.sh                                    # a throwaway SQLite database
#   FUZZ_DATABASE_URL=postgres://postgres@127.0.0.1:5432/siming_fuzz .ci/fuzz_api.sh   # dropped and recreated
#
# Bounded for CI (~3 minutes on 2 cores): FUZZ_MAX_EXAMPLES cases per operation and phase (default 25),
# FUZZ_MAX_TIME seconds of fuzzing (default 100). VENV picks the virtualenv (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=$(cd "${VENV:-.venv}" && pwd)
work=$(mktemp -d)
server_pid=

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_server EXIT

export DATABASE_URL=${FUZZ_DATABASE_URL:-sqlite:///$work/fuzz.sqlite3}
export DEBUG=false
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
ID_NUMBER_HMAC_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY ID_NUMBER_HMAC_KEY
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export STATIC_ROOT=$work/static MEDIA_ROOT=$work/media
# The fuzzer sends hundreds of requests a minute with one key: throttling would answer most of them
# with 429 and test nothing. Idempotency-Key stays on: its 409/422 answers are in the schema.
export API_THROTTLE_RATE=1000000/min
unset REDIS_URL CELERY_BROKER_URL  # local-memory cache; no task is enqueued by a read or a create

case "$DATABASE_URL" in
  postgres://*)
    db=${DATABASE_URL##*/}
    dropdb -h 127.0.0.1 -U postgres --if-exists "$db"
    createdb -h 127.0.0.1 -U postgres "$db"
    ;;
esac

"$VENV/bin/python" manage.py migrate -v 0
"$VENV/bin/python" manage.py collectstatic --noinput -v 0
"$VENV/bin/python" manage.py seed_demo --scale small --allow-demo-accounts >"$work/seed.log"
scopes=$("$VENV/bin/python" manage.py shell -v 0 -c "from portal.models import ApiScope; print(','.join(ApiScope.values))")
key=$("$VENV/bin/python" manage.py create_api_key --partner "CI fuzzing" --region 330200 --scopes "$scopes")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VENV/bin/gunicorn" portal.wsgi:application --bind "127.0.0.1:$port" --workers 2 --timeout 30 \
  --error-logfile "$work/server.log" --capture-output &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 60); do curl -fs -o /dev/null "$base/healthz" && break; sleep 0.5; done

status=0
# Run from the scratch directory: schemathesis keeps its replay files (.schemathesis/) in the working directory.
(cd "$work" && "$VENV/bin/schemathesis" --no-color run "$base/api/v1/schema/" \
  --header "Authorization: Api-Key $key" \
  --checks not_a_server_error,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${FUZZ_MAX_EXAMPLES:-25}" \
  --max-time "${FUZZ_MAX_TIME:-100}" \
  --request-timeout 20 \
  --workers 2 \
  --seed "${FUZZ_SEED:-2024}") || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log: the tracebacks of the 5xx answers ---" >&2
  grep -v -E '^(Not Found|Forbidden|Bad Request|Unauthorized|Method Not Allowed|Conflict|Unprocessable|Too Many)' \
    "$work/server.log" | tail -n 300 >&2
fi
exit "$status"
