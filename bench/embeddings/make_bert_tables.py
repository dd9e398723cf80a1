"""Writes the character tables that nm's BertTokenizer uses, probed from Hugging Face tokenizers itself.

The tokenizers library classifies characters with its own Unicode tables, older than the JDK's and different
from them: which characters clean_text deletes (control and format characters), which strip_accents deletes
(nonspacing marks) and how it decomposes and orders them (NFD), what the pre-tokenizer isolates (punctuation),
how it lowercases. A tokenizer that asked the JDK's java.lang.Character would give other ids for the characters
whose Unicode version differs, and other ids again on each newer JDK. So this script asks the library about every
code point, one at a time, and writes what it answers:

    python3 -m venv /tmp/tok && /tmp/tok/bin/pip install tokenizers==0.23.3
    /tmp/tok/bin/python bench/embeddings/make_bert_tables.py \\
        nm-routes/src/main/resources/dev/nm/routes/embeddings/bert-tables.txt

Python's own unicodedata (3.11 or newer) supplies only the candidate combining classes, which the script checks
against the library's NFD; everything else comes from the library.
"""

import sys
import unicodedata

import tokenizers
from tokenizers import normalizers, pre_tokenizers

CODE_POINTS = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)  # decomposed by formula, in every Unicode version


def bert(clean=False, chinese=False, strip=False, lower=False):
    return normalizers.BertNormalizer(
        clean_text=clean, handle_chinese_chars=chinese, strip_accents=strip, lowercase=lower
    )


def ranges(code_points):
    out = []
    for c in sorted(code_points):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return ["%x" % a if a == b else "%x-%x" % (a, b) for a, b in out]


def sequence(text):
    return ",".join("%x" % ord(ch) for ch in text)


def main(out_path):
    clean = bert(clean=True)
    cleaned = {c: clean.normalize_str(chr(c)) for c in CODE_POINTS}
    control = [c for c in CODE_POINTS if cleaned[c] == ""]
    whitespace = [c for c in CODE_POINTS if cleaned[c] == " "]
    assert all(cleaned[c] in ("", " ", chr(c)) for c in CODE_POINTS)

    chinese_normalizer = bert(chinese=True)
    chinese = [c for c in CODE_POINTS if chinese_normalizer.normalize_str(chr(c)) != chr(c)]
    assert all(chinese_normalizer.normalize_str(chr(c)) == " %s " % chr(c) for c in chinese)

    pre = pre_tokenizers.BertPreTokenizer()
    split, punctuation = [], []
    for c in CODE_POINTS:
        words = [w for w, _ in pre.pre_tokenize_str("a%sb" % chr(c))]
        if words == ["a", "b"]:
            split.append(c)
        elif words == ["a", chr(c), "b"]:
            punctuation.append(c)
        else:
            assert words == ["a%sb" % chr(c)], (hex(c), words)

    nfd = normalizers.NFD()
    decomposition = {}
    for c in CODE_POINTS:
        d = nfd.normalize_str(chr(c))
        if d != chr(c):
            assert d == unicodedata.normalize("NFD", chr(c)), "Python's Unicode is older than the library's"
            decomposition[c] = d
    hangul = [c for c in decomposition if c in HANGUL_SYLLABLES]
    assert len(hangul) == len(HANGUL_SYLLABLES)

    # The combining classes the library's NFD orders by: Python's, for the marks the library knows (it orders
    # them against an old mark of another class), none for those it does not (it leaves them in place).
    combining = {}
    acute, grave_below = "\u0301", "\u0316"  # classes 230 and 220, Unicode 1.1
    for c in CODE_POINTS:
        k = unicodedata.combining(chr(c))
        if not k or c in decomposition:
            continue
        mark = chr(c)
        if k < 230:
            probe, ordered = "a" + acute + mark, "a" + mark + acute
        elif k == 230:
            probe, ordered = "a" + mark + grave_below, "a" + grave_below + mark
        else:
            probe, ordered = "a" + mark + acute, "a" + acute + mark
        got = nfd.normalize_str(probe)
        assert got in (probe, ordered), hex(c)
        if got == ordered:
            combining[c] = k

    strip = bert(strip=True)
    nonspacing = [c for c in CODE_POINTS if c not in decomposition and strip.normalize_str(chr(c)) == ""]
    assert all(strip.normalize_str(chr(c)) == chr(c) for c in combining if c not in nonspacing)

    lower = bert(lower=True)
    lowercase = {}
    for c in CODE_POINTS:
        low = lower.normalize_str(chr(c))
        if low != chr(c):
            lowercase[c] = low

    sections = [
        ("control", "deleted by clean_text: control, format and private-use characters, NUL, U+FFFD", ranges(control)),
        ("whitespace", "turned into a space by clean_text", ranges(whitespace)),
        ("chinese", "surrounded by spaces by handle_chinese_chars", ranges(chinese)),
        ("nonspacing", "deleted by strip_accents after NFD", ranges(nonspacing)),
        (
            "combining",
            "canonical combining classes that NFD orders marks by (none: 0)",
            ["%x:%d" % (c, k) for c, k in sorted(combining.items())],
        ),
        (
            "decomposition",
            "NFD of one character, Hangul syllables excepted",
            ["%x:%s" % (c, sequence(d)) for c, d in sorted(decomposition.items()) if c not in HANGUL_SYLLABLES],
        ),
        ("lowercase", "lowercase of one character", ["%x:%s" % (c, sequence(d)) for c, d in sorted(lowercase.items())]),
        ("split", "split on by BertPreTokenizer", ranges(split)),
        ("punctuation", "isolated by BertPreTokenizer", ranges(punctuation)),
    ]
    with open(out_path, "w", encoding="ascii") as out:
        out.write("# The character classes of Hugging Face tokenizers %s's BertNormalizer and BertPreTokenizer, asked\n"
                  % tokenizers.__version__)
        out.write("# one code point at a time by bench/embeddings/make_bert_tables.py; do not edit. Hexadecimal code\n")
        out.write("# points; a range is first-last, a mapping is code:class or code:code,code...\n")
        for name, what, entries in sections:
            out.write("\n[%s] %d, %s\n" % (name, len(entries), what))
            line = ""
            for entry in entries:
                if len(line) + 1 + len(entry) > 116:
                    out.write(line + "\n")
                    line = ""
                line = entry if not line else line + " " + entry
            if line:
                out.write(line + "\n")
    print("wrote %s: %s" % (out_path, ", ".join("%s %d" % (name, len(entries)) for name, _, entries in sections)))


if __name__ == "__main__":
    main(sys.argv[1])
