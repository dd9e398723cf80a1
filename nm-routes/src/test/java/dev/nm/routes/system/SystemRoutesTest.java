package dev.nm.routes.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.Connection;
import dev.nm.host.HostConfig;
import dev.nm.host.HostStatus;
import dev.nm.host.NativeMessagingServer;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
