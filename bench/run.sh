#!/usr/bin/env bash
# Klik's HTTP benchmark: wrk against Klik's /healthz and against a C hello-world on libmicrohttpd
# (the ceiling), alternately in one go. Prints requests/s, p50 and p99 for each and the ratio.
# Usage: bench/run.sh [rounds] [seconds]   (defaults 3 rounds of 8 s; needs `make build` and wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-8}
connections=${CONNECTIONS:-32}
out=bench/out
mkdir -p "$out"
gcc -O2 -o "$out/hello" bench/hello/hello.c $(pkg-config --cflags --libs libmicrohttpd)

threads=$(nproc)
data=$(mktemp -d)
"$out/hello" 18282 "$threads" 2>/dev/null & hello_pid=$!
.build/release/klik serve ${KLIK_BENCH_FLAGS:-} --port 18281 --data "$data" --manifests "$data/m" --plugins "$data/p" 2>/dev/null & klik_pid=$!
trap 'kill $hello_pid $klik_pid 2>/dev/null; rm -rf "$data"' EXIT
for i in $(seq 50); do curl -sf http://127.0.0.1:18281/healthz >/dev/null && curl -sf http://127.0.0.1:18282/ >/dev/null && break; sleep 0.1; done

run() { # name url
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "$2" > "$out/$1.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$out/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$out/$1.txt")
  echo "$1 $rps $p50 $p99"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk -t1 -c$connections -d${seconds}s, $rounds rounds"
results=()
for r in $(seq "$rounds"); do
  results+=("$(run hello http://127.0.0.1:18282/healthz)")
  results+=("$(run klik http://127.0.0.1:18281/healthz)")
done
printf '%s\n' "${results[@]}" | awk '
  { n[$1]++; rps[$1]+=$2; print "round " int((NR+1)/2) ": " $1 " " $2 " req/s, p50 " $3 ", p99 " $4 }
  END { h=rps["hello"]/n["hello"]; k=rps["klik"]/n["klik"];
        printf "mean: hello %.0f req/s, klik %.0f req/s, ratio %.1f%%\n", h, k, 100*k/h }'
