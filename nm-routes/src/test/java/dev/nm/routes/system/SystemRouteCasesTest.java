package dev.nm.routes.system;

import dev.nm.host.HostPaths;
import dev.nm.route.Services;
import dev.nm.routes.AiServices;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.models.ModelSettings;
import dev.nm.testkit.NmRouteCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every declared case of the system routes, on a host without services and on one serving an empty models directory. */
class SystemRouteCasesTest {
  private static final String[] SYSTEM_ROUTES = {"health", "stats", "system"};

  @TempDir Path home;
  private AiServices ai;

  @AfterEach
  void stop() {
    if (ai != null) {
      ai.close();
    }
  }

  @TestFactory
  Stream<DynamicNode> withoutServices() {
    return NmRouteCases.fromClassPath().routes(SYSTEM_ROUTES).dynamicTests();
  }

  @TestFactory
  Stream<DynamicNode> withAiServices() throws Exception {
    Path models = Files.createDirectories(home.resolve("models"));
    ai = AiServices.create(new HostPaths(home, models), new LlamaCppBackend(), new ModelSettings(1, 256, 1, Duration.ZERO));
    return NmRouteCases.fromClassPath().routes(SYSTEM_ROUTES).services(ai.addTo(Services.builder()).build()).dynamicTests();
  }
}
