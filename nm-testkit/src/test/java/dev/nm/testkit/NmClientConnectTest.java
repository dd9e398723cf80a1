package dev.nm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.testkit.fixture.NmRouteTable;
import dev.nm.protocol.ErrorCode;
import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.List;
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

  /** Calls sent from a stream's listener, one an event, are each answered to their own futures. */
  @Test
  void callsSentFromAStreamListenerAreEachAnswered() {
    try (NativeMessagingServer server =
            NativeMessagingServer.builder().routes(new NmRouteTable()).config(HostConfig.permissive()).build();
        NmClient client = NmClient.connect(server, "chrome-extension://abc/")) {
      List<CompletableFuture<Reply>> hellos = new java.util.concurrent.CopyOnWriteArrayList<>();

      Reply ticker = client.stream("ticker", Map.of("every_ms", 2, "limit", 30), tick -> hellos.add(client.callAsync("hello", Map.of())));

      assertSuccess(ticker).hasData("/ticks", "30");
      assertEquals(30, hellos.size());
      hellos.forEach(hello -> assertSuccess(hello.join()).hasData("/origin", "\"chrome-extension://abc/\""));
    }
  }

  @Test
  void callRawAwaitsTheReplyTheHostSendsToAFrameWhoseIdItCannotRead() {
    ByteArrayOutputStream encodedSurrogate = new ByteArrayOutputStream();
    encodedSurrogate.writeBytes("{\"request_id\":\"r1\",\"route\":\"echo\",\"payload\":{\"text\":\"".getBytes(UTF_8));
    encodedSurrogate.writeBytes(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80});
    encodedSurrogate.writeBytes("\"}}".getBytes(UTF_8));
    byte[] utf16 = "{\"request_id\":\"r2\",\"route\":\"hello\"}".getBytes(UTF_16BE);

    try (NativeMessagingServer server =
            NativeMessagingServer.builder().routes(new NmRouteTable()).config(HostConfig.permissive()).build();
        NmClient client = NmClient.connect(server, "chrome-extension://abc/")) {
      for (byte[] body : new byte[][] {encodedSurrogate.toByteArray(), utf16}) {
        Reply reply = client.callRaw(body);
        assertFailure(reply, ErrorCode.INVALID_JSON);
        assertNull(reply.requestId());
      }
    }
  }
}
