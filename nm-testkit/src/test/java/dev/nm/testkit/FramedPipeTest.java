package dev.nm.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.FrameException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FramedPipeTest {
  @Test
  void eachEndReadsWhatTheOtherWrites() throws Exception {
    try (FramedPipe pipe = FramedPipe.open()) {
      pipe.browser().writer().writeFrame("{\"to\":\"host\"}".getBytes(UTF_8));
      pipe.host().writer().writeFrame("{\"to\":\"browser\"}".getBytes(UTF_8));

      assertEquals("{\"to\":\"host\"}", new String(pipe.host().reader().nextFrame(), UTF_8));
      assertEquals("{\"to\":\"browser\"}", new String(pipe.browser().reader().nextFrame(), UTF_8));
    }
  }

  @Test
  void framesLargerThanTheOsPipeBufferArriveWhole() throws Exception {
    byte[] body = new byte[300_000];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) ('a' + i % 26);
    }
    try (FramedPipe pipe = FramedPipe.open()) {
      CompletableFuture<byte[]> read =
          CompletableFuture.supplyAsync(() -> uncheckedNextFrame(pipe.host()));
      pipe.browser().writer().writeFrame(body);
      assertArrayEquals(body, read.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void shutdownOutputGivesThePeerEndOfStreamAfterPendingFrames() throws Exception {
    try (FramedPipe pipe = FramedPipe.open()) {
      pipe.browser().writer().writeFrame("{}".getBytes(UTF_8));
      pipe.browser().shutdownOutput();

      assertEquals("{}", new String(pipe.host().reader().nextFrame(), UTF_8));
      assertNull(pipe.host().reader().nextFrame());
      pipe.host().writer().writeFrame("[]".getBytes(UTF_8));
      assertEquals("[]", new String(pipe.browser().reader().nextFrame(), UTF_8), "the other direction stays open");
    }
  }

  @Test
  void closingOneEndGivesTheOtherEndOfStreamAndFailsItsWrites() throws Exception {
    try (FramedPipe pipe = FramedPipe.open()) {
      pipe.browser().close();

      assertNull(pipe.host().reader().nextFrame());
      assertThrows(IOException.class, () -> pipe.host().writer().writeFrame("{}".getBytes(UTF_8)));
    }
  }

  @Test
  void closingAnEndReleasesAPeerBlockedInARead() throws Exception {
    try (FramedPipe pipe = FramedPipe.open()) {
      CompletableFuture<byte[]> read =
          CompletableFuture.supplyAsync(() -> uncheckedNextFrame(pipe.browser()));
      pipe.host().close();
      assertNull(read.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void theHostEndRefusesFramesOverTheBrowsersOneMebibyteLimit() {
    try (FramedPipe pipe = FramedPipe.open()) {
      FrameException e =
          assertThrows(FrameException.class, () -> pipe.host().writer().writeFrame(new byte[1024 * 1024 + 1]));
      assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
    }
  }

  private static byte[] uncheckedNextFrame(FramedPipe.End end) {
    try {
      return end.reader().nextFrame();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
