package dev.nm.routes.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT WordPiece tokenizer described by a Hugging Face {@code tokenizer.json}, in pure Java: the same token
 * ids as the {@code tokenizers} library for {@code BertNormalizer} + {@code BertPreTokenizer} + {@code WordPiece}
 * + a {@code [CLS] $A [SEP]} template, which is what sentence-transformers' BERT-family models ship. Characters
 * are classed as the library classes them ({@link BertCharacters}), not as {@link Character} does.
 *
 * <p>Written here rather than taken from DJL's binding because DJL downloads its native library for Linux at
 * run time, and a host must work offline. Immutable and thread-safe.
 */
public final class BertTokenizer {
  private final Map<String, Integer> vocab;
  private final Map<String, Integer> addedTokens;
  private final String continuingPrefix;
  private final int unknownId;
  private final int maxCharsPerWord;
  private final int clsId;
  private final int sepId;
  private final boolean cleanText;
  private final boolean handleChineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;

  private BertTokenizer(JsonNode root) {
    JsonNode model = root.path("model");
    require("WordPiece".equals(model.path("type").asText()), "model.type is not WordPiece");
    require("BertNormalizer".equals(root.path("normalizer").path("type").asText()), "normalizer is not BertNormalizer");
    require(
        "BertPreTokenizer".equals(root.path("pre_tokenizer").path("type").asText()),
        "pre_tokenizer is not BertPreTokenizer");
    vocab = new HashMap<>();
    model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    require(!vocab.isEmpty(), "model.vocab is empty");
    addedTokens = new LinkedHashMap<>();
    for (JsonNode token : root.path("added_tokens")) {
      String content = token.path("content").asText();
      // An empty one would be found at every place in every text, and tokenizing would never end.
      require(!content.isEmpty(), "added_tokens holds a token of empty content (id " + token.path("id").asInt() + ")");
      addedTokens.put(content, token.path("id").asInt());
    }
    continuingPrefix = model.path("continuing_subword_prefix").asText("##");
    unknownId = idOf(model.path("unk_token").asText("[UNK]"));
    maxCharsPerWord = model.path("max_input_chars_per_word").asInt(100);
    clsId = idOf("[CLS]");
    sepId = idOf("[SEP]");
    JsonNode normalizer = root.path("normalizer");
    cleanText = normalizer.path("clean_text").asBoolean(true);
    handleChineseChars = normalizer.path("handle_chinese_chars").asBoolean(true);
    lowercase = normalizer.path("lowercase").asBoolean(true);
    JsonNode strip = normalizer.path("strip_accents");
    // Like the tokenizers library: accents follow lowercasing unless strip_accents says otherwise.
    stripAccents = strip.isBoolean() ? strip.booleanValue() : lowercase;
  }

  /**
   * Reads a {@code tokenizer.json}.
   *
   * @throws IOException if the file cannot be read, or describes a tokenizer other than BERT WordPiece
   */
  public static BertTokenizer load(Path tokenizerJson) throws IOException {
    JsonNode root = Json.mapper().readTree(tokenizerJson.toFile());
    try {
      return new BertTokenizer(root);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          tokenizerJson + " is not a BERT WordPiece tokenizer (" + e.getMessage() + "); nm runs only those", e);
    }
  }

  /**
   * The token ids of {@code text} as the model reads it: {@code [CLS]}, the text's word pieces cut to fit, and
   * {@code [SEP]}.
   *
   * @param maxTokens the most ids to return, special tokens included; at least 2
   */
  public int[] encode(String text, int maxTokens) {
    if (maxTokens < 2) {
      throw new IllegalArgumentException("maxTokens must be at least 2, was " + maxTokens);
    }
    List<Integer> pieces = wordPieces(text, maxTokens - 2);
    int kept = Math.min(pieces.size(), maxTokens - 2);
    int[] ids = new int[kept + 2];
    ids[0] = clsId;
    for (int i = 0; i < kept; i++) {
      ids[i + 1] = pieces.get(i);
    }
    ids[ids.length - 1] = sepId;
    return ids;
  }

  /** The word-piece ids of {@code text}, without special tokens or truncation. */
  List<Integer> wordPieces(String text) {
    return wordPieces(text, Integer.MAX_VALUE);
  }

  /**
   * The word-piece ids of {@code text}, without special tokens, from the first on until there are at least
   * {@code enough} (the rest cannot change them). The added tokens ({@code [SEP]}...) are found in the text as it
   * is, the leftmost first and the longest of those, and the text between them is normalized and split into words.
   */
  private List<Integer> wordPieces(String text, int enough) {
    List<Integer> ids = new ArrayList<>();
    String[] tokens = addedTokens.keySet().toArray(String[]::new);
    int[] next = new int[tokens.length]; // where each token is found next, -1 if nowhere
    for (int t = 0; t < tokens.length; t++) {
      next[t] = text.indexOf(tokens[t]);
    }
    int start = 0;
    while (start < text.length() && ids.size() < enough) {
      int addedAt = text.length();
      int added = -1;
      for (int t = 0; t < tokens.length; t++) {
        if (next[t] >= 0 && next[t] < start) {
          next[t] = text.indexOf(tokens[t], start);
        }
        if (next[t] >= 0
            && (next[t] < addedAt || next[t] == addedAt && tokens[t].length() > tokens[added].length())) {
          addedAt = next[t];
          added = t;
        }
      }
      appendWords(normalize(text.substring(start, addedAt)), ids, enough);
      if (added < 0 || ids.size() >= enough) {
        break;
      }
      ids.add(addedTokens.get(tokens[added]));
      start = addedAt + tokens[added].length();
    }
    return ids;
  }

  /**
   * BertNormalizer: deletes control characters and turns whitespace into spaces (clean_text), surrounds CJK
   * ideographs with spaces (handle_chinese_chars), decomposes (NFD) and deletes nonspacing marks (strip_accents),
   * lowercases, each with the tokenizers library's own character tables ({@link BertCharacters}).
   */
  String normalize(String text) {
    Normalized out = new Normalized(text.length());
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      int flags = BertCharacters.flags(c);
      if (cleanText && (flags & BertCharacters.CONTROL) != 0) {
        continue;
      }
      if (cleanText && (flags & BertCharacters.WHITESPACE) != 0) {
        c = ' ';
        flags = BertCharacters.flags(c);
      }
      if (handleChineseChars && (flags & BertCharacters.CHINESE) != 0) {
        add(' ', out);
        add(c, out);
        add(' ', out);
      } else {
        add(c, out);
      }
    }
    appendMarks(out);
    return out.text.toString();
  }

  /** Appends {@code c}, decomposed and without its nonspacing marks if accents are stripped, and lowercased. */
  private void add(int c, Normalized out) {
    int flags = BertCharacters.flags(c);
    if (!stripAccents) {
      appendLowercase(c, flags, out.text);
      return;
    }
    if (BertCharacters.isHangulSyllable(c)) {
      int[] jamo = out.jamo;
      BertCharacters.decomposeHangul(c, jamo);
      for (int j = 0; j < 3 && jamo[j] != 0; j++) {
        addDecomposed(jamo[j], out);
      }
      return;
    }
    int[] decomposition = BertCharacters.decomposition(c, flags);
    if (decomposition == null) {
      addDecomposed(c, out);
    } else {
      for (int part : decomposition) {
        addDecomposed(part, out);
      }
    }
  }

  /**
   * Appends a character of NFD's output unless it is a nonspacing mark. NFD puts each run of marks in the order of
   * their combining classes; the marks that survive keep that order among themselves, so only they are ordered:
   * held until their run ends, then sorted once (one at a time into place, a long run took quadratic time).
   */
  private void addDecomposed(int c, Normalized out) {
    int flags = BertCharacters.flags(c);
    int combiningClass = BertCharacters.combiningClass(c, flags);
    if (combiningClass == 0) {
      appendMarks(out);
    }
    if ((flags & BertCharacters.NONSPACING) != 0) {
      return;
    }
    if (combiningClass == 0) {
      appendLowercase(c, flags, out.text);
    } else {
      out.holdMark(c, combiningClass);
    }
  }

  /** Appends the marks held, in the order of their combining classes, those of one class in the order they came. */
  private void appendMarks(Normalized out) {
    if (out.marks == 0) {
      return;
    }
    long[] order = new long[out.marks];
    for (int i = 0; i < out.marks; i++) {
      order[i] = (long) out.markClasses[i] << 32 | i; // the index breaks ties: a stable sort
    }
    Arrays.sort(order);
    for (long key : order) {
      int c = out.markCodePoints[(int) key];
      appendLowercase(c, BertCharacters.flags(c), out.text);
    }
    out.marks = 0;
  }

  private void appendLowercase(int c, int flags, StringBuilder out) {
    String lower = lowercase ? BertCharacters.lowercase(c, flags) : null;
    if (lower != null) {
      out.append(lower);
    } else {
      out.appendCodePoint(c);
    }
  }

  /** The text normalized so far, and the combining marks at its end that NFD orders. */
  private static final class Normalized {
    final StringBuilder text;
    final int[] jamo = new int[3];
    /** The marks of the run being read, not yet appended. */
    int marks;
    int[] markCodePoints = new int[4];
    int[] markClasses = new int[4];

    Normalized(int length) {
      text = new StringBuilder(length + 16);
    }

    void holdMark(int c, int combiningClass) {
      if (marks == markCodePoints.length) {
        markCodePoints = Arrays.copyOf(markCodePoints, marks * 2);
        markClasses = Arrays.copyOf(markClasses, marks * 2);
      }
      markCodePoints[marks] = c;
      markClasses[marks] = combiningClass;
      marks++;
    }
  }

  /**
   * BertPreTokenizer, then WordPiece: splits normalized text on whitespace (dropped) and around each punctuation
   * character (kept as its own word), with the tokenizers library's tables, and appends the words' pieces until
   * there are at least {@code enough}.
   */
  private void appendWords(String text, List<Integer> ids, int enough) {
    int wordStart = 0;
    for (int i = 0; i < text.length() && ids.size() < enough; ) {
      int c = text.codePointAt(i);
      int next = i + Character.charCount(c);
      int flags = BertCharacters.flags(c);
      if ((flags & (BertCharacters.SPLIT | BertCharacters.PUNCTUATION)) != 0) {
        if (wordStart < i) {
          appendWordPieces(text.substring(wordStart, i), ids);
        }
        if ((flags & BertCharacters.SPLIT) == 0 && ids.size() < enough) {
          appendWordPieces(text.substring(i, next), ids);
        }
        wordStart = next;
      }
      i = next;
    }
    if (wordStart < text.length() && ids.size() < enough) {
      appendWordPieces(text.substring(wordStart), ids);
    }
  }

  /** Greedy longest-match-first; a word with any piece missing from the vocabulary is one unknown token. */
  private void appendWordPieces(String word, List<Integer> ids) {
    if (word.codePointCount(0, word.length()) > maxCharsPerWord) {
      ids.add(unknownId);
      return;
    }
    int mark = ids.size();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      Integer id = null;
      while (start < end) {
        String piece = start == 0 ? word.substring(start, end) : continuingPrefix + word.substring(start, end);
        id = vocab.get(piece);
        if (id != null) {
          break;
        }
        end = Character.isLowSurrogate(word.charAt(end - 1)) ? end - 2 : end - 1;
      }
      if (id == null) {
        ids.subList(mark, ids.size()).clear();
        ids.add(unknownId);
        return;
      }
      ids.add(id);
      start = end;
    }
  }

  private int idOf(String token) {
    Integer id = addedTokens.containsKey(token) ? addedTokens.get(token) : vocab.get(token);
    require(id != null, "no token " + token);
    return id;
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(problem);
    }
  }
}
