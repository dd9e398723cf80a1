#!/usr/bin/env bash
# Runs the nm-protocol JMH benchmarks with modest settings and prints a markdown table:
# frames per second and bytes allocated per frame (JMH's GC profiler, gc.alloc.rate.norm).
#
#   bench/run-protocol.sh            # builds bench/target/benchmarks.jar first if it is missing
#   JAVA=/path/to/java bench/run-protocol.sh
#
# Extra arguments go to JMH, e.g. bench/run-protocol.sh -p payloadBytes=64
set -euo pipefail

bench_dir="$(cd "$(dirname "$0")" && pwd)"
jar="$bench_dir/target/benchmarks.jar"
results="$bench_dir/target/protocol-results.csv"
java="${JAVA:-java}"

if [[ ! -f "$jar" ]]; then
  (cd "$bench_dir/.." && mvn -q -pl bench -am package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip)
fi

"$java" -jar "$jar" 'dev.nm.bench.ProtocolBenchmark' \
  -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc \
  -rf csv -rff "$results" "$@" >&2

# CSV columns: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: payloadBytes"
echo "| benchmark | payload | frames/s | ± (99.9%) | bytes allocated / frame |"
echo "|---|---:|---:|---:|---:|"
awk -F, '
  NR == 1 { next }
  {
    gsub(/"/, "")
    name = $1; sub(/^dev\.nm\.bench\.ProtocolBenchmark\./, "", name)
    key = $8
    if (name ~ /:gc\.alloc\.rate\.norm$/) { sub(/:.*/, "", name); alloc[name "," key] = $5; next }
    if (name ~ /:/) next
    order[++n] = name "," key; score[name "," key] = $5; error[name "," key] = $6
  }
  END {
    for (i = 1; i <= n; i++) {
      k = order[i]; split(k, part, ",")
      printf "| %s | %s B | %.0f | %.0f | %.0f |\n", part[1], part[2], score[k], error[k], alloc[k]
    }
  }' "$results"
