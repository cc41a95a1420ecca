# Shared by the benchmark scripts: `measure NAME URL PID [WRK-SCRIPT] [CONNECTIONS]` runs wrk
# against URL and prints "NAME req/s p50 p99 server-µs-per-request non-2xx", reading the
# server's CPU time from /proc/PID/stat around the run (steadier than req/s on a shared 2-core machine); `summarise A B` prints each
# round and the means of A and B with their ratio. Needs $out, $seconds, $connections.
hz=$(getconf CLK_TCK)

measure() { # name url pid [wrk-script] [connections]
  local before after requests script=()
  [ -n "${4:-}" ] && script=(-s "$4")
  before=$(awk '{print $14 + $15}' "/proc/$3/stat")
  wrk -t1 -c"${5:-$connections}" -d"${seconds}s" --latency "${script[@]}" "$2" > "$out/$1.txt"
  after=$(awk '{print $14 + $15}' "/proc/$3/stat")
  requests=$(awk '/requests in/ {print $1}' "$out/$1.txt")
  echo "$1 $(awk '/^Requests\/sec/ {print $2}' "$out/$1.txt") $(awk '$1=="50%" {print $2}' "$out/$1.txt")" \
       "$(awk '$1=="99%" {print $2}' "$out/$1.txt")" \
       "$(awk -v t=$((after - before)) -v n="$requests" -v hz="$hz" 'BEGIN { printf "%.2f", 1e6 * t / hz / n }')" \
       "$(awk '/Non-2xx/ {n = $5} END {print n + 0}' "$out/$1.txt")"
}

summarise() { # baseline-name other-name, reading "measure" lines on stdin
  awk -v a="$1" -v b="$2" '
    { n[$1]++; rps[$1] += $2; cpu[$1] += $5
      print "round " int((NR + 1) / 2) ": " $1 " " $2 " req/s, p50 " $3 ", p99 " $4 ", server CPU " $5 " us/request" }
    END { ra = rps[a] / n[a]; rb = rps[b] / n[b]; ca = cpu[a] / n[a]; cb = cpu[b] / n[b]
          printf "mean: %s %.0f req/s (%.2f us CPU/req), %s %.0f req/s (%.2f us CPU/req)\n", a, ra, ca, b, rb, cb
          printf "ratio %s/%s: throughput %.1f%%, CPU per request %.1f%%\n", b, a, 100 * rb / ra, 100 * ca / cb }'
}
