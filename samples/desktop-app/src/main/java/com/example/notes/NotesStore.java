package com.example.notes;

import java.util.ArrayList;
import java.util.List;

/**
 * The application's own service: its notes, in memory. The routes reach it through
 * {@code context.service(NotesStore.class)}; the rest of the application (its window, say) uses the same instance.
 */
public final class NotesStore {
  /** A note. */
  public record Note(int id, String text) {}

  private final List<Note> notes = new ArrayList<>();
  private int version;

  /** Adds a note; returns it with its id. */
  public synchronized Note add(String text) {
    Note note = new Note(notes.size() + 1, text);
    notes.add(note);
    version++;
    notifyAll();
    return note;
  }

  public synchronized List<Note> all() {
    return List.copyOf(notes);
  }

  /** Counts the changes so far. */
  public synchronized int version() {
    return version;
  }

  /**
   * Waits until the version passes {@code afterVersion} or {@code timeoutMillis} pass; returns the version then.
   *
   * @throws InterruptedException if the call is cancelled meanwhile
   */
  public synchronized int awaitChange(int afterVersion, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (version <= afterVersion) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return version;
  }
}
