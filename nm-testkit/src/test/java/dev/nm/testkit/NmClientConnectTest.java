package dev.nm.testkit;

import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.testkit.fixture.NmRouteTable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NmClientConnectTest {
  @Test
  void connectOpensAConnectionFromTheGivenOrigin() {
    try (NativeMessagingServer server =
            NativeMessagingServer.builder().routes(new NmRouteTable()).config(HostConfig.permissive()).build();
        NmClient client = NmClient.connect(server, "chrome-extension://abc/")) {
      assertSuccess(client.call("hello", Map.of())).hasData("/origin", "\"chrome-extension://abc/\"");
      assertSuccess(client.call("echo", Map.of("text", "hi"))).hasData("", "{\"text\": \"hi\", \"length\": 2}");
    }
  }
}
