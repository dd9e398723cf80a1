package dev.nm.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.NativeMessagingServer;
import dev.nm.protocol.Json;
import dev.nm.route.DeclaredCase;
import java.time.Duration;
import java.util.function.Supplier;

/** The server and client that the declared cases of one test factory share; started by the first case. */
final class CaseSession implements AutoCloseable {
  private final Supplier<NativeMessagingServer> serverFactory;
  private final String origin;
  private final Duration timeout;
  private NativeMessagingServer server;
  private NmClient client;
  private RuntimeException startFailure;

  CaseSession(Supplier<NativeMessagingServer> serverFactory, String origin, Duration timeout) {
    this.serverFactory = serverFactory;
    this.origin = origin;
    this.timeout = timeout;
  }

  /** Sends the case's request to {@code route} and asserts the reply is what the case declares. */
  void run(String route, DeclaredCase declared) {
    String label = "route '" + route + "', case '" + declared.name() + "'";
    DeclaredCaseAssertions.assertHolds(declared, client().call(route, payload(declared)), label);
  }

  /** Starts the server on first use; a server that failed to start fails every case, without new attempts. */
  private synchronized NmClient client() {
    if (startFailure != null) {
      throw startFailure;
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
    return client;
  }

  private static JsonNode payload(DeclaredCase declared) {
    try {
      return Json.mapper().readTree(declared.request());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "case '" + declared.name() + "' declares a request that is not JSON text: " + declared.request(), e);
    }
  }

  /**
   * Closes the client, then the server.
   *
   * @throws AssertionError if the server violated the protocol during the session
   */
  @Override
  public synchronized void close() {
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
