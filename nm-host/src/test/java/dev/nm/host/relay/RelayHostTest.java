package dev.nm.host.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostPaths;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.ProtocolLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RelayHostTest {
  private static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  @TempDir Path home;

  @Test
  void ownPidIsTheProcessId() {
    assertEquals(ProcessHandle.current().pid(), RelayHost.ownPid());
  }

  /**
   * Frames passing through the relay: the daemon dies while the relay writes it a request. Every request in flight,
   * that one included, is answered BACKEND_ERROR before the relay returns, and the relay exits 1, not as if the
   * browser had left.
   */
  @Test
  void aDaemonLostWhileTakingARequestFailsEveryRequestInFlight() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    Files.createDirectories(paths.socket().getParent());
    Path stdinFifo = home.resolve("stdin");
    assertEquals(0, new ProcessBuilder("mkfifo", stdinFifo.toString()).start().waitFor());
    try (ServerSocketChannel listener = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        RandomAccessFile stdin = new RandomAccessFile(stdinFifo.toFile(), "rw")) {
      listener.bind(UnixDomainSocketAddress.of(paths.socket()));
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      NativeMessagingRelay relay = NativeMessagingRelay.builder(paths).handOffPipes(false).build();
      FileInputStream relayStdin = new FileInputStream(stdin.getFD());
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> relay.relay(ORIGIN, relayStdin, stdout));

      SocketChannel daemon = listener.accept();
      FrameReader fromRelay = FrameReader.of(daemon, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
      assertNotNull(fromRelay.nextFrame(), "the handshake");
      FileOutputStream browser = new FileOutputStream(stdin.getFD());
      FrameWriter toRelay = FrameWriter.of(browser, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
      toRelay.writeFrame(request("a", "x"));
      assertNotNull(fromRelay.nextFrame(), "request a, never answered");
      // Far more than the socket holds, never read: the relay is writing it when the daemon goes.
      CompletableFuture.runAsync(() -> {
        try {
          toRelay.writeFrame(request("b", "y".repeat(8 << 20)));
        } catch (java.io.IOException e) {
          // The relay has stopped reading.
        }
      });
      Thread.sleep(500);
      daemon.close();

      assertEquals(1, exit.get(10, TimeUnit.SECONDS), "the daemon was lost");
      List<String> answers = new ArrayList<>();
      FrameReader replies = FrameReader.of(new ByteArrayInputStream(stdout.toByteArray()));
      byte[] frame;
      while ((frame = replies.nextFrame()) != null) {
        JsonNode reply = Json.mapper().readTree(frame);
        answers.add(reply.get("request_id").asText() + ":" + reply.at("/error/code").asText());
      }
      assertEquals(List.of("a:BACKEND_ERROR", "b:BACKEND_ERROR"), answers.stream().sorted().toList());
    }
  }

  private static byte[] request(String id, String text) {
    return ("{\"request_id\":\"" + id + "\",\"route\":\"echo\",\"payload\":{\"text\":\"" + text + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
