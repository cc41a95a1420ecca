#!/usr/bin/env bash
# SLA engine benchmark: N open clocks (default 1,000,000) in a temporary SQLite database, 1 % due;
# times one engine tick (find, fire, record, deliver) and reports RSS. Target: ≤ 100 ms for 10,000.
# Usage: bench/sla.sh [clocks] [due-percent] [engine-batch] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product klik-sla-bench >/dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(uname -sr)"
.build/release/klik-sla-bench "${1:-1000000}" "${2:-1}" "${3:-2000}" "${4:-5}"
