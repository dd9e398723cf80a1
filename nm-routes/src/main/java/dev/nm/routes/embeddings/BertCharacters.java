package dev.nm.routes.embeddings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The character classes of Hugging Face tokenizers' {@code BertNormalizer} and {@code BertPreTokenizer}, as the
 * library itself answers for each code point ({@code bert-tables.txt}, written by
 * {@code bench/embeddings/make_bert_tables.py}).
 *
 * <p>Not {@link Character}: the library's Unicode tables are older than any JDK's and differ from them (its
 * nonspacing marks, punctuation and format characters are Unicode 8's; its NFD knows no character newer than Unicode
 * 12; it lowercases with Rust's tables), and the JDK's change with each release, so asking the JDK would give other
 * token ids than sentence-transformers, and other ids again on a newer JDK.
 */
final class BertCharacters {
  /** Deleted by clean_text. Lone surrogates too, which only a Java string can hold. */
  static final int CONTROL = 1;
  /** Turned into a space by clean_text. */
  static final int WHITESPACE = 1 << 1;
  /** Surrounded by spaces by handle_chinese_chars. */
  static final int CHINESE = 1 << 2;
  /** Deleted by strip_accents once decomposed. */
  static final int NONSPACING = 1 << 3;
  /** Has a combining class, a decomposition or a lowercase other than itself: look them up. */
  static final int MAPPED = 1 << 4;
  /** Split on, and dropped, by the pre-tokenizer. */
  static final int SPLIT = 1 << 5;
  /** A word of its own for the pre-tokenizer. */
  static final int PUNCTUATION = 1 << 6;

  private static final String RESOURCE = "bert-tables.txt";
  private static final int HANGUL_FIRST = 0xAC00;
  private static final int HANGUL_LAST = 0xD7A3;

  /** The flags of each BMP character. */
  private static final byte[] BMP = new byte[0x10000];
  /** Above the BMP: where runs of equal flags start, and their flags. */
  private static final int[] RUN_STARTS;
  private static final byte[] RUN_FLAGS;

  private static final int[] COMBINING_KEYS;
  private static final byte[] COMBINING_CLASSES;
  private static final int[] DECOMPOSITION_KEYS;
  private static final int[][] DECOMPOSITIONS;
  private static final int[] LOWERCASE_KEYS;
  private static final String[] LOWERCASES;

  static {
    Map<String, List<String>> sections = read();
    // Each class as ranges {first, last, flag}; the BMP gets a table, the rest runs of equal flags.
    List<int[]> ranges = new ArrayList<>();
    ranges.add(new int[] {Character.MIN_SURROGATE, Character.MAX_SURROGATE, CONTROL});
    addRanges(ranges, sections, "control", CONTROL);
    addRanges(ranges, sections, "whitespace", WHITESPACE);
    addRanges(ranges, sections, "chinese", CHINESE);
    addRanges(ranges, sections, "nonspacing", NONSPACING);
    addRanges(ranges, sections, "split", SPLIT);
    addRanges(ranges, sections, "punctuation", PUNCTUATION);
    List<int[]> combining = mappings(sections, "combining");
    List<int[]> decompositions = mappings(sections, "decomposition");
    List<int[]> lowercases = mappings(sections, "lowercase");
    COMBINING_KEYS = keys(combining, ranges);
    COMBINING_CLASSES = new byte[combining.size()];
    for (int i = 0; i < COMBINING_CLASSES.length; i++) {
      COMBINING_CLASSES[i] = (byte) combining.get(i)[1];
    }
    DECOMPOSITION_KEYS = keys(decompositions, ranges);
    DECOMPOSITIONS = new int[decompositions.size()][];
    for (int i = 0; i < DECOMPOSITIONS.length; i++) {
      int[] entry = decompositions.get(i);
      DECOMPOSITIONS[i] = Arrays.copyOfRange(entry, 1, entry.length);
    }
    LOWERCASE_KEYS = keys(lowercases, ranges);
    LOWERCASES = new String[lowercases.size()];
    for (int i = 0; i < LOWERCASES.length; i++) {
      int[] entry = lowercases.get(i);
      LOWERCASES[i] = new String(entry, 1, entry.length - 1);
    }
    // Above the BMP: +flag where a range starts, -flag after it ends, swept in order into runs.
    List<int[]> edges = new ArrayList<>();
    for (int[] range : ranges) {
      for (int c = range[0]; c <= Math.min(range[1], 0xFFFF); c++) {
        BMP[c] |= (byte) range[2];
      }
      if (range[1] >= 0x10000) {
        edges.add(new int[] {Math.max(range[0], 0x10000), range[2]});
        edges.add(new int[] {range[1] + 1, -range[2]});
      }
    }
    edges.sort((a, b) -> Integer.compare(a[0], b[0]));
    int[] starts = new int[edges.size() + 1];
    byte[] flags = new byte[edges.size() + 1];
    int[] open = new int[8];
    starts[0] = 0x10000;
    int runs = 1;
    for (int i = 0; i < edges.size(); i++) {
      int[] edge = edges.get(i);
      open[Integer.numberOfTrailingZeros(Math.abs(edge[1]))] += edge[1] > 0 ? 1 : -1;
      if (i + 1 < edges.size() && edges.get(i + 1)[0] == edge[0]) {
        continue;
      }
      int runFlags = 0;
      for (int bit = 0; bit < open.length; bit++) {
        runFlags |= open[bit] > 0 ? 1 << bit : 0;
      }
      if (edge[0] == starts[runs - 1]) {
        flags[runs - 1] = (byte) runFlags;
      } else if (runFlags != flags[runs - 1]) {
        starts[runs] = edge[0];
        flags[runs++] = (byte) runFlags;
      }
    }
    RUN_STARTS = Arrays.copyOf(starts, runs);
    RUN_FLAGS = Arrays.copyOf(flags, runs);
  }

  private BertCharacters() {}

  /** The flags of code point {@code c}, an or of the constants above. */
  static int flags(int c) {
    if (c < 0x10000) {
      return BMP[c];
    }
    int run = Arrays.binarySearch(RUN_STARTS, c);
    return RUN_FLAGS[run >= 0 ? run : -run - 2];
  }

  /** The canonical combining class of {@code c}, whose flags are {@code flags}: 0 for a starter. */
  static int combiningClass(int c, int flags) {
    if ((flags & MAPPED) == 0) {
      return 0;
    }
    int i = Arrays.binarySearch(COMBINING_KEYS, c);
    return i >= 0 ? COMBINING_CLASSES[i] & 0xFF : 0;
  }

  /** The canonical decomposition of {@code c} (Hangul syllables excepted), or null if it has none. */
  static int[] decomposition(int c, int flags) {
    if ((flags & MAPPED) == 0) {
      return null;
    }
    int i = Arrays.binarySearch(DECOMPOSITION_KEYS, c);
    return i >= 0 ? DECOMPOSITIONS[i] : null;
  }

  /** The lowercase of {@code c} if it is not {@code c} itself, or null. */
  static String lowercase(int c, int flags) {
    if ((flags & MAPPED) == 0) {
      return null;
    }
    int i = Arrays.binarySearch(LOWERCASE_KEYS, c);
    return i >= 0 ? LOWERCASES[i] : null;
  }

  static boolean isHangulSyllable(int c) {
    return c >= HANGUL_FIRST && c <= HANGUL_LAST;
  }

  /** Writes the conjoining jamo of Hangul syllable {@code c} to {@code out}, 0 for none: Unicode's formula. */
  static void decomposeHangul(int c, int[] out) {
    int s = c - HANGUL_FIRST;
    out[0] = 0x1100 + s / (21 * 28);
    out[1] = 0x1161 + s % (21 * 28) / 28;
    out[2] = s % 28 == 0 ? 0 : 0x11A7 + s % 28;
  }

  private static Map<String, List<String>> read() {
    Map<String, List<String>> sections = new HashMap<>();
    try (InputStream in = BertCharacters.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from nm-routes");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      List<String> section = null;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("[")) {
          section = new ArrayList<>();
          sections.put(line.substring(1, line.indexOf(']')), section);
        } else if (section != null && !line.isBlank()) {
          section.addAll(Arrays.asList(line.trim().split(" ")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sections;
  }

  private static List<String> section(Map<String, List<String>> sections, String name) {
    List<String> entries = sections.get(name);
    if (entries == null) {
      throw new IllegalStateException(RESOURCE + " has no [" + name + "] section");
    }
    return entries;
  }

  private static void addRanges(List<int[]> ranges, Map<String, List<String>> sections, String name, int flag) {
    for (String range : section(sections, name)) {
      int dash = range.indexOf('-');
      int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash), 16);
      int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1), 16);
      ranges.add(new int[] {first, last, flag});
    }
  }

  /** Entries {@code code:value,value...} as {@code {code, value, value...}}, in code order. */
  private static List<int[]> mappings(Map<String, List<String>> sections, String name) {
    List<int[]> entries = new ArrayList<>();
    for (String entry : section(sections, name)) {
      int colon = entry.indexOf(':');
      String[] values = entry.substring(colon + 1).split(",");
      int[] parsed = new int[values.length + 1];
      parsed[0] = Integer.parseInt(entry.substring(0, colon), 16);
      for (int i = 0; i < values.length; i++) {
        parsed[i + 1] = Integer.parseInt(values[i], name.equals("combining") ? 10 : 16);
      }
      entries.add(parsed);
    }
    entries.sort((a, b) -> Integer.compare(a[0], b[0]));
    return entries;
  }

  private static int[] keys(List<int[]> entries, List<int[]> ranges) {
    int[] keys = new int[entries.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = entries.get(i)[0];
      ranges.add(new int[] {keys[i], keys[i], MAPPED});
    }
    return keys;
  }
}
