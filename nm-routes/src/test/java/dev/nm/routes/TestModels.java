package dev.nm.routes;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nm.host.HostPaths;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real model files tests run against, fetched by {@code scripts/models/fetch-chat-model.sh}. Tests that need
 * one are skipped when it is absent, unless {@code NM_REQUIRE_MODELS} is set (as in CI): then they fail.
 */
public final class TestModels {
  public static final String CHAT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";

  private TestModels() {}

  /** The models directory of this environment ({@code NM_HOST_MODELS_DIR}, else the host's default). */
  public static Path modelsDir() {
    return HostPaths.fromEnvironment().modelsDir();
  }

  /** The default chat model, SmolLM2-135M-Instruct Q4_1. */
  public static Path chatModel() {
    Path file = modelsDir().resolve(CHAT_MODEL_FILE);
    String hint = file + " is missing; run scripts/models/fetch-chat-model.sh";
    if (System.getenv("NM_REQUIRE_MODELS") != null) {
      assertTrue(Files.isRegularFile(file), hint);
    } else {
      assumeTrue(Files.isRegularFile(file), hint);
    }
    return file;
  }
}
