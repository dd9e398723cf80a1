package dev.nm.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.nm.host.NativeMessagingServer;
import dev.nm.protocol.Json;
import dev.nm.route.DeclaredCase;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The server and client that the declared cases of one test factory share; started by the first case.
 *
 * <p>JUnit closes a factory's stream once it has handed out the dynamic tests, and under parallel execution
 * that is before they all ran: a case running then finishes on the shared server, which closes after the last
 * such case, and a case starting after that runs on a server of its own.
 */
final class CaseSession implements AutoCloseable {
  private final Supplier<NativeMessagingServer> serverFactory;
  private final String origin;
  private final Duration timeout;
  private NativeMessagingServer server;
  private NmClient client;
  private RuntimeException startFailure;
  private int running;
  private boolean closeRequested;
  private boolean closed;

  CaseSession(Supplier<NativeMessagingServer> serverFactory, String origin, Duration timeout) {
    this.serverFactory = serverFactory;
    this.origin = origin;
    this.timeout = timeout;
  }

  /** Sends the case's request to {@code route} and asserts the reply is what the case declares. */
  void run(String route, DeclaredCase declared) {
    NmClient shared = enter();
    if (shared == null) {
      try (CaseSession own = new CaseSession(serverFactory, origin, timeout)) {
        own.run(route, declared);
      }
      return;
    }
    try {
      String label = "route '" + route + "', case '" + declared.name() + "'";
      DeclaredCaseAssertions.assertHolds(declared, shared.call(route, payload(declared)), label);
    } finally {
      leave();
    }
  }

  /**
   * The shared client, started on first use, counted as in use until {@link #leave}; null once the session has
   * closed. A server that failed to start fails every case, without new attempts.
   */
  private synchronized NmClient enter() {
    if (startFailure != null) {
      throw startFailure;
    }
    if (closed) {
      return null;
    }
    if (client == null) {
      try {
        server = serverFactory.get();
        client = NmClient.connect(server, origin).callTimeout(timeout);
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    running++;
    return client;
  }

  private synchronized void leave() {
    running--;
    if (closeRequested && running == 0) {
      closeNow();
    }
  }

  private static JsonNode payload(DeclaredCase declared) {
    try {
      // Numbers as written: a double would hold 1e400 as Infinity, which has no JSON form to send, and 2.0 must not
      // lose its fraction (an integer field refuses it).
      return Json.mapper().reader()
          .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .readTree(declared.request());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "case '" + declared.name() + "' declares a request that is not JSON text: " + declared.request(), e);
    }
  }

  /**
   * Closes the client, then the server, at once or, while cases run, once the last of them has finished.
   *
   * @throws AssertionError if the server violated the protocol during the session
   */
  @Override
  public synchronized void close() {
    closeRequested = true;
    if (running == 0) {
      closeNow();
    }
  }

  private void closeNow() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }
}
