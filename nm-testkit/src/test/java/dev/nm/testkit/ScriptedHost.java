package dev.nm.testkit;

import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.Message;
import dev.nm.protocol.MessageWriter;
import dev.nm.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The host end of a pipe driven by hand: the test reads each request and writes exactly the frames it wants. */
final class ScriptedHost {
  private final FramedPipe.End end;
  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final MessageWriter messages;

  ScriptedHost(FramedPipe.End end) {
    this.end = end;
    this.messages = new MessageWriter(end.writer(), codec);
  }

  Message.Request nextRequest() {
    try {
      return codec.decodeRequest(end.reader().nextFrame());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ProtocolException e) {
      throw new AssertionError(e);
    }
  }

  byte[] nextFrame() {
    try {
      return end.reader().nextFrame();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends through the host's {@link MessageWriter}, which chunks anything over 1 MiB. */
  void send(Message message) {
    try {
      messages.send(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void sendFrame(String json) {
    try {
      end.writer().writeFrame(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void closeOutput() {
    end.shutdownOutput();
  }
}
