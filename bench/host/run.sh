#!/bin/sh
# Cold start of nm-host (standalone, and relayed to a warm daemon; with and without class-data sharing) next
# to a minimal Java echo host, on Java 17 and, if installed, Java 25; the rows take turns launch by launch.
# Each mode gets an archive recorded by its own first launch. Needs the built distribution
# (mvn -pl distribution -am package -DskipTests).
# Usage: bench/host/run.sh [RUNS]   (default 30); MODES=relay bench/host/run.sh leaves out the standalone rows
set -eu
root=$(cd -- "$(dirname -- "$0")/../.." && pwd -P)
runs=${1:-30}
modes=${MODES:-standalone relay}
work=$(mktemp -d)
export NM_HOST_HOME="$work/home" NM_HOST_CDS_DIR="$work/cds"
trap '"$root/bin/nm-host" daemon stop >/dev/null 2>&1; rm -rf -- "$work"' EXIT
origin=chrome-extension://abcdefghijklmnopabcdefghijklmnop/
mkdir -p "$NM_HOST_HOME"
printf '{"origins": {"%s": {"scopes": []}}}\n' "$origin" > "$NM_HOST_HOME/config.json"
javac -d "$work/echo" "$root/bench/host/EchoHost.java"
host=$root/bin/nm-host
measured=0

for java_home in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64; do
  [ -x "$java_home/bin/java" ] || continue
  java=$java_home/bin/java
  # The launcher's flags, collector included (G1 before Java 24, Serial from 24: see distribution/README.md).
  gc=-XX:+UseSerialGC
  [ "$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')" -lt 24 ] &&
    gc=-XX:+UseG1GC
  flags="-XX:TieredStopAtLevel=1 $gc -XX:-UsePerfData"
  echo "== $("$java" -version 2>&1 | head -1); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  # The first browser launch in each mode records that mode's archive (nm-host-* and nm-host-relay-*); a
  # background job writes it a few seconds later.
  set -- "minimal Java echo host" "$java $flags -cp $work/echo EchoHost"
  for mode in $modes; do
    java "$root/bench/host/ColdStart.java" 1 warm-up "NM_HOST_JAVA=$java NM_HOST_MODE=$mode $host $origin" >/dev/null
    label="nm-host $mode"
    [ $mode = relay ] && label="$label, warm daemon"
    set -- "$@" \
      "$label, no CDS" "NM_HOST_JAVA=$java NM_HOST_CDS=off NM_HOST_MODE=$mode $host $origin" \
      "$label, CDS" "NM_HOST_JAVA=$java NM_HOST_MODE=$mode $host $origin"
  done
  tries=0
  until [ "$(ls "$NM_HOST_CDS_DIR" 2>/dev/null | grep -Ec '\.(jsa|aot)$')" -ge "$(echo $modes | wc -w)" ]; do
    tries=$((tries + 1)); [ $tries -lt 120 ] || { echo "no archive recorded" >&2; exit 1; }
    sleep 1
  done
  java "$root/bench/host/ColdStart.java" "$runs" "$@"
  echo "   load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  # The daemon was started on this Java: stop it, so that the next Java's relay rows start and talk to a daemon
  # on that Java, and wait for the archive it records on exit (a background JVM) so that it loads no later row.
  "$host" daemon stop >/dev/null 2>&1 || true
  tries=0
  while [ -n "$(ls "$NM_HOST_CDS_DIR" 2>/dev/null | grep -E '\.(record|tmp)$')" ] && [ $tries -lt 120 ]; do
    tries=$((tries + 1)); sleep 1
  done
  rm -rf -- "$NM_HOST_CDS_DIR"
  measured=$((measured + 1))
done
[ "$measured" -gt 0 ] || { echo "no JDK at /usr/lib/jvm/java-17-openjdk-amd64 or /usr/lib/jvm/temurin-25-jdk-amd64" >&2; exit 1; }
