package com.example.textstats;

import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.text.BreakIterator;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Counts the words, characters, lines and sentences of a text and lists its most frequent words. Words and
 * sentences follow the Unicode boundary rules of {@link BreakIterator}; characters are code points, so an
 * emoji counts once.
 */
@NativeRoute(name = "text_stats", tags = "text", rateTier = RateTier.LIGHT)
@ValidCase(
    name = "counts words, sentences, lines and the most frequent words",
    request = "{\"text\": \"The cat sat. The cat ran!\\nThe end\", \"top\": 2}",
    expect = {
      @Expect(path = "/words", equalTo = "8"),
      @Expect(path = "/sentences", equalTo = "3"),
      @Expect(path = "/lines", equalTo = "2"),
      @Expect(path = "/top", equalTo = "[{\"word\": \"the\", \"count\": 3}, {\"word\": \"cat\", \"count\": 2}]")
    })
@ValidCase(
    name = "counts characters as code points",
    request = "{\"text\": \"naïve café 😀\"}",
    expect = {@Expect(path = "/characters", equalTo = "12"), @Expect(path = "/words", equalTo = "2")})
@ValidCase(
    name = "an empty text has nothing to count",
    request = "{\"text\": \"\"}",
    expect = {@Expect(path = "/words", equalTo = "0"), @Expect(path = "/lines", equalTo = "0"), @Expect(path = "/top", equalTo = "[]")})
@InvalidCase(name = "text is required", request = "{}", field = "text")
@InvalidCase(name = "top above 50", request = "{\"text\": \"a\", \"top\": 51}", field = "top")
@InvalidCase(name = "top below 1", request = "{\"text\": \"a\", \"top\": 0}", field = "top")
public final class TextStatsRoute implements RouteHandler<TextStatsRoute.Request, TextStatsRoute.Reply> {
  /** Longest text accepted, in UTF-16 units: a long article. */
  public static final int MAX_TEXT_LENGTH = 1_000_000;

  /**
   * @param text the text to measure
   * @param top how many of the most frequent words to list; 10 if absent
   */
  public record Request(@NotNull @Size(max = MAX_TEXT_LENGTH) String text, @Min(1) @Max(50) Integer top) {}

  /**
   * @param words words, by Unicode word boundaries (punctuation and spaces are not words)
   * @param characters Unicode code points
   * @param lines lines, a final line break not starting a new one
   * @param sentences sentences, by Unicode sentence boundaries
   * @param top the most frequent words, lowercased, most frequent first, ties alphabetically
   */
  public record Reply(int words, int characters, int lines, int sentences, List<WordCount> top) {}

  /** How often a word occurs. */
  public record WordCount(String word, int count) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    String text = request.text();
    Map<String, Integer> counts = new TreeMap<>();
    int words = segments(text, BreakIterator.getWordInstance(Locale.ROOT), word -> counts.merge(word.toLowerCase(Locale.ROOT), 1, Integer::sum));
    int sentences = segments(text, BreakIterator.getSentenceInstance(Locale.ROOT), sentence -> {});
    List<WordCount> top =
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
            .limit(request.top() == null ? 10 : request.top())
            .map(entry -> new WordCount(entry.getKey(), entry.getValue()))
            .toList();
    return new Reply(words, text.codePointCount(0, text.length()), (int) text.lines().count(), sentences, top);
  }

  /** Counts the segments holding a letter or digit, and passes each to {@code onSegment}. */
  private static int segments(String text, BreakIterator boundaries, Consumer<String> onSegment) {
    boundaries.setText(text);
    int count = 0;
    for (int start = boundaries.first(), end = boundaries.next(); end != BreakIterator.DONE; start = end, end = boundaries.next()) {
      String segment = text.substring(start, end);
      if (segment.codePoints().anyMatch(Character::isLetterOrDigit)) {
        onSegment.accept(segment);
        count++;
      }
    }
    return count;
  }
}
