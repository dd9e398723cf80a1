#!/usr/bin/env bash
# Pipelined small-request throughput: nm-host (relay to the resident daemon, and standalone) against a
# minimal C echo host and the minimal Python echo host (e2e/peers/echo_host.py), side by side in one run.
# Prints a markdown table on stdout; progress and machine notes go to stderr.
#
#   bench/throughput/run.sh                  # 50000 requests a run, window 64, 5 rounds
#   REQUESTS=20000 ROUNDS=3 bench/throughput/run.sh
#   WARMUP=0 bench/throughput/run.sh         # unmeasured rounds of every host first (default 2)
#
# Needs the distribution (mvn -q -o package -DskipTests at the repo root), gcc and javac. The hosts run
# against a temporary NM_HOST_HOME that allows one test origin; the daemon it starts is stopped at the end.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="$here/target"
requests=${REQUESTS:-50000}
window=${WINDOW:-64}
rounds=${ROUNDS:-5}
warmup=${WARMUP:-2}
extension_id=abcdefghijklmnopabcdefghijklmnop
origin="chrome-extension://$extension_id/"

if [[ ! -x "$repo/distribution/target/nm-host/bin/nm-host" ]]; then
  echo "no distribution built: run mvn -q -o package -DskipTests in $repo first" >&2
  exit 1
fi
mkdir -p "$target/classes"
gcc -O2 -Wall -Wextra -o "$target/echo_host" "$here/peers/echo_host.c"
javac -d "$target/classes" "$here/src/Throughput.java"

export NM_HOST_HOME NM_HOST_CDS_DIR
NM_HOST_HOME="$(mktemp -d)"
NM_HOST_CDS_DIR="$NM_HOST_HOME/cds"
cleanup() {
  "$repo/bin/nm-host" daemon stop >&2 || true
  rm -rf "$NM_HOST_HOME"
}
trap cleanup EXIT
cat > "$NM_HOST_HOME/config.json" <<EOF
{ "origins": { "$origin": { "scopes": [] } } }
EOF

throughput() {
  java -cp "$target/classes" Throughput --window "$window" --route hello --origin "$origin" --logs "$target/logs" "$@"
}

# A browser's first launch records which classes the host loads and archives them in the background (see
# distribution's launcher); every later launch maps that archive. Measure later launches against a resident
# daemon that has already served a while: make the first launch a relay with a full run of requests, and wait
# for its archive.
throughput --requests "$requests" --rounds 1 --ours 'first launch' "$repo/bin/nm-host" >/dev/null
archive=
for _ in $(seq 60); do
  archive=$(compgen -G "$NM_HOST_CDS_DIR/*.jsa" || compgen -G "$NM_HOST_CDS_DIR/*.aot" || true)
  [[ -n "$archive" ]] && break
  sleep 1
done
echo "class-data archive: ${archive:-none after 60 s; later launches record again}" >&2

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
throughput --requests "$requests" --warmup "$warmup" --rounds "$rounds" \
  --ours 'nm-host relay' "$repo/bin/nm-host" \
  --ours 'nm-host standalone' "$repo/bin/nm-host" --env NM_HOST_MODE=standalone \
  --peer 'C echo' "$target/echo_host" \
  --peer 'Python echo' "$repo/e2e/peers/echo_host.py"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
