package com.example.textstats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.textstats.TextStatsRoute.Reply;
import com.example.textstats.TextStatsRoute.Request;
import com.example.textstats.TextStatsRoute.WordCount;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counting rules, called directly; the declared cases run through a host in {@link TextStatsCasesTest}. */
class TextStatsRouteTest {
  private final TextStatsRoute route = new TextStatsRoute();

  @Test
  void tiesAreListedAlphabeticallyAndTopCutsTheList() {
    Reply reply = route.handle(new Request("b a c b a c d", 3), null);

    assertEquals(List.of(new WordCount("a", 2), new WordCount("b", 2), new WordCount("c", 2)), reply.top());
  }

  @Test
  void wordsSkipPunctuationAndKeepApostrophesAndDecimals() {
    Reply reply = route.handle(new Request("Don't panic: pi is 3.14, not 3!", null), null);

    assertEquals(7, reply.words());
    assertEquals(
        List.of("3", "3.14", "don't", "is", "not", "panic", "pi"),
        reply.top().stream().map(WordCount::word).toList());
  }

  @Test
  void aFinalLineBreakDoesNotStartALine() {
    assertEquals(2, route.handle(new Request("one\r\ntwo\n", null), null).lines());
  }
}
