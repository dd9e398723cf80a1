package dev.nm.routes.manage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.routes.AiTestHost;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.backend.process.EngineProcessBackend;
import dev.nm.routes.gguf.GgufMetadata;
import dev.nm.routes.models.MemoryEstimate;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory {@code get_loaded_models} and {@code model_info} report for the real SmolLM2-135M-Instruct run as
 * the reference host runs it, in an engine process: the estimate checked before loading, and what the engine
 * process holds, measured.
 */
@Timeout(120)
class LoadedModelMemoryTest {
  private static final String MODEL = "SmolLM2-135M-Instruct.Q4_1";
  private static final long GIB = 1L << 30;

  @TempDir Path home;
  private EngineProcessBackend engines;
  private AiTestHost host;

  @BeforeEach
  void start() throws Exception {
    engines = new EngineProcessBackend(new LlamaCppBackend(), Map.of(), null);
    host = AiTestHost.start(home, engines, new ModelSettings(2, 512, 2, Duration.ZERO), "chrome-extension://memory-test/");
  }

  @AfterEach
  void stop() {
    if (host != null) {
      host.close();
    }
    if (engines != null) {
      engines.close();
    }
  }

  private JsonNode data(String route, Map<String, Object> payload) {
    return host.data(route, payload);
  }

  @Test
  void reportsTheEstimateAndWhatTheEngineProcessHolds() {
    data("load_model", Map.of("model", MODEL));
    data("chat", Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")), "max_tokens", 4, "temperature", 0));

    JsonNode loaded = data("get_loaded_models", Map.of()).get("models");
    assertEquals(1, loaded.size(), loaded.toString());
    JsonNode model = loaded.get(0);
    GgufMetadata metadata = host.ai().models().registry().find(MODEL, ModelKind.GENERATION).orElseThrow().metadata().orElseThrow();
    MemoryEstimate estimate = MemoryEstimate.of(metadata, model.get("context_size").asInt());
    assertEquals(estimate.totalBytes(), model.get("memory_bytes").asLong(), model.toString());
    long resident = model.get("resident_bytes").asLong();
    assertTrue(resident > estimate.weightBytes(), "the weights, read for the chat, are resident: " + model);
    assertTrue(resident < estimate.totalBytes() + GIB, "an engine process of a 92 MiB model: " + model);

    JsonNode info = data("model_info", Map.of("model", MODEL)).get("loaded");
    assertEquals(estimate.totalBytes(), info.get("memory_bytes").asLong(), info.toString());
    assertTrue(info.get("resident_bytes").asLong() > estimate.weightBytes(), info.toString());

    data("unload_model", Map.of("model", MODEL));
    assertEquals(0, data("get_loaded_models", Map.of()).get("models").size());
  }
}
