#!/usr/bin/env bash
# The load test: simulated staff (bench/locustfile.py) against `make serve` on PostgreSQL
# holding 100,000 letters. Headless, loopback only, a fixed number of users for a fixed time.
#
#   bench/load.sh                        (or `make load`; settings from the environment:)
#   LOAD_USERS=50 LOAD_SPAWN_RATE=10 LOAD_TIME=2m LOAD_LETTERS=100000 WORKERS=5 \
#   LOAD_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/load LOAD_FILL=auto
#
# LOAD_FILL: auto fills the database (bench/fill.py, which drops everything in it) unless it
# already holds LOAD_LETTERS letters; 1 always fills; 0 never does. DATABASE_URL is never read:
# the fill must not land on a real database by accident. Prints locust's summary and the median
# and 95th percentile of each request; exits non-zero when any request failed.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
USERS=${LOAD_USERS:-50}
SPAWN_RATE=${LOAD_SPAWN_RATE:-10}
DURATION=${LOAD_TIME:-2m}
LETTERS=${LOAD_LETTERS:-100000}
URL=${LOAD_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/load}
FILL=${LOAD_FILL:-auto}
WORKERS=${WORKERS:-$((2 * $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1))}

[ -x "$BIN/locust" ] || "$BIN/pip" install --quiet -e '.[bench]'

# How many letters the database holds (creating an empty PostgreSQL database if there is none).
letters=$("$BIN/python" - "$URL" <<'EOF'
import sys
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
url = make_url(sys.argv[1])
if url.get_backend_name() == "postgresql":
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": url.database}):
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
try:
    with create_engine(url).connect() as conn:
        print(conn.scalar(text("SELECT count(*) FROM request_letter")))
except Exception:
    print(0)
EOF
)
if [ "$FILL" = 1 ] || { [ "$FILL" = auto ] && [ "$letters" -lt "$LETTERS" ]; }; then
  echo "== filling the database with $LETTERS letters (it holds $letters)"
  "$BIN/python" bench/fill.py --url "$URL" --letters "$LETTERS"
else
  echo "== the database holds $letters letters: not filled"
fi

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
OUT=$(mktemp -d /tmp/load.XXXXXX)
export DATABASE_URL=$URL FLASK_APP=app:create_app
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')
export SECRET_KEY
echo "== serving on 127.0.0.1:$PORT with $WORKERS workers (log: $OUT/server.log)"
if grep -q '^serve:' Makefile; then
  setsid make serve BIND="127.0.0.1:$PORT" WORKERS="$WORKERS" >"$OUT/server.log" 2>&1 &
else
  setsid "$BIN/gunicorn" -w "$WORKERS" -b "127.0.0.1:$PORT" 'app:create_app()' \
    >"$OUT/server.log" 2>&1 &
fi
SERVER=$!
trap 'kill -TERM -- -$SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT

for try in $(seq 240); do  # two minutes for the migrations and the workers to come up
  curl -fso /dev/null "http://127.0.0.1:$PORT/auth/login" && break
  if [ "$try" = 240 ] || ! kill -0 "$SERVER" 2>/dev/null; then
    echo "== the server did not come up" >&2; tail -n 30 "$OUT/server.log" >&2; exit 1
  fi
  sleep 0.5
done

echo "== $USERS users (+$SPAWN_RATE/s) for $DURATION"
status=0
"$BIN/locust" -f bench/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --only-summary --stop-timeout 10 \
  --exit-code-on-error 1 || status=$?

if [ "$status" -ne 0 ]; then
  echo "== failures (locust exit $status); server errors:" >&2
  grep -n -A 30 'Traceback\|\[ERROR\]' "$OUT/server.log" | tail -n 80 >&2 || true
fi
exit "$status"
