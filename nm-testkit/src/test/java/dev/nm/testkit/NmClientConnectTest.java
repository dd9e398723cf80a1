package dev.nm.testkit;

import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.testkit.fixture.NmRouteTable;
import dev.nm.protocol.ErrorCode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class NmClientConnectTest {
  @Test
  void connectOpensAConnectionFromTheGivenOrigin() {
    try (NativeMessagingServer server =
            NativeMessagingServer.builder().routes(new NmRouteTable()).config(HostConfig.permissive()).build();
        NmClient client = NmClient.connect(server, "chrome-extension://abc/")) {
      assertSuccess(client.call("hello", Map.of())).hasData("/origin", "\"chrome-extension://abc/\"");
      assertSuccess(client.call("echo", Map.of("text", "hi"))).hasData("", "{\"text\": \"hi\", \"length\": 2}");
    }
  }

  @Test
  void aStreamListenerCanCancelItsOwnCall() {
    try (NativeMessagingServer server =
            NativeMessagingServer.builder().routes(new NmRouteTable()).config(HostConfig.permissive()).build();
        NmClient client = NmClient.connect(server, "chrome-extension://abc/")) {
      CompletableFuture<CompletableFuture<Reply>> cancel = new CompletableFuture<>();

      Reply ticker =
          client.stream(
              "ticker", Map.of("every_ms", 5, "limit", 100_000), tick -> {
                if (!cancel.isDone()) {
                  cancel.complete(client.cancel(tick.requestId()));
                }
              });

      assertFailure(ticker, ErrorCode.CANCELLED);
      assertSuccess(cancel.join().join()).hasData("/cancelled", "true");
    }
  }
}
