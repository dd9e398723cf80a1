package dev.nm.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Message;
import dev.nm.protocol.ProtocolException;
import dev.nm.protocol.ProtocolLimits;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Frames per second through nm-protocol, in memory: a request whose payload carries a string of
 * {@code payloadBytes} ASCII characters is encoded and framed, then read back and decoded. Run with
 * {@code -prof gc} for the bytes allocated per frame ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProtocolBenchmark {
  @Param({"64", "65536"})
  int payloadBytes;

  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final Loopback loopback = new Loopback();
  private final FrameWriter writer =
      FrameWriter.of(loopback, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  private final FrameReader reader =
      FrameReader.of(loopback.source(), ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  private Message.Request request;
  private byte[] frame;

  @Setup
  public void setUp() throws IOException {
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("text", "x".repeat(payloadBytes));
    request = new Message.Request("req-000001", "generate", payload);
    loopback.rewind();
    writer.writeFrame(codec.encode(request));
    frame = loopback.toByteArray();
  }

  /** Envelope encode, then frame write. */
  @Benchmark
  public int encodeAndWrite() throws IOException {
    loopback.rewind();
    writer.writeFrame(codec.encode(request));
    return loopback.size();
  }

  /** Frame read, then envelope decode (after copying the frame into the loopback, as a pipe would). */
  @Benchmark
  public Message.Request readAndDecode() throws IOException, ProtocolException {
    loopback.rewind();
    loopback.write(frame);
    return codec.decodeRequest(reader.nextFrame());
  }

  /** Both directions: one frame encoded, written, read and decoded. */
  @Benchmark
  public Message.Request roundTrip() throws IOException, ProtocolException {
    loopback.rewind();
    writer.writeFrame(codec.encode(request));
    return codec.decodeRequest(reader.nextFrame());
  }
}
