package dev.nm.host.middleware;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path dir;

  /** A line cut short (the disk filled up mid-write) leaves the file mid-line: the next line starts a line of its own. */
  @Test
  void aLineAfterOneCutShortStartsALineOfItsOwn() throws Exception {
    Path file = dir.resolve("data/audit.log");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"timestamp\":\"2026-11-24T00:00:00Z\",\"event\":\"den");

    AuditLog.to(file).append("denied", Map.of("origin", "o"));
    AuditLog.to(file).append("denied", Map.of("origin", "p"));

    List<String> lines = Files.readAllLines(file);
    assertEquals(3, lines.size(), lines.toString());
    assertEquals("o", Json.mapper().readTree(lines.get(1)).get("origin").asText());
    assertEquals("p", Json.mapper().readTree(lines.get(2)).get("origin").asText());
  }

  @Test
  void linesFromTwoWritersNeverInterleaveHoweverLong() throws Exception {
    // Two writers on one file: the daemon's log and an install's (two processes, or two instances here). A
    // line longer than the JDK's 8 KiB write chunks used to reach the file in pieces another line could split.
    Path file = dir.resolve("data/audit.log");
    List<AuditLog> logs = List.of(AuditLog.to(file), AuditLog.to(file));
    String message = "m".repeat(20_000);
    ExecutorService writers = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        AuditLog log = logs.get(w);
        int writer = w;
        done.add(writers.submit(() -> {
          for (int i = 0; i < 300; i++) {
            log.append("denied", Map.of("writer", writer, "line", i, "message", message));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      writers.shutdownNow();
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(600, lines.size());
    for (String line : lines) {
      JsonNode json = Json.mapper().readTree(line);
      assertEquals(message, json.get("message").textValue());
    }
  }
}
