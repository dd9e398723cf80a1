package dev.nm.routes.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.Connection;
import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import dev.nm.host.NativeMessagingServer;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.route.Services;
import dev.nm.routes.AiServices;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelSettings;
import dev.nm.testkit.NmClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The system routes served by a real server found on the class path, over an in-memory connection. */
@Timeout(30)
class SystemRoutesTest {
  private NativeMessagingServer server;
  private Connection connection;
  private FrameWriter toHost;
  private FrameReader fromHost;
  private int ids;

  @BeforeEach
  void start() throws IOException {
    server =
        NativeMessagingServer.builder()
            .routesFromClassPath(SystemRoutesTest.class.getClassLoader())
            .config(HostConfig.permissive())
            .hostVersion("3.2.1")
            .mode(HostStatus.Mode.STANDALONE)
            .build();
    Pipe up = Pipe.open();
    Pipe down = Pipe.open();
    connection = server.open(FrameReader.of(up.source()), FrameWriter.of(down.sink()), "chrome-extension://test/");
    toHost = FrameWriter.of(up.sink());
    fromHost = FrameReader.of(down.source());
  }

  @AfterEach
  void stop() {
    connection.close();
    server.close();
  }

  private JsonNode call(String route, String payload) throws IOException {
    String id = String.valueOf(++ids);
    toHost.writeFrame(
        ("{\"request_id\":\"" + id + "\",\"route\":\"" + route + "\",\"payload\":" + payload + "}").getBytes(StandardCharsets.UTF_8));
    JsonNode reply = Json.mapper().readTree(fromHost.nextFrame());
    assertEquals(id, reply.get("request_id").asText());
    return reply;
  }

  @Test
  void healthReportsThisProcess() throws IOException {
    JsonNode data = call("health", "{}").get("data");
    assertEquals("ok", data.get("status").asText());
    assertEquals("live", data.get("probe").asText());
    assertEquals("3.2.1", data.get("version").asText());
    assertEquals("standalone", data.get("mode").asText());
    assertEquals(ProcessHandle.current().pid(), data.get("daemon_pid").asLong());
    assertEquals(1, data.get("connections").asInt());
    assertEquals(1, data.get("in_flight").asInt(), "the health call itself");
    assertTrue(data.get("uptime_seconds").asLong() >= 0);
  }

  @Test
  void readyWithoutModelServicesIsLive() throws IOException {
    JsonNode data = call("health", "{\"probe\": \"ready\"}").get("data");
    assertEquals("ok", data.get("status").asText());
    assertTrue(data.get("problem").isNull());
    assertEquals(0, data.get("models").size());
  }

  @Test
  void notReadyWithoutAChatModel(@TempDir Path home) throws IOException {
    Path models = Files.createDirectories(home.resolve("models"));
    ModelSettings settings = new ModelSettings(1, 256, 1, Duration.ZERO);
    try (AiServices ai = AiServices.create(new HostPaths(home, models), new LlamaCppBackend(), settings);
        NativeMessagingServer withModels =
            NativeMessagingServer.builder()
                .routesFromClassPath(SystemRoutesTest.class.getClassLoader())
                .config(HostConfig.permissive())
                .services(ai.addTo(Services.builder()).build())
                .build();
        NmClient client = NmClient.connect(withModels, "chrome-extension://test/")) {
      JsonNode empty = client.call("health", Map.of("probe", "ready")).data();
      assertEquals("unavailable", empty.get("status").asText());
      assertEquals(
          "no chat model in " + models + "; run scripts/models/fetch-chat-model.sh or copy a .gguf file there",
          empty.get("problem").asText());

      ai.preferences().selectModel(ModelKind.GENERATION, "gone");
      JsonNode gone = client.call("health", Map.of("probe", "ready")).data();
      assertEquals("unavailable", gone.get("status").asText());
      assertEquals(
          "the default chat model 'gone' is not in " + models + ", and no other chat model is there; copy it back or add a"
              + " .gguf file there",
          gone.get("problem").asText());

      JsonNode live = client.call("health", Map.of()).data();
      assertEquals("ok", live.get("status").asText(), "the live probe does not look at models");
      assertEquals(0, live.get("models").size());
    }
  }

  /** An engine that cannot load the default model: chat fails, and the ready probe says why until a load succeeds. */
  @Test
  void notReadyWhileTheDefaultModelsLoadFails(@TempDir Path home) throws Exception {
    Path models = Files.createDirectories(home.resolve("models"));
    Files.createSymbolicLink(models.resolve(dev.nm.routes.TestModels.CHAT_MODEL_FILE), dev.nm.routes.TestModels.chatModel());
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
    LlamaCppBackend llama = new LlamaCppBackend();
    dev.nm.routes.backend.GenerationBackend backend = new dev.nm.routes.backend.GenerationBackend() {
      @Override
      public String name() {
        return "sometimes broken " + llama.name();
      }

      @Override
      public dev.nm.routes.backend.GenerationModel load(Path file, dev.nm.routes.backend.LoadOptions options) {
        if (broken.get()) {
          throw new dev.nm.routes.backend.BackendException("the engine's native library cannot be loaded on this system");
        }
        return llama.load(file, options);
      }
    };
    ModelSettings settings = new ModelSettings(1, 256, 1, Duration.ZERO);
    try (AiServices ai = AiServices.create(new HostPaths(home, models), backend, settings);
        NativeMessagingServer withModels =
            NativeMessagingServer.builder()
                .routesFromClassPath(SystemRoutesTest.class.getClassLoader())
                .config(HostConfig.permissive())
                .services(ai.addTo(Services.builder()).build())
                .build();
        NmClient client = NmClient.connect(withModels, "chrome-extension://test/")) {
      Map<String, Object> chat = Map.of("messages", List.of(Map.of("role", "user", "content", "hi")), "max_tokens", 2);
      assertEquals("ok", client.call("health", Map.of("probe", "ready")).data().get("status").asText(), "nothing failed yet");
      assertEquals("BACKEND_ERROR", client.call("chat", chat).error().code());
      JsonNode failed = client.call("health", Map.of("probe", "ready")).data();
      assertEquals("unavailable", failed.get("status").asText());
      assertEquals("the default chat model '" + dev.nm.routes.TestModels.CHAT_MODEL_FILE.replace(".gguf", "")
              + "' failed to load: the engine's native library cannot be loaded on this system (the next chat tries again)",
          failed.get("problem").asText());

      broken.set(false);
      assertTrue(client.call("chat", chat).succeeded());
      assertEquals("ok", client.call("health", Map.of("probe", "ready")).data().get("status").asText(), "a load succeeded since");
    }
  }

  @Test
  void healthRefusesAnUnknownProbe() throws IOException {
    JsonNode error = call("health", "{\"probe\": \"deep\"}").get("error");
    assertEquals("VALIDATION_ERROR", error.get("code").asText());
    assertEquals("probe", error.at("/details/field").asText());
    assertEquals("probe: must be live or ready", error.get("message").asText());
  }

  @Test
  void systemReportsTheMachine() throws IOException {
    JsonNode data = call("system", "{\"gpus\": \"skip\"}").get("data");
    assertEquals(Runtime.getRuntime().availableProcessors(), data.at("/cpu/logical_cores").asInt());
    assertEquals(System.getProperty("os.arch"), data.at("/os/arch").asText());
    long total = data.at("/memory/total_bytes").asLong();
    long available = data.at("/memory/available_bytes").asLong();
    long jvmSeen =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    assertEquals(jvmSeen, total);
    assertTrue(available > 0 && available <= total, available + " of " + total);
    assertEquals(0, data.get("gpus").size());
  }

  @Test
  void statsCountCallsAndErrorsPerRoute() throws IOException {
    call("health", "{}");
    call("health", "{}");
    call("health", "{\"probe\": \"deep\"}");
    JsonNode data = call("stats", "{\"route\": \"health\"}").get("data");
    List<String> names = new ArrayList<>();
    data.get("routes").forEach(route -> names.add(route.get("name").asText()));
    assertEquals(List.of("health"), names);
    JsonNode health = data.get("routes").get(0);
    assertEquals(3, health.get("calls").asLong());
    assertEquals(1, health.at("/errors/VALIDATION_ERROR").asLong());
    assertTrue(health.at("/latency_ms/p50").asDouble() > 0);
    assertTrue(health.at("/latency_ms/p99").asDouble() >= health.at("/latency_ms/p50").asDouble());
  }
}
