package dev.nm.routes.embeddings;

import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.ProtocolLimits;
import dev.nm.route.Services;
import dev.nm.routes.NmRouteTable;
import dev.nm.testkit.FramedPipe;
import dev.nm.testkit.NmClient;
import dev.nm.testkit.NmRouteCases;
import dev.nm.testkit.Reply;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The {@code embeddings} route served by a real host over a pipe, on the real model. */
class EmbeddingsRouteTest {
  private static final String ORIGIN = "chrome-extension://embeddingstest/";
  private static final int MANY = 600;

  private static OnnxEmbeddingBackend backend;
  private static NativeMessagingServer server;
  private static FramedPipe pipe;
  private static NmClient client;

  @BeforeAll
  static void serve() {
    backend = new OnnxEmbeddingBackend(TestEmbeddingModel.modelsDir(), OnnxEmbeddingBackend.Options.defaults().withMaxInputs(MANY));
    server =
        NativeMessagingServer.builder()
            .routes(new NmRouteTable())
            .services(Services.builder().add(EmbeddingBackend.class, backend).build())
            .config(HostConfig.permissive())
            .build();
    pipe = FramedPipe.open();
    server.open(pipe.host().reader(), pipe.host().writer(), ORIGIN);
    client = NmClient.over(pipe.browser()).callTimeout(Duration.ofMinutes(2));
  }

  @AfterAll
  static void close() throws Exception {
    if (client != null) {
      client.close();
      server.close();
      backend.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> declaredCases() {
    OnnxEmbeddingBackend defaults = new OnnxEmbeddingBackend(TestEmbeddingModel.modelsDir(), OnnxEmbeddingBackend.Options.defaults());
    return NmRouteCases.of(new NmRouteTable())
        .routes("embeddings")
        .services(Services.builder().add(EmbeddingBackend.class, defaults).build())
        .timeout(Duration.ofMinutes(1))
        .dynamicTests()
        .onClose(() -> closeQuietly(defaults));
  }

  @Test
  void sixHundredInputsComeBackWholeThoughTheReplyExceedsOneFrame() throws Exception {
    List<String> texts = IntStream.range(0, MANY).mapToObj(i -> "Sentence number " + i + " of the batch.").toList();

    Reply reply = client.call("embeddings", Map.of("input", texts));

    assertTrue(reply.toJson().getBytes(StandardCharsets.UTF_8).length > ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES);
    JsonNode data = reply.data().get("data");
    assertEquals(MANY, data.size());
    List<float[]> direct = backend.embed(OnnxEmbeddingBackend.DEFAULT_MODEL, List.of(texts.get(0), texts.get(MANY - 1))).vectors();
    for (int i = 0; i < MANY; i++) {
      assertEquals(i, data.get(i).get("index").intValue());
      assertEquals(384, data.get(i).get("embedding").size());
    }
    assertArrayEquals(direct.get(0), TestEmbeddingModel.floats(data.get(0).get("embedding")), 1e-6f);
    assertArrayEquals(direct.get(1), TestEmbeddingModel.floats(data.get(MANY - 1).get("embedding")), 1e-6f);
    BertTokenizer tokenizer = TestEmbeddingModel.tokenizer();
    int tokens = texts.stream().mapToInt(text -> tokenizer.encode(text, 256).length).sum();
    assertEquals(tokens, reply.data().at("/usage/prompt_tokens").intValue());
  }

  @Test
  void moreInputsThanTheBackendTakesIsAValidationErrorOnInput() {
    List<String> texts = IntStream.rangeClosed(0, MANY).mapToObj(i -> "text " + i).toList();

    Reply reply = client.call("embeddings", Map.of("input", texts));

    assertFailure(reply, ErrorCode.VALIDATION_ERROR).hasField("input");
    assertEquals("input: must hold 1 to 600 texts, had 601; split it into smaller requests", reply.error().message());
  }

  /** A cancelled call stops at its next batch: the model is free again long before the whole call would have run. */
  @Test
  void aCancelledCallStopsEmbeddingAtItsNextBatch() throws Exception {
    // 600 texts of 256 tokens: some 20 s of work on this project's machine.
    List<String> texts = java.util.Collections.nCopies(MANY, "word ".repeat(300));
    java.util.concurrent.CompletableFuture<Reply> call = client.callAsync("long", "embeddings", Map.of("input", texts));
    awaitActive(1);
    assertTrue(client.call("cancel", Map.of("request_id", "long")).succeeded());
    call.get(10, java.util.concurrent.TimeUnit.SECONDS);
    awaitActive(0);
  }

  private static void awaitActive(int requests) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (backend.loaded().stream().mapToInt(LoadedEmbeddingModel::activeRequests).sum() != requests) {
      assertTrue(System.nanoTime() < deadline, "active requests never became " + requests + ": " + backend.loaded());
      Thread.sleep(5);
    }
  }

  @Test
  void base64CarriesTheSameFloatsAsTheArray() {
    Map<String, Object> request = Map.of("input", "The cat sits on the mat.", "encoding_format", "base64");

    String encoded = client.call("embeddings", request).data().at("/data/0/embedding").textValue();
    JsonNode floats = client.call("embeddings", Map.of("input", "The cat sits on the mat.")).data().at("/data/0/embedding");

    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
    float[] decoded = new float[bytes.remaining() / Float.BYTES];
    bytes.asFloatBuffer().get(decoded);
    assertArrayEquals(TestEmbeddingModel.floats(floats), decoded);
  }

  @Test
  void aStringAndAOneElementArrayEmbedAlike() {
    JsonNode single = client.call("embeddings", Map.of("input", "Hi")).data();
    JsonNode array = client.call("embeddings", Map.of("input", List.of("Hi"))).data();

    assertEquals(single, array);
  }

  private static void closeQuietly(OnnxEmbeddingBackend backend) {
    try {
      backend.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
