package dev.nm.routes.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT WordPiece tokenizer described by a Hugging Face {@code tokenizer.json}, in pure Java: the same token
 * ids as the {@code tokenizers} library for {@code BertNormalizer} + {@code BertPreTokenizer} + {@code WordPiece}
 * + a {@code [CLS] $A [SEP]} template, which is what sentence-transformers' BERT-family models ship.
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
      addedTokens.put(token.path("content").asText(), token.path("id").asInt());
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
    List<Integer> pieces = wordPieces(text);
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
    List<Integer> ids = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int addedAt = text.length();
      String added = null;
      for (String token : addedTokens.keySet()) {
        int at = text.indexOf(token, start);
        if (at >= 0 && at < addedAt) {
          addedAt = at;
          added = token;
        }
      }
      for (String word : words(normalize(text.substring(start, addedAt)))) {
        appendWordPieces(word, ids);
      }
      if (added == null) {
        break;
      }
      ids.add(addedTokens.get(added));
      start = addedAt + added.length();
    }
    return ids;
  }

  private String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints()
        .forEach(
            c -> {
              if (cleanText && (c == 0 || c == 0xFFFD || isControl(c))) {
                return;
              }
              if (cleanText && isWhitespace(c)) {
                out.append(' ');
              } else if (handleChineseChars && isChineseChar(c)) {
                out.append(' ').appendCodePoint(c).append(' ');
              } else {
                out.appendCodePoint(c);
              }
            });
    String normalized = out.toString();
    if (stripAccents) {
      normalized =
          Normalizer.normalize(normalized, Normalizer.Form.NFD).codePoints()
              .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
              .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
              .toString();
    }
    return lowercase ? lowercase(normalized) : normalized;
  }

  /**
   * Lowercases each character on its own, as Rust's {@code char::to_lowercase} does in the tokenizers library:
   * unlike {@code String.toLowerCase}, a capital sigma at the end of a word becomes σ, not ς.
   */
  private static String lowercase(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (c == 0x130) {
        out.append("i\u0307"); // İ, the one character whose lowercase is two
      } else {
        out.appendCodePoint(Character.toLowerCase(c));
      }
    }
    return out.toString();
  }

  /** Splits on whitespace (dropped) and around each punctuation character (kept as its own word). */
  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                flush(word, words);
              } else if (isPunctuation(c)) {
                flush(word, words);
                words.add(Character.toString(c));
              } else {
                word.appendCodePoint(c);
              }
            });
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
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

  private static boolean isWhitespace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.SPACE_SEPARATOR;
  }

  /**
   * Control, format and private-use characters, which clean_text deletes. Not unassigned ones: the tokenizers
   * library keeps those (as unknown tokens), and what is unassigned depends on the JDK's Unicode version. A lone
   * surrogate, which only a Java string can hold, goes too.
   */
  private static boolean isControl(int c) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return false;
    }
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.PRIVATE_USE
        || type == Character.SURROGATE;
  }

  private static boolean isPunctuation(int c) {
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
      return true;
    }
    int type = Character.getType(c);
    return type == Character.CONNECTOR_PUNCTUATION
        || type == Character.DASH_PUNCTUATION
        || type == Character.START_PUNCTUATION
        || type == Character.END_PUNCTUATION
        || type == Character.INITIAL_QUOTE_PUNCTUATION
        || type == Character.FINAL_QUOTE_PUNCTUATION
        || type == Character.OTHER_PUNCTUATION;
  }

  /**
   * The CJK Unified Ideographs blocks, which BERT splits into one word per character: the tokenizers library's
   * ranges, which start Extension E at U+2B920 rather than U+2B820, so U+2B820..U+2B91F are not among them.
   */
  private static boolean isChineseChar(int c) {
    return (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0x3400 && c <= 0x4DBF)
        || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F)
        || (c >= 0x2B740 && c <= 0x2B81F)
        || (c >= 0x2B920 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0x2F800 && c <= 0x2FA1F);
  }
}
