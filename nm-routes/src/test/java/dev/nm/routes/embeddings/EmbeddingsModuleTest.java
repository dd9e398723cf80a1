package dev.nm.routes.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.host.HostEnvironment;
import dev.nm.host.HostModule;
import dev.nm.host.HostPaths;
import dev.nm.route.Services;
import dev.nm.routes.models.IdleUnloader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingsModuleTest {
  @TempDir Path home;

  @Test
  void isFoundByServiceLoader() {
    assertTrue(
        ServiceLoader.load(HostModule.class).stream().anyMatch(provider -> provider.type() == EmbeddingsModule.class));
  }

  @Test
  void registersABackendOverTheModelsDirectoryAndClosesItOnShutdown() throws Exception {
    List<AutoCloseable> closed = new ArrayList<>();
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    Services.Builder services = Services.builder();

    new EmbeddingsModule().configure(environment(paths, closed), services);

    EmbeddingBackend backend = services.build().find(EmbeddingBackend.class).orElseThrow();
    assertInstanceOf(OnnxEmbeddingBackend.class, backend);
    assertEquals(backend, closed.get(0));
    assertEquals(
        List.of(IdleUnloader.class), closed.subList(1, closed.size()).stream().map(Object::getClass).toList(),
        "and the thread that unloads its models after the default idle limit");
    assertEquals(List.of(), backend.models());
    assertEquals(OnnxEmbeddingBackend.DEFAULT_MODEL, backend.defaultModel());
  }

  @Test
  void threadsComeFromTheEnvironment() {
    assertEquals(3, EmbeddingsModule.options(Map.of(EmbeddingsModule.THREADS_ENV, " 3 ")).threads());
    assertEquals(Runtime.getRuntime().availableProcessors(), EmbeddingsModule.options(Map.of()).threads());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EmbeddingsModule.options(Map.of(EmbeddingsModule.THREADS_ENV, "0")));
    assertEquals("NM_EMBEDDING_THREADS must be a positive integer, was '0'", e.getMessage());
  }

  /** The 600 inputs fit the default; the limit comes from the environment. */
  @Test
  void theInputLimitIsOpenAisUnlessTheEnvironmentSetsIt() {
    assertEquals(2048, EmbeddingsModule.options(Map.of()).maxInputs());
    assertEquals(600, EmbeddingsModule.options(Map.of(EmbeddingsModule.MAX_INPUTS_ENV, "600")).maxInputs());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EmbeddingsModule.options(Map.of(EmbeddingsModule.MAX_INPUTS_ENV, "lots")));
    assertEquals("NM_EMBEDDING_MAX_INPUTS must be a positive integer, was 'lots'", e.getMessage());
  }

  private static HostEnvironment environment(HostPaths paths, List<AutoCloseable> closed) {
    return new HostEnvironment() {
      @Override
      public HostPaths paths() {
        return paths;
      }

      @Override
      public String hostVersion() {
        return "0.1.0";
      }

      @Override
      public void closeOnShutdown(AutoCloseable resource) {
        closed.add(resource);
      }

      @Override
      public void warmUpWith(Runnable task) {
        task.run();
      }
    };
  }
}
