package dev.nm.routes.backend.llama;

import java.util.List;

/**
 * Finds a generation's stop sequences in its text as it arrives piece by piece, and says what of it may be passed on:
 * everything but the end that could still begin a stop sequence, which is held back until the next piece tells. On a
 * full match the text ends where the sequence begins (the earliest match, if several); a generation that ends
 * otherwise passes on what was held back ({@link #flush}), so the pieces passed on always concatenate to the text.
 *
 * <p>llama.cpp's server matches stop sequences itself, but in streaming mode it sends what it held back with none of
 * its results: an answer ending in {@code "."} lost it to a stop sequence {@code ".\n"}. So nm gives llama.cpp no stop
 * sequence and matches them here. Positions inside a surrogate pair are never a match's start. Not thread-safe: one
 * generation's.
 */
final class StopSequences {
  private final List<String> sequences;
  private final int longest;
  private String held = "";
  private boolean matched;

  /** @param sequences non-empty strings; none for a generation with no stop sequence (then all text passes) */
  StopSequences(List<String> sequences) {
    this.sequences = List.copyOf(sequences);
    this.longest = sequences.stream().mapToInt(String::length).max().orElse(0);
  }

  /**
   * Takes the next piece of text and returns what may be passed on now, possibly nothing. Once a stop sequence has
   * matched, {@link #matched()} is true and the text has ended: what this returned last is its end.
   *
   * @throws IllegalStateException if a stop sequence matched already
   */
  String take(String piece) {
    if (matched) {
      throw new IllegalStateException("a stop sequence has ended the text already");
    }
    if (sequences.isEmpty()) {
      return piece;
    }
    held = held + piece;
    int match = firstMatch();
    if (match >= 0) {
      matched = true;
      String before = held.substring(0, match);
      held = "";
      return before;
    }
    int hold = heldFrom();
    String passed = held.substring(0, hold);
    held = held.substring(hold);
    return passed;
  }

  /** Whether a stop sequence has ended the text. */
  boolean matched() {
    return matched;
  }

  /** The text held back, to pass on when the generation ends without a match; nothing is held after. */
  String flush() {
    String rest = held;
    held = "";
    return rest;
  }

  /** Where the earliest full match in the held text begins, or -1. */
  private int firstMatch() {
    int first = -1;
    for (String sequence : sequences) {
      for (int at = held.indexOf(sequence); at >= 0 && (first < 0 || at < first); at = held.indexOf(sequence, at + 1)) {
        if (startsACharacter(at)) {
          first = at;
          break;
        }
      }
    }
    return first;
  }

  /** Where the held text's end that could still begin a stop sequence starts: its length if none could. */
  private int heldFrom() {
    for (int at = Math.max(0, held.length() - longest + 1); at < held.length(); at++) {
      if (startsACharacter(at) && beginsASequence(at)) {
        return at;
      }
    }
    return held.length();
  }

  /** Whether the held text from {@code at} to its end is the beginning of a stop sequence (shorter than it). */
  private boolean beginsASequence(int at) {
    int length = held.length() - at;
    for (String sequence : sequences) {
      if (sequence.length() > length && sequence.regionMatches(0, held, at, length)) {
        return true;
      }
    }
    return false;
  }

  private boolean startsACharacter(int at) {
    return at == 0 || !(Character.isLowSurrogate(held.charAt(at)) && Character.isHighSurrogate(held.charAt(at - 1)));
  }
}
