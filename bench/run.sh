#!/usr/bin/env bash
# Klik's HTTP benchmark: wrk against Klik's /healthz and against a C hello-world on libmicrohttpd
# (the ceiling), alternately in one go. Prints requests/s, p50, p99 and server CPU per request
# for each, and the ratios.
# Usage: bench/run.sh [rounds] [seconds]   (defaults 3 rounds of 8 s; needs `make build` and wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-8}
connections=${CONNECTIONS:-32}
out=bench/out
mkdir -p "$out"
source bench/lib.sh
gcc -O2 -o "$out/hello" bench/hello/hello.c $(pkg-config --cflags --libs libmicrohttpd)

threads=$(nproc)
data=$(mktemp -d)
"$out/hello" 18282 "$threads" 2>/dev/null & hello_pid=$!
.build/release/klik serve ${KLIK_BENCH_FLAGS:-} --port 18281 --data "$data" --manifests "$data/m" --plugins "$data/p" 2>/dev/null & klik_pid=$!
trap 'kill $hello_pid $klik_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT
for i in $(seq 50); do curl -sf http://127.0.0.1:18281/healthz >/dev/null && curl -sf http://127.0.0.1:18282/ >/dev/null && break; sleep 0.1; done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk -t1 -c$connections -d${seconds}s, $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  measure hello http://127.0.0.1:18282/healthz "$hello_pid"
  measure klik http://127.0.0.1:18281/healthz "$klik_pid"
done | summarise hello klik
