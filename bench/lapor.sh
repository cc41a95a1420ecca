#!/usr/bin/env bash
# lapor benchmark (issue 6):
#   (1) filing a report without a photo: POST /api/v1/lapor/reports as a signed-in citizen, at
#       random points of the regency — throughput, p50/p99 and server CPU per filing (each filing
#       is one write transaction: the report, its verification clock, its history row, the
#       reporter's notification; then the duplicate suggestions around the point);
#   (2) paging the public list over 100,000 public reports: GET /api/v1/lapor/public/reports at
#       cursors spread over the whole list (first page to the last), and filtered by category — p99.
# The 100,000 reports are real filings copied in SQL (bench/lapor_seed.py) while the server is
# stopped, so every column the plugin writes is present; the copies are spread over 400 days.
# Usage: bench/lapor.sh [seconds] [reports]   (defaults 10 s, 100000; needs `make build` and wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
reports=${2:-100000}
connections=${CONNECTIONS:-16}
out=bench/out
mkdir -p "$out"
source bench/lib.sh
port=18297
base=http://127.0.0.1:$port
work=$(mktemp -d)
klik_pid=
trap '[ -n "$klik_pid" ] && kill $klik_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
klik=(.build/release/klik)
dirs=(--data "$work/data" --manifests Manifests --plugins Plugins)

start() {
  "${klik[@]}" serve --port $port "${dirs[@]}" --log-level warn 2>>"$work/server.log" & klik_pid=$!
  for i in $(seq 100); do curl -sf $base/healthz >/dev/null && return; sleep 0.1; done
  echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1
}
stop() { kill $klik_pid; wait $klik_pid 2>/dev/null || true; klik_pid=; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
login() { # login password → token
  curl -sf -X POST $base/api/v1/auth/login -H 'Content-Type: application/json' \
    -d '{"login":"'"$1"'","password":"'"$2"'"}' | json_field '["token"]'
}

password="Bench-Kerumutan-$RANDOM$RANDOM"
printf '%s\n' "$password" | "${klik[@]}" user add --role admin --name "Admin Beban" --email admin@pelalawan.test "${dirs[@]}" >/dev/null 2>&1
start
admin=$(login admin@pelalawan.test "$password")
curl -sf -X POST $base/api/v1/auth/register -H 'Content-Type: application/json' \
  -d '{"name":"Warga Beban","email":"warga@pelalawan.test","password":"'"$password"'"}' >/dev/null
citizen=$(login warga@pelalawan.test "$password")

report='{"kind":"pengaduan","category":"jalan-rusak","description":"Jalan berlubang di depan pasar, membahayakan pengendara motor","latitude":0.3977,"longitude":101.8521,"kecamatan":"Pangkalan Kerinci"}'
# Each filing at a random point of the regency (about 0.5° S–0.8° N, 101.5°–103° E) in one of
# three categories, as real filings are spread; the template below is the seeding report.
cat > "$out/lapor-file.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $citizen"
local categories = { "jalan-rusak", "sampah", "lampu-jalan" }
request = function()
  local body = string.format('{"kind":"pengaduan","category":"%s","description":"Jalan berlubang di depan pasar, membahayakan pengendara motor","latitude":%.5f,"longitude":%.5f,"kecamatan":"Pangkalan Kerinci"}',
    categories[math.random(#categories)], -0.5 + 1.3 * math.random(), 101.5 + 1.5 * math.random())
  return wrk.format(nil, nil, nil, body)
end
local told = false
response = function(status, headers, body)
  if status >= 300 and not told then told = true; io.stderr:write("filing answered " .. status .. ": " .. body .. "\n") end
end
LUA

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk -t1 -c$connections -d${seconds}s, load $(cut -d' ' -f1-3 /proc/loadavg)"
read -r _ rps p50 p99 cpu non2xx <<<"$(measure filing $base/api/v1/lapor/reports $klik_pid "$out/lapor-file.lua")"
echo "filing (no photo): $rps reports/s, p50 $p50, p99 $p99, server CPU $cpu us/filing, non-2xx $non2xx"
[ "$non2xx" = 0 ] || { echo "filing answered non-2xx; see $out/filing.txt" >&2; exit 1; }

# One verified (public) report, assigned to DPUPR with its clocks running, is the template for the copies.
id=$(curl -sf -X POST $base/api/v1/lapor/reports -H "Authorization: Bearer $citizen" -H 'Content-Type: application/json' \
  -d "$report" | json_field '["report"]["id"]')
as_admin() { curl -sf -X POST "$base$1" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2" >/dev/null; }
as_admin /api/v1/admin/opds '{"code":"DPUPR","name":{"id":"Dinas PUPR","en":"Public Works Agency"}}'
as_admin "/api/v1/lapor/reports/$id/verify" '{}'
as_admin "/api/v1/lapor/reports/$id/assign" '{"opd":"DPUPR"}'
stop
python3 bench/lapor_seed.py "$work/data/klik.db" "$id" "$reports"
start

# Cursors spread over the whole public list: walk it once with the largest page size.
python3 - "$base" "$out/lapor-cursors.lua" <<'PY'
import json, sys, urllib.request
base, target = sys.argv[1], sys.argv[2]
cursors, after, pages = [""], None, 0
while True:
    url = base + "/api/v1/lapor/public/reports" + ("?after=" + after if after else "")
    page = json.load(urllib.request.urlopen(url))
    pages += 1
    after = page.get("next")
    if not after: break
    if pages % 25 == 0: cursors.append(after)
with open(target, "w") as f:
    f.write("local cursors = {" + ",".join(json.dumps(c) for c in cursors) + "}\n")
    f.write("local i = 0\nrequest = function()\n  i = i % #cursors + 1\n"
            "  local c = cursors[i]\n  local path = '/api/v1/lapor/public/reports'\n"
            "  if c ~= '' then path = path .. '?after=' .. c end\n  return wrk.format('GET', path)\nend\n")
print(f"public list: {pages} pages walked, {len(cursors)} cursors sampled", file=sys.stderr)
PY
read -r _ rps p50 p99 cpu non2xx <<<"$(measure paging $base/ $klik_pid "$out/lapor-cursors.lua")"
echo "public list over $reports reports, pages across the list: $rps pages/s, p50 $p50, p99 $p99, server CPU $cpu us/page, non-2xx $non2xx"
read -r _ rps p50 p99 cpu non2xx <<<"$(measure paging-category "$base/api/v1/lapor/public/reports?category=jalan-rusak" $klik_pid)"
echo "public list filtered by category, first page: $rps pages/s, p50 $p50, p99 $p99, server CPU $cpu us/page, non-2xx $non2xx"
