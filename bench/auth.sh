#!/usr/bin/env bash
# Auth benchmark: what an authenticated request costs over an anonymous one, and sign-in
# throughput at the configured argon2id parameters. Alternates runs to even out noise.
#   A  GET /healthz anonymous               (baseline)
#   B  GET /healthz with a Bearer session   (pure cost of resolving the session)
#   C  GET /api/v1/me with a Bearer session (a typical authenticated read)
#   L  POST /api/v1/auth/login              (argon2id; 2 hashes at a time by design)
# Usage: bench/auth.sh [rounds] [seconds]   (defaults 3 rounds of 8 s; needs `make build` and wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-8}
connections=${CONNECTIONS:-32}
out=bench/out
mkdir -p "$out"
port=18283
data=$(mktemp -d)
password="Bench-Sungai-Kampar-$RANDOM$RANDOM"
printf '%s\n' "$password" | .build/release/klik user add --role admin --name "Penguji Beban" --email bench@pelalawan.test \
  --data "$data" --manifests "$data/m" --plugins "$data/p" >/dev/null 2>&1
.build/release/klik serve --port $port --data "$data" --manifests "$data/m" --plugins "$data/p" 2>/dev/null & klik_pid=$!
trap 'kill $klik_pid 2>/dev/null; rm -rf "$data"' EXIT
for i in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
login='{"login":"bench@pelalawan.test","password":"'"$password"'"}'
token=$(curl -sf -X POST http://127.0.0.1:$port/api/v1/auth/login -H 'Content-Type: application/json' -d "$login" \
  | sed -E 's/.*"token":"([^"]+)".*/\1/')

cat > "$out/bearer.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat > "$out/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$login'
LUA

source bench/lib.sh
run() { measure "$1" "$2" "$klik_pid" "${3:-}" "${4:-}"; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk -t1 -c$connections -d${seconds}s, $rounds rounds"
results=()
for r in $(seq "$rounds"); do
  results+=("$(run anonymous_healthz http://127.0.0.1:$port/healthz)")
  results+=("$(run bearer_healthz http://127.0.0.1:$port/healthz "$out/bearer.lua")")
  results+=("$(run bearer_me http://127.0.0.1:$port/api/v1/me "$out/bearer.lua")")
done
results+=("$(run login http://127.0.0.1:$port/api/v1/auth/login "$out/login.lua" 4)")
printf '%s\n' "${results[@]}" | awk '
  { n[$1]++; rps[$1]+=$2; us[$1]+=$5; print $1 ": " $2 " req/s, p50 " $3 ", p99 " $4 ", non-2xx " $6 ", server CPU " $5 " us/request" }
  END { a=rps["anonymous_healthz"]/n["anonymous_healthz"]; b=rps["bearer_healthz"]/n["bearer_healthz"];
        m=rps["bearer_me"]/n["bearer_me"];
        ua=us["anonymous_healthz"]/n["anonymous_healthz"]; ub=us["bearer_healthz"]/n["bearer_healthz"]; um=us["bearer_me"]/n["bearer_me"];
        printf "mean: anonymous /healthz %.0f, bearer /healthz %.0f (%.1f%% of anonymous), bearer /api/v1/me %.0f (%.1f%%) req/s; sign-in %.1f/s\n",
               a, b, 100*b/a, m, 100*m/a, rps["login"];
        printf "server CPU per request: anonymous /healthz %.2f us, bearer /healthz %.2f us (%+.1f%%), bearer /api/v1/me %.2f us (%+.1f%%); sign-in %.0f us\n",
               ua, ub, 100*(ub-ua)/ua, um, 100*(um-ua)/ua, us["login"] }'
