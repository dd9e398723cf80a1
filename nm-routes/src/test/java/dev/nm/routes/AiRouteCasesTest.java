package dev.nm.routes;

import dev.nm.host.HostPaths;
import dev.nm.route.Services;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.models.ModelSettings;
import dev.nm.testkit.NmRouteCases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every declared case of the AI routes, served by a real server with the real llama.cpp backend and model. */
class AiRouteCasesTest {
  static final String[] AI_ROUTES = {
    "chat", "generate", "responses", "models", "model_info", "load_model", "unload_model", "get_loaded_models",
    "select_model", "get_params", "set_params", "stop_generation", "get_halt_status"
  };

  @TempDir static Path home;
  private static AiServices ai;

  @BeforeAll
  static void start() {
    Path models = TestModels.chatModel().getParent();
    ai = AiServices.create(new HostPaths(home, models), new LlamaCppBackend(), new ModelSettings(2, 1024, 2, Duration.ZERO));
  }

  @AfterAll
  static void stop() {
    if (ai != null) {
      ai.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> declaredCases() {
    Services services = ai.addTo(Services.builder()).build();
    return NmRouteCases.fromClassPath().routes(AI_ROUTES).services(services).dynamicTests();
  }
}
