"""Prints the LLM benchmark's markdown table from one run's results.

    python report.py RESULTS_JSONL LLAMA_BENCH_JSONL DAEMON_LOG LLAMA_SERVER_LOG

RESULTS_JSONL holds the lines of HostChatBench.java and openai_chat_bench.py (llama-cpp-python's and llama.cpp's
servers), every round; LLAMA_BENCH_JSONL
holds llama-bench's `-o jsonl` lines, one per test and round; DAEMON_LOG is the nm daemon's log, where the
llama.cpp server inside it prints its own timings of every generation, as llama-server does in LLAMA_SERVER_LOG. Every figure is the median over rounds;
time to first token, of which each round takes several samples, the median over all of them.
"""

import json
import re
import statistics
import sys

SERVER_TIMINGS = re.compile(
    r"prompt eval time =\s*([\d.]+) ms /\s*(\d+) tokens.*\n\s*eval time =\s*([\d.]+) ms /\s*(\d+) tokens")


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def verdict(ratio, goal):
    """Whether the unrounded ratio reaches the goal: 0.9451 printed as 0.945 does not meet 0.95."""
    return f">= {goal}x: {'met' if ratio >= goal else 'not met'}"


def median(rows, side, metric, field):
    values = [row[field] for row in rows if row["side"] == side and row["metric"] == metric]
    if not values:
        raise SystemExit(f"no {side} {metric} results")
    return statistics.median(values), len(values)


def llama_bench(rows, n_prompt, n_gen, field):
    values = [row[field] for row in rows if row["n_prompt"] == n_prompt and row["n_gen"] == n_gen]
    if not values:
        raise SystemExit(f"no llama-bench result for pp{n_prompt} tg{n_gen}")
    return statistics.median(values)


def server_timings(log_file):
    """The llama.cpp server's (prompt ms, prompt tokens, decode ms, decoded tokens) of each generation, in order."""
    with open(log_file, encoding="utf-8") as f:
        return [(float(a), int(b), float(c), int(d)) for a, b, c, d in SERVER_TIMINGS.findall(f.read())]


def engine_figures(timings, long_tokens):
    """The engine's prompt tok/s and decode tok/s per round, in order.

    Each round's long prompt is the only one of long_tokens tokens and its decode request comes right after it.
    """
    long = [i for i, (_, tokens, _, _) in enumerate(timings) if tokens == long_tokens]
    prompt = [timings[i][1] / timings[i][0] * 1e3 for i in long]
    decode = [(timings[i + 1][3] - 1) / timings[i + 1][2] * 1e3 for i in long]
    return prompt, decode


def ttft_over_prefill(results, side, timings, short_tokens):
    """The server's own prefill ms of each of side's TTFT samples, and the median of TTFT minus that prefill.

    The TTFT samples are the only requests of short_tokens tokens that decode a single token.
    """
    prefill = [ms for ms, tokens, _, decoded in timings if tokens == short_tokens and decoded == 1]
    ttfts = [row["ttft_ms"] for row in results if row["side"] == side and row["metric"] == "ttft"]
    return prefill, statistics.median(ttft - ms for ttft, ms in zip(ttfts, prefill, strict=True))


def main():
    results = read_lines(sys.argv[1])
    bench = read_lines(sys.argv[2])
    timings = server_timings(sys.argv[3])
    llama_server_timings = server_timings(sys.argv[4])
    nm, lcp, server = "nm", "llama-cpp-python", "llama-server"

    long_tokens = int(median(results, nm, "prompt", "prompt_tokens")[0])
    short_tokens = int(median(results, nm, "ttft", "prompt_tokens")[0])
    gen_tokens = int(median(results, nm, "decode", "completion_tokens")[0])
    rounds = median(results, nm, "prompt", "prompt_tok_s")[1]
    ttft_samples = median(results, nm, "ttft", "ttft_ms")[1] // rounds

    nm_pp = median(results, nm, "prompt", "prompt_tok_s")[0]
    lcp_pp = median(results, lcp, "prompt", "prompt_tok_s")[0]
    lcp_long_tokens = int(median(results, lcp, "prompt", "prompt_tokens")[0])
    bench_pp = llama_bench(bench, long_tokens, 0, "avg_ts")
    server_pp = median(results, server, "prompt", "prompt_tok_s")[0]
    server_long_tokens = int(median(results, server, "prompt", "prompt_tokens")[0])

    nm_tg = median(results, nm, "decode", "decode_tok_s")[0]
    lcp_tg = median(results, lcp, "decode", "decode_tok_s")[0]
    bench_tg = llama_bench(bench, 0, gen_tokens, "avg_ts")
    server_tg = median(results, server, "decode", "decode_tok_s")[0]

    nm_ttft = median(results, nm, "ttft", "ttft_ms")[0]
    lcp_ttft = median(results, lcp, "ttft", "ttft_ms")[0]
    server_ttft = median(results, server, "ttft", "ttft_ms")[0]
    prefill_ms = llama_bench(bench, short_tokens, 0, "avg_ns") / 1e6

    engine_pp, engine_tg = engine_figures(timings, long_tokens)
    engine_prefill, overhead_ms = ttft_over_prefill(results, nm, timings, short_tokens)
    _, server_overhead_ms = ttft_over_prefill(results, server, llama_server_timings, short_tokens)
    engine_pp, engine_tg, engine_prefill_ms = map(statistics.median, (engine_pp, engine_tg, engine_prefill))

    one = median(results, nm, "one_stream", "tok_s")[0]
    four = median(results, nm, "four_streams", "tok_s")[0]
    ones = [row["tok_s"] for row in results if row["side"] == nm and row["metric"] == "one_stream"]
    fours = [row["tok_s"] for row in results if row["side"] == nm and row["metric"] == "four_streams"]
    scaling = statistics.median(f / o for f, o in zip(fours, ones, strict=True))

    print(f"{bench[0]['n_threads']} threads, CPU {bench[0]['cpu_info']}; medians of {rounds} rounds "
          f"(llama-bench: of each round's mean of 3 repetitions; time to first token: of {ttft_samples} requests "
          f"a round).")
    print(f"Prompts: long = {long_tokens} tokens through nm ({server_long_tokens} through llama-server, "
          f"{lcp_long_tokens} through llama-cpp-python), short = {short_tokens} tokens; decode = {gen_tokens} tokens, "
          "greedy.")
    print()
    print("| measure | nm, host client | nm's engine alone (server timings) | llama.cpp's server, HTTP "
          "| nm / llama.cpp's server | llama-bench | nm / llama-bench (goal) | llama-cpp-python, HTTP "
          "| nm / llama-cpp-python (goal) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| prompt tok/s ({long_tokens}-token prompt) | {nm_pp:.1f} | {engine_pp:.1f} | {server_pp:.1f} "
          f"| {nm_pp / server_pp:.3f}x | {bench_pp:.1f} | {nm_pp / bench_pp:.3f}x ({verdict(nm_pp / bench_pp, 0.95)}) "
          f"| {lcp_pp:.1f} | {nm_pp / lcp_pp:.3f}x ({verdict(nm_pp / lcp_pp, 1.0)}) |")
    print(f"| decode tok/s ({gen_tokens} tokens) | {nm_tg:.1f} | {engine_tg:.1f} | {server_tg:.1f} "
          f"| {nm_tg / server_tg:.3f}x | {bench_tg:.1f} | {nm_tg / bench_tg:.3f}x ({verdict(nm_tg / bench_tg, 0.95)}) "
          f"| {lcp_tg:.1f} | {nm_tg / lcp_tg:.3f}x ({verdict(nm_tg / lcp_tg, 1.0)}) |")
    print(f"| time to first token, ms ({short_tokens}-token prompt) | {nm_ttft:.1f} | {engine_prefill_ms:.1f} (prefill) "
          f"| {server_ttft:.1f} | {nm_ttft - server_ttft:+.1f} ms | {prefill_ms:.1f} (prefill) "
          f"| {nm_ttft - prefill_ms:+.1f} ms (llama-bench's prefill; the goal is judged below) | {lcp_ttft:.1f} | |")
    print()
    print(f"nm's time to first token over its own engine's prefill of the same request: {overhead_ms:+.1f} ms "
          f"(median of the differences of {len(engine_prefill)} requests; goal <= +5 ms); llama.cpp's server over its own: "
          f"{server_overhead_ms:+.1f} ms. End to end, with no engine timer between them (nm's work during the prefill, which "
          f"that timer counts as prefill, included): nm's client saw its first token {nm_ttft - server_ttft:+.1f} ms after "
          f"llama.cpp's server's client did.")
    print()
    print("| nm, streamed chat of the decode prompt | tok/s |")
    print("|---|---:|")
    print(f"| 1 stream (completion tokens / request time) | {one:.1f} |")
    print(f"| 4 concurrent streams, aggregate | {four:.1f} |")
    print(f"| 4 streams / 1 stream, median of each round's ratio (goal >= 2x) | {scaling:.2f}x |")


if __name__ == "__main__":
    main()
