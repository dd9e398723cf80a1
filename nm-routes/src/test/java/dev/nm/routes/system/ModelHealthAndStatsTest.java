package dev.nm.routes.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.routes.AiTestHost;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code health} and {@code stats} of a host serving the real SmolLM2-135M-Instruct with llama.cpp. */
@Timeout(120)
class ModelHealthAndStatsTest {
  private static final String MODEL = "SmolLM2-135M-Instruct.Q4_1";
  /** The statistics are accurate to 1%. */
  private static final double ONE_PERCENT = 0.01;

  @TempDir Path home;
  private AiTestHost host;

  @BeforeEach
  void start() throws Exception {
    host = AiTestHost.start(home, new LlamaCppBackend(), new ModelSettings(2, 512, 2, Duration.ZERO), "chrome-extension://stats-test/");
  }

  @AfterEach
  void stop() {
    if (host != null) {
      host.close();
    }
  }

  private JsonNode data(String route, Map<String, Object> payload) {
    return host.data(route, payload);
  }

  /** One greedy chat call, and how long it took as the client saw it. */
  private record Call(JsonNode usage, long wallNanos) {
    int promptTokens() {
      return usage.get("prompt_tokens").asInt();
    }

    int completionTokens() {
      return usage.get("completion_tokens").asInt();
    }
  }

  private Call chat(String question) {
    long started = System.nanoTime();
    List<Map<String, String>> messages = List.of(Map.of("role", "user", "content", question));
    JsonNode reply = data("chat", Map.of("messages", messages, "temperature", 0, "max_tokens", 16));
    return new Call(reply.get("usage"), System.nanoTime() - started);
  }

  @Test
  void readyWhenTheDefaultChatModelIsPresentAndListsItOnceLoaded() {
    JsonNode before = data("health", Map.of("probe", "ready"));
    assertEquals("ok", before.get("status").asText(), before.toString());
    assertTrue(before.get("problem").isNull());
    assertEquals(0, before.get("models").size(), "present, not loaded yet");

    Instant beforeLoad = Instant.now();
    chat("What is the capital of France?");
    JsonNode model = data("health", Map.of()).get("models").get(0);
    assertEquals(MODEL, model.get("name").asText());
    assertEquals("generation", model.get("kind").asText());
    long weights = host.ai().models().registry().find(MODEL, ModelKind.GENERATION).orElseThrow().sizeBytes();
    assertTrue(model.get("memory_bytes").asLong() > weights, "weights plus a KV cache: " + model);
    Instant loadedAt = Instant.parse(model.get("loaded_at").asText());
    assertFalse(loadedAt.isBefore(beforeLoad.minusSeconds(1)), model.toString());
    assertFalse(Instant.parse(model.get("last_used").asText()).isBefore(loadedAt), model.toString());
  }

  @Test
  void statsSummariseTwoRealGenerations() {
    List<Call> calls = List.of(chat("What is the capital of France?"), chat("Name three colours of the rainbow."));

    JsonNode models = data("stats", Map.of()).get("models");
    assertEquals(1, models.size(), models.toString());
    JsonNode model = models.get(0);
    assertEquals(MODEL, model.get("name").asText());
    assertEquals(2, model.get("generations").asLong());
    assertEquals(calls.stream().mapToInt(Call::promptTokens).sum(), model.get("prompt_tokens").asLong());
    assertEquals(calls.stream().mapToInt(Call::completionTokens).sum(), model.get("completion_tokens").asLong());

    // Each generation's time to first token is part of the client's wait for it, so no statistic exceeds the
    // longest wait; and its prefill and decode took no longer than that wait, so each rate is at least the
    // rate over the whole wait.
    JsonNode ttft = model.get("time_to_first_token_ms");
    assertEquals(2, ttft.get("count").asLong());
    double longestWaitMs = calls.stream().mapToLong(Call::wallNanos).max().orElseThrow() / 1e6;
    assertTrue(ttft.get("p50").asDouble() > 0, ttft.toString());
    assertTrue(ttft.get("p90").asDouble() <= longestWaitMs * (1 + ONE_PERCENT), ttft + " vs " + longestWaitMs + " ms");

    JsonNode prompt = model.get("prompt_tokens_per_second");
    assertEquals(2, prompt.get("count").asLong());
    double slowestPromptRate = calls.stream().mapToDouble(c -> c.promptTokens() * 1e9 / c.wallNanos()).min().orElseThrow();
    assertTrue(prompt.get("p50").asDouble() >= slowestPromptRate * (1 - ONE_PERCENT), prompt + " vs " + slowestPromptRate);

    JsonNode decode = model.get("decode_tokens_per_second");
    assertEquals(2, decode.get("count").asLong(), "both answers are longer than one token");
    double slowestDecodeRate =
        calls.stream().mapToDouble(c -> (c.completionTokens() - 1) * 1e9 / c.wallNanos()).min().orElseThrow();
    assertTrue(decode.get("p50").asDouble() >= slowestDecodeRate * (1 - ONE_PERCENT), decode + " vs " + slowestDecodeRate);
    assertTrue(decode.get("p90").asDouble() >= decode.get("p50").asDouble(), decode.toString());
    double mean = decode.get("mean").asDouble();
    assertTrue(mean >= decode.get("p50").asDouble() * (1 - ONE_PERCENT), decode.toString());
    assertTrue(mean <= decode.get("p90").asDouble() * (1 + ONE_PERCENT), decode.toString());
  }
}
