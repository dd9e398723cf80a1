package dev.nm.host.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.MessageWriter;
import java.io.IOException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class OutboundTest {
  private final Pipe pipe = openPipe();
  private final Outbound outbound = new Outbound(new MessageWriter(FrameWriter.of(pipe.sink()), new EnvelopeCodec()), 1 << 20);

  private static Pipe openPipe() {
    try {
      return Pipe.open();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] frame(char fill, int bytes) {
    byte[] body = new byte[bytes];
    Arrays.fill(body, (byte) fill);
    return body;
  }

  /**
   * While one thread is stuck writing to a peer that reads nothing, another's send returns at once; waiting for room
   * reports the stall; once the peer reads, every frame arrives whole and in the order sent.
   */
  @Test
  void aSenderBehindAStuckWriterQueuesAndGoesOn() throws Exception {
    byte[] first = frame('a', 900_000);
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        outbound.send(List.of(first), true);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(300);
    assertFalse(writer.isDone(), "the pipe holds less than the first frame: its writer waits for the peer");
    byte[][] more = new byte[6][];
    for (int i = 0; i < more.length; i++) {
      more[i] = frame((char) ('b' + i), 900_000);
      CompletableFuture.runAsync(sendOf(more[i])).get(2, TimeUnit.SECONDS);
    }
    assertFalse(outbound.awaitRoom(Duration.ofMillis(200)), "over the room for events, and nothing written for 200 ms");

    FrameReader reader = FrameReader.of(pipe.source());
    assertArrayEquals(first, reader.nextFrame());
    for (byte[] expected : more) {
      assertArrayEquals(expected, reader.nextFrame());
    }
    writer.get(5, TimeUnit.SECONDS);
    assertTrue(outbound.awaitDrained(Duration.ofSeconds(1)));
  }

  private Runnable sendOf(byte[] frame) {
    return () -> {
      try {
        outbound.send(List.of(frame), true);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void afterAFailedWriteEverySendFails() throws Exception {
    pipe.source().close();
    assertThrows(IOException.class, () -> outbound.send(List.of(frame('a', 10)), true));
    assertThrows(IOException.class, () -> outbound.send(List.of(frame('b', 10)), true));
    assertTrue(outbound.awaitRoom(Duration.ofMillis(10)), "a failed queue holds nothing to wait for");
  }
}
