package dev.nm.routes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.NativeMessagingServer;
import dev.nm.route.Services;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.models.ModelSettings;
import dev.nm.testkit.NmClient;
import dev.nm.testkit.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A host serving every route on the test class path, with the AI services over {@code home/models}, which holds
 * the real default chat model; and one client on it. Closing it closes the client, the server and the services.
 */
public final class AiTestHost implements AutoCloseable {
  private final AiServices ai;
  private final NativeMessagingServer server;
  private final NmClient client;

  private AiTestHost(AiServices ai, NativeMessagingServer server, NmClient client) {
    this.ai = ai;
    this.server = server;
    this.client = client;
  }

  public static AiTestHost start(Path home, GenerationBackend backend, ModelSettings settings, String origin)
      throws IOException {
    Path models = Files.createDirectories(home.resolve("models"));
    Files.createSymbolicLink(models.resolve(TestModels.CHAT_MODEL_FILE), TestModels.chatModel());
    AiServices ai = AiServices.create(new HostPaths(home, models), backend, settings);
    NativeMessagingServer server =
        NativeMessagingServer.builder()
            .routesFromClassPath(AiTestHost.class.getClassLoader())
            .config(HostConfig.permissive())
            .services(ai.addTo(Services.builder()).build())
            .build();
    return new AiTestHost(ai, server, NmClient.connect(server, origin));
  }

  public AiServices ai() {
    return ai;
  }

  public NmClient client() {
    return client;
  }

  /** Calls {@code route} and returns its reply's data, after checking that it succeeded. */
  public JsonNode data(String route, Map<String, Object> payload) {
    Reply reply = client.call(route, payload);
    assertTrue(reply.succeeded(), reply.toString());
    return reply.data();
  }

  @Override
  public void close() {
    client.close();
    server.close();
    ai.close();
  }
}
