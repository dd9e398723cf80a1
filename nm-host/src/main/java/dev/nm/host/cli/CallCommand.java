package dev.nm.host.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.host.Connection;
import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import dev.nm.host.connection.RelayHandshake;
import dev.nm.protocol.ChunkAssembler;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import dev.nm.protocol.ProtocolException;
import dev.nm.protocol.ProtocolLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteOrder;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.nio.channels.WritableByteChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nm-host call ROUTE [PAYLOAD]}: a command-line client of the same protocol a browser speaks, through
 * the daemon (started if needed) or, with {@code --standalone}, a host in this process. Every reply frame is
 * printed as one line of JSON as it arrives (stream events, then the final reply; chunked replies are
 * printed whole), so the output pipes into {@code jq}.
 */
@Command(
    name = "call",
    description = "Calls a route and prints each reply envelope as a line of JSON. "
        + "Exit status 0 on success, 1 when the reply is a failure.")
final class CallCommand implements Callable<Integer> {
  /** The origin the command line speaks as unless told otherwise; allow it in config.json like any other. */
  static final String CLI_ORIGIN = "nm-host-cli";

  private static final String REQUEST_ID = "cli-1";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ROUTE", description = "The route, e.g. hello, health, chat.")
  String route;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PAYLOAD", defaultValue = "{}", description = "The payload as a JSON object. Default: {}.")
  String payload;

  @Option(names = "--stream", description = "Adds \"stream\": true to the payload and prints events as they arrive.")
  boolean stream;

  @Option(names = "--origin", defaultValue = CLI_ORIGIN, description = "The origin to call as. Default: ${DEFAULT-VALUE}.")
  String origin;

  @Option(names = "--standalone", description = "Serves the call in this process instead of through the daemon.")
  boolean standalone;

  @Override
  public Integer call() throws Exception {
    Message.Request request = new Message.Request(REQUEST_ID, route, payloadObject());
    HostPaths paths = HostPaths.fromEnvironment();
    if (standalone) {
      try (ReferenceHost host = ReferenceHost.start(paths, HostStatus.Mode.STANDALONE)) {
        Pipe requests = Pipe.open();
        Pipe replies = Pipe.open();
        Connection connection = host.server().open(
            FrameReader.of(requests.source()), FrameWriter.of(replies.sink()), origin);
        try {
          return exchange(request, requestWriter(requests.sink()), FrameReader.of(replies.source()));
        } finally {
          connection.close();
        }
      }
    }
    try (SocketChannel daemon = DaemonStart.relay(paths, false).connect()) {
      FrameWriter toDaemon = requestWriter(daemon);
      toDaemon.writeFrame(RelayHandshake.frame(origin));
      return exchange(request, toDaemon, FrameReader.of(daemon));
    }
  }

  /** Requests may be as large as a browser may send: 64 MiB. */
  private static FrameWriter requestWriter(WritableByteChannel channel) {
    return FrameWriter.of(channel, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  }

  private ObjectNode payloadObject() {
    JsonNode node;
    try {
      // Decimal numbers read as BigDecimal reach the host as typed, even those no double holds (1e400).
      node = Json.mapper().reader(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(payload);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new ParameterException(spec.commandLine(), "PAYLOAD must be a JSON object, e.g. '{\"input\": \"hi\"}'; got: " + payload);
    }
    ObjectNode object = (ObjectNode) node;
    if (stream) {
      object.put("stream", true);
    }
    return object;
  }

  /** Sends the request and prints replies until the final one; returns the exit status. */
  private int exchange(Message.Request request, FrameWriter out, FrameReader in) throws IOException, ProtocolException {
    PrintWriter printed = spec.commandLine().getOut();
    EnvelopeCodec codec = new EnvelopeCodec();
    ChunkAssembler chunks = new ChunkAssembler(codec);
    out.writeFrame(codec.encode(request));
    byte[] frame;
    while ((frame = in.nextFrame()) != null) {
      Message message = codec.decode(frame);
      if (message instanceof Message.Chunk chunk) {
        message = chunks.accept(chunk);
        if (message == null) {
          continue;
        }
      }
      printed.println(new String(codec.encode(message), StandardCharsets.UTF_8));
      // Once stdout is gone (`| head` has read its lines), the call is cancelled by closing the connection.
      // picocli's default out writes through System.out, a PrintStream, which keeps write errors to itself.
      if (printed.checkError() || System.out.checkError()) {
        spec.commandLine().getErr().println("nm-host call: stdout is closed; the call is cancelled");
        return 1;
      }
      if (message instanceof Message.Success) {
        return 0;
      }
      if (message instanceof Message.Failure) {
        return 1;
      }
    }
    throw new IOException("the host closed the connection before its final reply");
  }
}
