#!/usr/bin/env bash
# Plugin benchmark: (1) a Lua route that reads one record through klik.db against the native
# /healthz of the same server, alternately with wrk; (2) memory per loaded plugin: the server's
# RSS with 1 and with 41 copies of the plugin, each warmed by requests.
# Usage: bench/plugin.sh [rounds] [seconds]   (needs `make build` and wrk)
# KLIK_BIN=path runs another build of klik (e.g. a copy of the previous commit's, to compare);
# MEMORY=0 skips the memory part. The last line of the first part is the ratio (target: the Lua
# route at >= 50 % of /healthz's throughput).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-8}
connections=${CONNECTIONS:-32}
bin=${KLIK_BIN:-.build/release/klik}
out=bench/out
mkdir -p "$out"
source bench/lib.sh
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

start() { # dir port; sets server_pid
  "$bin" serve --port "$2" --data "$1/data" --manifests "$1/Manifests" --plugins "$1/Plugins" --log-level warn 2>/dev/null &
  server_pid=$!
  pids+=("$server_pid")
  for i in $(seq 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}

cp -r bench/plugins "$work/one"
start "$work/one" 18291
one=$server_pid
curl -sf http://127.0.0.1:18291/api/v1/bench-read/records/1 >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk -t1 -c$connections -d${seconds}s, $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  measure healthz http://127.0.0.1:18291/healthz "$one"
  measure lua-db-read http://127.0.0.1:18291/api/v1/bench-read/records/1 "$one"
done | summarise healthz lua-db-read
rss_one=$(awk '/VmRSS/ {print $2}' "/proc/$one/status")
[ "${MEMORY:-1}" = 0 ] && exit 0

# Memory: 41 copies of the plugin, every copy warmed with requests from concurrent connections.
mkdir -p "$work/many/Manifests" "$work/many/Plugins"
for i in $(seq 0 40); do
  id="bench-read-$i"
  sed "s/\"bench-read\"/\"$id\"/" bench/plugins/Manifests/bench-read.json > "$work/many/Manifests/$id.json"
  cp -r bench/plugins/Plugins/bench-read "$work/many/Plugins/$id"
done
start "$work/many" 18292
for i in $(seq 0 40); do wrk -t1 -c4 -d1s "http://127.0.0.1:18292/api/v1/bench-read-$i/records/1" >/dev/null; done
rss_many=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
echo "memory: RSS with 1 plugin ${rss_one} KiB, with 41 plugins ${rss_many} KiB, about $(( (rss_many - rss_one) / 40 )) KiB per additional warmed plugin"
