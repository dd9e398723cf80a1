package com.example.notes;

import dev.nm.host.relay.NativeMessagingRelay;
import java.nio.file.Path;
import java.util.List;

/**
 * What the browser starts for each port to {@code com.example.acme_notes} (the host manifest's {@code path} runs
 * {@code java -cp ... com.example.notes.NotesRelay}): it passes the port on to the running {@link NotesApp}.
 *
 * <p>When Acme Notes is not running, each request is answered with {@code BACKEND_ERROR}, "Acme Notes is not running;
 * open it and try again", until the extension closes the port. With {@code ACME_NOTES_START=1} the relay starts the
 * application instead, and waits for it to listen. {@code ACME_NOTES_PIPES=relay} makes every frame pass through the
 * relay (the fallback where the application cannot take the browser's pipes itself).
 */
public final class NotesRelay {
  static final String NOT_RUNNING = "Acme Notes is not running; open it and try again";

  private NotesRelay() {}

  public static void main(String[] args) {
    NativeMessagingRelay.Builder relay = NativeMessagingRelay.builder(AcmeNotes.paths())
        .serverName("Acme Notes")
        .handOffPipes(!"relay".equals(System.getenv("ACME_NOTES_PIPES")));
    if ("1".equals(System.getenv("ACME_NOTES_START"))) {
      relay.startServer(new ProcessBuilder(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), NotesApp.class.getName())));
    } else {
      relay.whenNotRunning(NOT_RUNNING);
    }
    System.exit(relay.build().run(args));
  }
}
