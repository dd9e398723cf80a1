package dev.nm.routes.backend.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequencesTest {
  @Test
  void withoutStopSequencesEveryPiecePasses() {
    StopSequences none = new StopSequences(List.of());
    assertEquals("Paris.", none.take("Paris."));
    assertEquals("", none.flush());
    assertFalse(none.matched());
  }

  /** The text that could begin a stop sequence waits for the next piece, and is passed on when the answer ends. */
  @Test
  void aPossibleBeginningIsHeldUntilTheEndThenPassedOn() {
    StopSequences stops = new StopSequences(List.of(".\n"));
    assertEquals("The capital of France is", stops.take("The capital of France is"));
    assertEquals(" Paris", stops.take(" Paris"));
    assertEquals("", stops.take("."));
    assertEquals(".", stops.flush());
    assertFalse(stops.matched());
    assertEquals("", stops.flush());
  }

  @Test
  void aBeginningThatTheNextPieceBreaksIsPassedOnWithIt() {
    StopSequences stops = new StopSequences(List.of("Paris!"));
    assertEquals("The capital is ", stops.take("The capital is Par"));
    assertEquals("Paris.", stops.take("is."));
    assertFalse(stops.matched());
  }

  @Test
  void aMatchEndsTheTextWhereItBegins() {
    StopSequences stops = new StopSequences(List.of("Paris"));
    assertEquals("The capital is ", stops.take("The capital is Pa"));
    assertEquals("", stops.take("ris, of course"));
    assertTrue(stops.matched());
    assertEquals("", stops.flush());
    assertThrows(IllegalStateException.class, () -> stops.take("more"));
  }

  @Test
  void aMatchAcrossPiecesKeepsTheTextBeforeItInTheLastPiece() {
    StopSequences stops = new StopSequences(List.of("\n\n"));
    assertEquals("one", stops.take("one\n"));
    assertEquals("\ntwo", stops.take("two\n"));
    assertEquals("", stops.take("\nthree"));
    assertTrue(stops.matched());

    StopSequences inOnePiece = new StopSequences(List.of("\n\n"));
    assertEquals("one", inOnePiece.take("one\n"));
    assertEquals("\ntwo", inOnePiece.take("two\n\nthree"));
    assertTrue(inOnePiece.matched());
  }

  @Test
  void theEarliestOfSeveralMatchesEndsTheText() {
    StopSequences stops = new StopSequences(List.of("cd", "b", "zzz"));
    assertEquals("a", stops.take("abcd"));
    assertTrue(stops.matched());
  }

  /** "aaab" holds "aa" until it knows: the match of "aab" begins at the second a. */
  @Test
  void overlappingBeginningsAreHeldFromTheEarliestThatCouldStillMatch() {
    StopSequences stops = new StopSequences(List.of("aab"));
    assertEquals("", stops.take("aa"));
    assertEquals("a", stops.take("a"));
    assertEquals("", stops.take("b"));
    assertTrue(stops.matched());
  }

  @Test
  void noMatchBeginsInsideASurrogatePair() {
    StopSequences stops = new StopSequences(List.of("\uDE00"));
    assertEquals("\uD83D\uDE00 ok", stops.take("\uD83D\uDE00 ok"));
    assertFalse(stops.matched());
  }
}
