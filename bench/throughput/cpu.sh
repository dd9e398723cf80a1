#!/usr/bin/env bash
# CPU time per request of the relay and of the resident daemon, a figure that other load on the machine
# barely moves (unlike requests per second). Each run sends SMALL or LARGE pipelined `hello` requests
# through a fresh relay; the difference between the two sizes cancels start-up and idle costs:
#
#   µs per request = (CPU after LARGE - CPU after SMALL) / (LARGE - SMALL)
#
# The relay's CPU comes from /usr/bin/time, the daemon's from /proc/<pid>/stat (user + system, 10 ms ticks);
# the median of ROUNDS pairs is printed. With STRACE=1 a last run of LARGE requests is traced with
# `strace -c -f` on the daemon and its system calls per request are printed (strace slows it down; the
# counts, not the times, are the point).
#
#   bench/throughput/cpu.sh                          # SMALL=10000 LARGE=110000 ROUNDS=3
#   STRACE=1 bench/throughput/cpu.sh
#   NM_HOST_BIN=/elsewhere/bin/nm-host bench/throughput/cpu.sh   # another build, e.g. to compare commits
#
# Needs the distribution (mvn -q -o package -DskipTests at the repo root), javac, and GNU time (/usr/bin/time)
# and, for STRACE=1, strace, which scripts/bootstrap.sh does not install.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="$here/target"
small=${SMALL:-10000}
large=${LARGE:-110000}
rounds=${ROUNDS:-3}
origin="chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
host=${NM_HOST_BIN:-$repo/distribution/target/nm-host/bin/nm-host}

if [[ ! -x "$host" ]]; then
  echo "no distribution built: run mvn -q -o package -DskipTests in $repo first" >&2
  exit 1
fi
# The runs' own output is discarded, so a missing tool would end the script with no message.
[[ -x /usr/bin/time ]] || { echo "no /usr/bin/time: install GNU time (Debian: apt-get install time)" >&2; exit 1; }
if [[ "${STRACE:-0}" == 1 ]] && ! command -v strace >/dev/null; then
  echo "STRACE=1 needs strace (Debian: apt-get install strace)" >&2
  exit 1
fi
mkdir -p "$target/classes"
javac -d "$target/classes" "$here/src/Throughput.java"

export NM_HOST_HOME NM_HOST_CDS_DIR RELAY_TIMES
NM_HOST_HOME="$(mktemp -d)"
NM_HOST_CDS_DIR="$NM_HOST_HOME/cds"
RELAY_TIMES="$NM_HOST_HOME/relay.time"
cleanup() {
  "$host" daemon stop >&2 || true
  rm -rf "$NM_HOST_HOME"
}
trap cleanup EXIT
cat > "$NM_HOST_HOME/config.json" <<EOF
{ "origins": { "$origin": { "scopes": [] } } }
EOF
# The driver starts a host as a browser does; this one is the relay, timed.
cat > "$NM_HOST_HOME/timed-relay" <<EOF
#!/bin/sh
exec /usr/bin/time -o "\$RELAY_TIMES" -f '%U %S' "$host" "\$@"
EOF
chmod +x "$NM_HOST_HOME/timed-relay"

run() {
  java -cp "$target/classes" Throughput --requests "$1" --rounds 1 --window 64 --route hello --origin "$origin" \
    --logs "$target/logs" --ours relay "$NM_HOST_HOME/timed-relay" >/dev/null 2>&1
}
ticks_per_second=$(getconf CLK_TCK)
# CPU seconds of a process, user + system.
daemon_cpu() {
  awk -v hz="$ticks_per_second" '{ print ($14 + $15) / hz }' "/proc/$daemon_pid/stat"
}
relay_cpu() {
  awk '{ print $1 + $2 }' "$RELAY_TIMES"
}
# µs per request from the CPU seconds of a small and a large run.
per_request() {
  awk -v s="$1" -v l="$2" -v n=$((large - small)) 'BEGIN { printf "%.2f\n", (l - s) / n * 1e6 }'
}
median() {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# Start and warm the daemon, and let the launcher record its class-data archive.
run "$large"
for _ in $(seq 60); do
  compgen -G "$NM_HOST_CDS_DIR/*.jsa" >/dev/null || compgen -G "$NM_HOST_CDS_DIR/*.aot" >/dev/null && break
  sleep 1
done
daemon_pid=$(cat "$NM_HOST_HOME/run/daemon.pid")
run "$large"

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
relay_samples=()
daemon_samples=()
for _ in $(seq "$rounds"); do
  declare -A relay daemon
  for size in "$small" "$large"; do
    before=$(daemon_cpu)
    run "$size"
    daemon[$size]=$(awk -v a="$before" -v b="$(daemon_cpu)" 'BEGIN { print b - a }')
    relay[$size]=$(relay_cpu)
  done
  relay_samples+=("$(per_request "${relay[$small]}" "${relay[$large]}")")
  daemon_samples+=("$(per_request "${daemon[$small]}" "${daemon[$large]}")")
  echo "round: relay ${relay_samples[-1]} µs/request, daemon ${daemon_samples[-1]} µs/request" >&2
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "relay:  $(printf '%s\n' "${relay_samples[@]}" | median) µs CPU per request (median of $rounds; runs ${relay_samples[*]})"
echo "daemon: $(printf '%s\n' "${daemon_samples[@]}" | median) µs CPU per request (median of $rounds; runs ${daemon_samples[*]})"

if [[ "${STRACE:-0}" == 1 ]]; then
  trace="$NM_HOST_HOME/daemon.strace"
  strace -c -f -o "$trace" -p "$daemon_pid" 2>/dev/null &
  strace_pid=$!
  sleep 1
  run "$large"
  kill -INT "$strace_pid"
  wait "$strace_pid" || true
  echo "daemon system calls per request ($large requests, traced):"
  awk -v n="$large" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ { printf "  %-16s %.3f\n", $NF, $4 / n }' "$trace" | sort -k2 -gr | head -8
fi
