package dev.nm.routes.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.protocol.ErrorCode;
import dev.nm.testkit.NmClient;
import dev.nm.testkit.Reply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code stats} shows each origin its own calls; every origin's only to an origin granted {@code stats.all}. */
class StatsOfEachOriginTest {
  private static final String MINE = "chrome-extension://mine/";
  private static final String OTHER = "chrome-extension://other/";
  private static final String ADMIN = "chrome-extension://admin/";

  /** Each route's calls and errors, by name. */
  private static Map<String, String> counts(JsonNode stats) {
    Map<String, String> counts = new LinkedHashMap<>();
    stats.get("routes").forEach(r -> counts.put(r.get("name").asText(), r.get("calls").asLong() + " " + r.get("errors")));
    return counts;
  }

  @Test
  void eachOriginSeesItsOwnCallsAndEveryOriginsNeedTheScope() {
    HostConfig config = HostConfig.defaults()
        .withOrigin(MINE, List.of())
        .withOrigin(OTHER, List.of())
        .withOrigin(ADMIN, List.of(StatsRoute.ALL_ORIGINS_SCOPE));
    try (NativeMessagingServer server =
        NativeMessagingServer.builder().routesFromClassPath(getClass().getClassLoader()).config(config).build()) {
      NmClient mine = NmClient.connect(server, MINE);
      NmClient other = NmClient.connect(server, OTHER);
      NmClient admin = NmClient.connect(server, ADMIN);
      NmClient stranger = NmClient.connect(server, "chrome-extension://stranger/");
      mine.call("health", Map.of());
      mine.call("health", Map.of());
      other.call("health", Map.of());
      other.call("system", Map.of("gpus", "skip"));
      assertEquals(ErrorCode.FORBIDDEN.name(), stranger.call("health", Map.of()).error().code());

      JsonNode own = mine.call("stats", Map.of()).data();
      assertFalse(own.get("all_origins").asBoolean());
      assertEquals(Map.of("health", "2 {}"), counts(own));
      assertEquals(Map.of("health", "1 {}", "system", "1 {}"), counts(other.call("stats", Map.of()).data()));

      Reply refused = mine.call("stats", Map.of("all_origins", true));
      assertEquals(ErrorCode.UNAUTHORIZED.name(), refused.error().code(), refused.toString());
      assertEquals(
          "all_origins of route 'stats' needs scope 'stats.all', which origin " + MINE + " does not hold; grant it in the host config's"
              + " origins." + MINE + ".scopes",
          refused.error().message());

      JsonNode all = admin.call("stats", Map.of("all_origins", true)).data();
      assertTrue(all.get("all_origins").asBoolean());
      // The stranger's refused call counts under no origin: only the view of every origin shows it.
      assertEquals(
          Map.of("health", "4 {\"FORBIDDEN\":1}", "stats", "3 {\"UNAUTHORIZED\":1}", "system", "1 {}"), counts(all));
      // Its own calls: the one before.
      assertEquals(Map.of("stats", "1 {}"), counts(admin.call("stats", Map.of("all_origins", false)).data()));
    }
  }

  /** The scope is part of the route's definition: {@code routes} lists it, {@code hello} tells who holds it. */
  @Test
  void discoveryShowsTheOptionScope() {
    HostConfig config = HostConfig.defaults()
        .withOrigin(MINE, List.of())
        .withOrigin(ADMIN, List.of(StatsRoute.ALL_ORIGINS_SCOPE, "models.manage"));
    try (NativeMessagingServer server =
        NativeMessagingServer.builder().routesFromClassPath(getClass().getClassLoader()).config(config).build()) {
      NmClient mine = NmClient.connect(server, MINE);
      NmClient admin = NmClient.connect(server, ADMIN);
      assertEquals("[]", mine.call("hello", Map.of()).data().get("scopes").toString());
      assertEquals("[\"models.manage\",\"stats.all\"]", admin.call("hello", Map.of()).data().get("scopes").toString());
      JsonNode routes = mine.call("routes", Map.of("tag", "system")).data().get("routes");
      Map<String, String> optionScopes = new LinkedHashMap<>();
      routes.forEach(r -> optionScopes.put(r.get("name").asText(), r.get("option_scopes").toString()));
      assertEquals(
          Map.of("cancel", "[]", "health", "[]", "hello", "[]", "routes", "[]", "stats", "[\"stats.all\"]", "system", "[]"),
          optionScopes);
    }
  }
}
