package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.Json;
import dev.nm.route.RateTier;
import dev.nm.route.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class PolicyTest {
  static final String ALLOWED = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";
  static final String STRANGER = "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba/";

  @TempDir Path home;
  NativeMessagingServer server;

  NativeMessagingServer start(HostConfig config) {
    server =
        NativeMessagingServer.builder()
            .routes(new TestRoutes())
            .services(Services.builder().add(TestRoutes.Gate.class, new TestRoutes.Gate()).build())
            .config(config)
            .paths(new HostPaths(home, home.resolve("models")))
            .build();
    return server;
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  List<JsonNode> auditLines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(home.resolve("data/audit.log"))) {
      lines.add(Json.mapper().readTree(line));
    }
    return lines;
  }

  @Test
  void unknownOriginIsForbiddenAndAudited() throws Exception {
    start(HostConfig.defaults().withOrigin(ALLOWED, List.of()));
    try (PipeClient client = PipeClient.connect(server, STRANGER)) {
      ErrorBody error = client.fail("f1", "echo", "{\"text\": \"x\"}").error();
      assertEquals("FORBIDDEN", error.code());
      assertEquals("origin " + STRANGER + " is not allowed to use this host", error.message());
      assertEquals("FORBIDDEN", client.fail("f2", "hello", "{}").error().code());
      // Policy runs before routing: a stranger learns nothing about which routes exist.
      assertEquals("FORBIDDEN", client.fail("f3", "no_such_route", "{}").error().code());
    }
    List<JsonNode> lines = auditLines();
    assertEquals(3, lines.size());
    JsonNode first = lines.get(0);
    assertEquals("denied", first.get("event").asText());
    assertEquals("FORBIDDEN", first.get("code").asText());
    assertEquals(STRANGER, first.get("origin").asText());
    assertEquals("echo", first.get("route").asText());
    assertEquals("f1", first.get("request_id").asText());
    assertTrue(first.get("timestamp").asText().endsWith("Z"));
  }

  /** A caller refused in a loop fills the audit log with at most 20 lines a second, then says how many it left out. */
  @Test
  void refusalsInALoopAreAuditedTwentyASecondWithACountOfTheRest() throws Exception {
    start(HostConfig.defaults().withOrigin(ALLOWED, List.of()));
    try (PipeClient client = PipeClient.connect(server, STRANGER)) {
      for (int i = 0; i < 50; i++) {
        assertEquals("FORBIDDEN", client.fail("f" + i, "hello", "{}").error().code());
      }
      assertEquals(20, auditLines().size(), "the first second's lines");
      Thread.sleep(1_100);
      assertEquals("FORBIDDEN", client.fail("later", "hello", "{}").error().code());
    }
    List<JsonNode> lines = auditLines();
    assertEquals(21, lines.size());
    assertEquals("f19", lines.get(19).get("request_id").asText());
    assertEquals("later", lines.get(20).get("request_id").asText());
    assertEquals(30, lines.get(20).get("left_out_before").asInt());
  }

  /**
   * The log too: a caller refused in a loop used to get a warn line per call, filling the disk at the speed of
   * its loop while the daemon ran (its log begins anew only when a daemon starts).
   */
  @Test
  void failuresInALoopAreLoggedTwentyASecondWithACountOfTheRest() throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(dev.nm.host.middleware.RequestLogging.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    ch.qos.logback.classic.Level level = logger.getLevel();
    logger.setLevel(ch.qos.logback.classic.Level.WARN);
    logger.addAppender(lines);
    try {
      start(HostConfig.defaults().withOrigin(ALLOWED, List.of()));
      try (PipeClient client = PipeClient.connect(server, STRANGER)) {
        for (int i = 0; i < 50; i++) {
          assertEquals("FORBIDDEN", client.fail("f" + i, "hello", "{}").error().code());
        }
        assertEquals(20, lines.list.size(), "the first second's lines");
        Thread.sleep(1_100);
        assertEquals("FORBIDDEN", client.fail("later", "hello", "{}").error().code());
      }
      assertEquals(21, lines.list.size());
      assertTrue(lines.list.get(20).getFormattedMessage().contains("(30 more failures with FORBIDDEN from this origin left out"),
          lines.list.get(20).getFormattedMessage());
    } finally {
      logger.detachAppender(lines);
      logger.setLevel(level);
    }
  }

  /** An embedding application says how its users allow a caller; the reference host names its own commands. */
  @Test
  void forbiddenSaysWhatAllowsTheOriginWhereTheHostTellsIt() throws Exception {
    server = NativeMessagingServer.builder()
        .config(HostConfig.defaults())
        .howToAllow(origin -> origin.startsWith("chrome-extension://") ? "Settings > Extensions in Acme Notes" : null)
        .build();
    assertEquals(
        "origin " + STRANGER + " is not allowed to use this host; allow it with Settings > Extensions in Acme Notes",
        forbiddenMessage(STRANGER));
    assertEquals("origin nm-host-cli is not allowed to use this host", forbiddenMessage("nm-host-cli"));
  }

  private String forbiddenMessage(String origin) throws Exception {
    try (PipeClient client = PipeClient.connect(server, origin)) {
      ErrorBody error = client.fail("f", "hello", "{}").error();
      assertEquals("FORBIDDEN", error.code());
      return error.message();
    }
  }

  @Test
  void missingScopeIsUnauthorizedAndAudited() throws Exception {
    start(HostConfig.defaults().withOrigin(ALLOWED, List.of("chat")));
    try (PipeClient client = PipeClient.connect(server, ALLOWED)) {
      ErrorBody error = client.fail("u1", "manage", "{}").error();
      assertEquals("UNAUTHORIZED", error.code());
      assertEquals("models.manage", error.details().get("scope"));
      assertEquals("x", client.ok("ok", "echo", "{\"text\": \"x\"}").get("text").asText());
      assertEquals("[]", client.ok("h", "hello", "{}").get("scopes").toString());
    }
    server.updateConfig(server.config().withOrigin(ALLOWED, List.of("models.manage")));
    try (PipeClient client = PipeClient.connect(server, ALLOWED)) {
      assertEquals("managed", client.ok("u2", "manage", "{}").get("value").asText());
    }
    List<JsonNode> lines = auditLines();
    assertEquals(List.of("denied", "config_changed"), lines.stream().map(l -> l.get("event").asText()).toList());
    assertEquals("UNAUTHORIZED", lines.get(0).get("code").asText());
    assertEquals("[\"" + ALLOWED + "\"]", lines.get(1).get("scopes_changed").toString());
  }

  @Test
  void exhaustedBucketIsRateLimitedPerOriginAndTier() throws Exception {
    start(HostConfig.defaults().withOrigin(ALLOWED, List.of()).withRateLimit(RateTier.LIGHT, new HostConfig.RateLimit(2, 1)));
    try (PipeClient client = PipeClient.connect(server, ALLOWED)) {
      client.ok("1", "light", "{}");
      client.ok("2", "light", "{}");
      ErrorBody error = client.fail("3", "light", "{}").error();
      assertEquals("RATE_LIMITED", error.code());
      long retryAfter = ((Number) error.details().get("retry_after_ms")).longValue();
      assertTrue(retryAfter > 50_000 && retryAfter <= 60_000, "one token a minute: " + retryAfter);
      // Other tiers have their own buckets, and UNLIMITED routes are never limited.
      client.ok("4", "echo", "{\"text\": \"x\"}");
      for (int i = 0; i < 5; i++) {
        client.ok("h" + i, "hello", "{}");
      }
    }
    List<JsonNode> lines = auditLines();
    assertEquals(1, lines.size());
    assertEquals("RATE_LIMITED", lines.get(0).get("code").asText());
    assertEquals("3", lines.get(0).get("request_id").asText());
  }

  @Test
  void withoutPathsNothingIsWritten() {
    server =
        NativeMessagingServer.builder().routes(new TestRoutes()).config(HostConfig.defaults()).build();
    try (PipeClient client = PipeClient.connect(server, STRANGER)) {
      assertEquals("FORBIDDEN", client.fail("1", "hello", "{}").error().code());
    }
    assertTrue(Files.notExists(home.resolve("data")));
  }
}
