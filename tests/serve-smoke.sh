#!/usr/bin/env bash
# The README's first command on this machine: `make serve` installs, builds and serves; once the
# build is done /healthz must answer, and SIGTERM must stop the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SMOKE_PORT:-18089}
data=$(mktemp -d)
log=$(mktemp)
# setsid: the server and make share a process group we can signal as a whole.
setsid make serve PORT="$port" DATA="$data/klik-data" > "$log" 2>&1 &
group=$!
cleanup() { kill -TERM -- -"$group" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
for _ in $(seq 1200); do
  if curl -sf "http://127.0.0.1:$port/healthz" > "$data/healthz.json"; then break; fi
  if ! kill -0 "$group" 2>/dev/null; then echo "make serve exited early:"; tail -30 "$log"; exit 1; fi
  sleep 0.5
done
if ! grep -q '"status":"ok"' "$data/healthz.json" 2>/dev/null; then
  echo "serve smoke: /healthz did not answer"; tail -30 "$log"; exit 1
fi
kill -TERM -- -"$group"
for _ in $(seq 100); do kill -0 "$group" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$group" 2>/dev/null; then echo "serve smoke: the server did not stop on SIGTERM"; exit 1; fi
grep -q '"msg":"klik stopped"' "$log" || { echo "serve smoke: no clean stop in the log"; tail -5 "$log"; exit 1; }
echo "serve smoke: make serve answered /healthz and stopped cleanly"
