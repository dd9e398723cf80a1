package com.example.textstats;

import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.testkit.NmClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route plugs into a host built by someone else, next to the host's built-in routes. */
class ServedByAHostTest {
  @Test
  void helloListsTheRouteAndRoutesPublishesItsContract() {
    try (NativeMessagingServer server =
            NativeMessagingServer.builder().routesFromClassPath(getClass().getClassLoader()).config(HostConfig.permissive()).build();
        NmClient client = NmClient.connect(server, "chrome-extension://sample/")) {
      assertSuccess(client.call("hello", Map.of())).hasData("/routes", "[\"cancel\", \"hello\", \"routes\", \"text_stats\"]");
      assertSuccess(client.call("routes", Map.of()))
          .hasData("/routes/3/name", "\"text_stats\"")
          .hasData("/routes/3/rate_tier", "\"LIGHT\"")
          .hasData(
              "/routes/3/request_schema/properties/top",
              "{\"description\": \"how many of the most frequent words to list; 10 if absent\","
                  + " \"type\": [\"integer\", \"null\"], \"minimum\": 1, \"maximum\": 50}")
          .hasData("/routes/3/request_schema/required", "[\"text\"]");
      assertSuccess(client.call("text_stats", Map.of("text", "to be or not to be", "top", 1)))
          .hasData("/top", "[{\"word\": \"be\", \"count\": 2}]");
    }
  }
}
