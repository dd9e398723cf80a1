package dev.nm.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ChunkAssembler;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import dev.nm.protocol.ProtocolLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A browser's side of an in-memory connection: two NIO pipes, frames in both directions. */
final class PipeClient implements AutoCloseable {
  final Connection connection;
  private final Pipe.SinkChannel toServer;
  private final FrameReader fromServer;
  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final ChunkAssembler chunks = new ChunkAssembler(codec);
  private final List<byte[]> rawFrames = new ArrayList<>();

  private PipeClient(Connection connection, Pipe.SinkChannel toServer, FrameReader fromServer) {
    this.connection = connection;
    this.toServer = toServer;
    this.fromServer = fromServer;
  }

  static PipeClient connect(NativeMessagingServer server, String origin) {
    try {
      Pipe up = Pipe.open();
      Pipe down = Pipe.open();
      Connection connection =
          server.open(
              FrameReader.of(up.source()),
              FrameWriter.of(down.sink()),
              origin,
              () -> {
                up.source().close();
                down.sink().close();
              });
      return new PipeClient(connection, up.sink(), FrameReader.of(down.source(), ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, ByteOrder.nativeOrder()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code {"request_id": id, "route": route, "payload": payload}}. */
  void send(String id, String route, String payloadJson) {
    try {
      JsonNode payload = Json.mapper().readTree(payloadJson);
      sendBody(codec.encode(new Message.Request(id, route, payload)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void sendBody(String json) {
    sendBody(json.getBytes(StandardCharsets.UTF_8));
  }

  void sendBody(byte[] body) {
    ByteBuffer frame = ByteBuffer.allocate(4 + body.length).order(ByteOrder.nativeOrder());
    frame.putInt(body.length).put(body).flip();
    sendRaw(frame);
  }

  void sendRaw(ByteBuffer bytes) {
    try {
      while (bytes.hasRemaining()) {
        toServer.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next whole message, chunks reassembled; null at end of stream. */
  Message next() {
    try {
      while (true) {
        byte[] frame = fromServer.nextFrame();
        if (frame == null) {
          return null;
        }
        rawFrames.add(frame);
        Message message = codec.decode(frame);
        if (message instanceof Message.Chunk chunk) {
          Message whole = chunks.accept(chunk);
          if (whole != null) {
            return whole;
          }
        } else {
          return message;
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a request and returns its reply, skipping nothing: the next message must be the reply. */
  Message call(String id, String route, String payloadJson) {
    send(id, route, payloadJson);
    return next();
  }

  /** The failure {@code call} got; fails if it succeeded. */
  Message.Failure fail(String id, String route, String payloadJson) {
    Message reply = call(id, route, payloadJson);
    if (reply instanceof Message.Failure failure) {
      return failure;
    }
    throw new AssertionError("expected a failure, got " + reply);
  }

  /** The data of the success {@code call} got, as JSON. */
  JsonNode ok(String id, String route, String payloadJson) {
    Message reply = call(id, route, payloadJson);
    if (reply instanceof Message.Success success) {
      return Json.mapper().valueToTree(success.data());
    }
    throw new AssertionError("expected a success, got " + reply);
  }

  /** Every frame received so far, as bytes. */
  List<byte[]> rawFrames() {
    return rawFrames;
  }

  /** Ends the client's output: the server sees end of stream. */
  void closeOutput() {
    try {
      toServer.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    closeOutput();
    connection.close();
  }
}
