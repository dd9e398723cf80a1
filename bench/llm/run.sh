#!/usr/bin/env bash
# Benchmarks nm's chat generation against llama.cpp's llama-bench, llama.cpp's own server and llama-cpp-python's
# OpenAI server, same model, same threads, in one run: every round runs every side, in an order that rotates
# from round to round, and the table shows medians.
# See README.md.
#
#   NM_BENCH_LLAMA_BENCH=/tmp/llama.cpp/build/bin/llama-bench NM_BENCH_LCP_PYTHON=/tmp/lcp/bin/python bench/llm/run.sh
#
# Environment:
#   NM_BENCH_LLAMA_BENCH  llama-bench built from the llama.cpp nm's engine uses            (required)
#   NM_BENCH_LCP_PYTHON   a Python with llama-cpp-python[server] installed                   (required)
#   NM_BENCH_LLAMA_SERVER llama-server from the same build as llama-bench    (default: beside llama-bench)
#   NM_BENCH_MODEL        the GGUF   (default: the default chat model in nm's models directory)
#   NM_BENCH_THREADS      threads for every side                                              (default 2)
#   NM_BENCH_ROUNDS       rounds; each runs every side once                                   (default 3)
#   NM_BENCH_TTFT_SAMPLES short-prompt requests timed to their first token, per side and round (default 5)
#   NM_BENCH_PORT         loopback port for llama-cpp-python's server; llama-server's is one above (default 18080)
#   NM_BENCH_KEEP         a directory to keep the raw results and logs in                     (default: discarded)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/llm"
llama_bench="${NM_BENCH_LLAMA_BENCH:?set NM_BENCH_LLAMA_BENCH to a llama-bench binary (see bench/llm/README.md)}"
lcp_python="${NM_BENCH_LCP_PYTHON:?set NM_BENCH_LCP_PYTHON to a Python with llama-cpp-python[server] (see bench/llm/README.md)}"
llama_server="${NM_BENCH_LLAMA_SERVER:-$(dirname "$llama_bench")/llama-server}"
[[ -x "$llama_server" ]] || { echo "no llama-server at $llama_server; bench/llm/setup.sh builds it beside llama-bench" >&2; exit 1; }
models="${NM_HOST_MODELS_DIR:-${NM_HOST_HOME:-$HOME/.local/share/nm-host}/models}"
model="${NM_BENCH_MODEL:-$models/SmolLM2-135M-Instruct.Q4_1.gguf}"
threads="${NM_BENCH_THREADS:-2}"
rounds="${NM_BENCH_ROUNDS:-3}"
ttft_samples="${NM_BENCH_TTFT_SAMPLES:-5}"
port="${NM_BENCH_PORT:-18080}"
server_port=$((port + 1))
work="${NM_BENCH_KEEP:-$(mktemp -d)}"
mkdir -p "$work"
[[ -n "${NM_BENCH_KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT

if [[ ! -x "$root/distribution/target/nm-host/bin/nm-host" ]]; then
  (cd "$root" && mvn -q -o -B package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip >&2)
fi
(cd "$root" && mvn -q -o -B -pl nm-testkit -am package dependency:build-classpath -DskipTests -Dmaven.javadoc.skip \
  -Dmaven.source.skip -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/classpath" >&2)
classpath="$root/nm-testkit/target/classes:$(cat "$work/classpath")"
# Compiled once: run as a source file, every round's client JVM would compile it with javac first, and the JIT
# work that leaves behind would run on the same two cores as the engine during the measurements.
javac -d "$work/classes" -cp "$classpath" "$here/HostChatBench.java"

# A hermetic nm home whose daemon serves the model with the benchmark's threads and nm's default slots.
# The benchmark's requests all come from one origin; HEAVY's default rate limit (60 a minute) would throttle them.
origin="chrome-extension://knldjmfmopnpolahpmmgbagdohdnhkik/"
# A fresh home each run: the report reads the engine's timings from the daemon's log, which a kept directory's
# earlier run would have left behind (the log appends).
rm -rf "$work/nm-home"
export NM_HOST_HOME="$work/nm-home" NM_HOST_MODELS_DIR="$(dirname "$model")" NM_AI_THREADS="$threads"
mkdir -p "$NM_HOST_HOME"
cat >"$NM_HOST_HOME/config.json" <<EOF
{ "origins": { "$origin": { "scopes": [] } },
  "rate_limits": { "LIGHT": { "capacity": 600, "refill_per_minute": 600 },
                   "STANDARD": { "capacity": 600, "refill_per_minute": 600 },
                   "HEAVY": { "capacity": 600, "refill_per_minute": 600 } } }
EOF
"$root/bin/nm-host" daemon start >&2

"$lcp_python" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" \
  --n_threads "$threads" --n_threads_batch "$threads" --n_ctx 2048 --flash_attn true >"$work/llama-cpp-python.log" 2>&1 &
lcp_pid=$!
# llama.cpp's server configured as nm's engine: 4 slots of 2048 tokens in one context, flash attention on.
"$llama_server" -m "$model" --host 127.0.0.1 --port "$server_port" -t "$threads" -tb "$threads" -c 8192 -np 4 -fa \
  >"$work/llama-server.log" 2>&1 &
server_pid=$!
disown "$server_pid" # it aborts on SIGTERM after cleaning up ("terminate called without an active exception")
stop_servers() {
  kill "$lcp_pid" "$server_pid" 2>/dev/null || true
  "$root/bin/nm-host" daemon stop >&2 || true
}
trap 'stop_servers; [[ -n "${NM_BENCH_KEEP:-}" ]] || rm -rf "$work"' EXIT
command -v curl >/dev/null || { echo "run.sh needs curl to wait for the servers" >&2; exit 1; }
ready=
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && curl -sf "http://127.0.0.1:$server_port/health" >/dev/null &&
    ready=1 && break
  sleep 1
done
[[ -n "$ready" ]] || { echo "the servers did not answer within 120 s; see $work/*.log (NM_BENCH_KEEP keeps them)" >&2; exit 1; }

results="$work/results.jsonl"
bench="$work/llama-bench.jsonl"
: >"$results"
: >"$bench"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$work/load.txt"
run_side() {
  local round=$1 side=$2
  echo "round $round/$rounds: $side" >&2
  case $side in
    nm)
      java -cp "$work/classes:$classpath" HostChatBench "$root/bin/nm-host" "$origin" "$here/prompts.json" "$round" \
        "$ttft_samples" >>"$results" ;;
    llama-cpp-python)
      "$lcp_python" "$here/openai_chat_bench.py" "http://127.0.0.1:$port" "$here/prompts.json" "$round" "$ttft_samples" \
        llama-cpp-python >>"$results" ;;
    llama-server)
      python3 "$here/openai_chat_bench.py" "http://127.0.0.1:$server_port" "$here/prompts.json" "$round" "$ttft_samples" \
        llama-server >>"$results" ;;
    llama-bench)
      # llama-bench prefills the same token counts as nm's long and short prompts, and decodes as many tokens,
      # with flash attention on as in nm's engine and llama-server (its default is off). The counts are those of
      # nm's latest round: nm runs first in round 1.
      local sizes long_tokens short_tokens gen_tokens
      sizes=$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
latest = {r["metric"]: r for r in rows if r["side"] == "nm"}
print(latest["prompt"]["prompt_tokens"], latest["ttft"]["prompt_tokens"], latest["decode"]["completion_tokens"])' "$results")
      read -r long_tokens short_tokens gen_tokens <<<"$sizes"
      "$llama_bench" -m "$model" -t "$threads" -p "$long_tokens,$short_tokens" -n "$gen_tokens" -fa 1 -r 3 -o jsonl \
        >>"$bench" 2>>"$work/llama-bench.log" ;;
  esac
}
# The order changes each round so that no side always runs right after the same one: rounds 1-4 are the rows of a
# balanced Latin square of the four sides (each side follows each other side once), then they repeat.
sides=(nm llama-cpp-python llama-server llama-bench)
orders=("0 1 3 2" "1 2 0 3" "2 3 1 0" "3 0 2 1")
for round in $(seq "$rounds"); do
  for i in ${orders[(round - 1) % 4]}; do
    run_side "$round" "${sides[i]}"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/load.txt"

cat "$work/load.txt"
python3 "$here/report.py" "$results" "$bench" "$NM_HOST_HOME/logs/daemon.log" "$work/llama-server.log"
