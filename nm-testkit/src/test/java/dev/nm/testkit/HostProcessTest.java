package dev.nm.testkit;

import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.cli.NmHostMain;
import dev.nm.testkit.fixture.EchoHostMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostProcessTest {
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static final List<String> ECHO_HOST =
      List.of(JAVA.toString(), "-cp", System.getProperty("java.class.path"), EchoHostMain.class.getName());

  @TempDir Path home;

  @Test
  void startsTheHostAsChromeDoes() throws Exception {
    try (HostProcess host =
        HostProcess.builder(ECHO_HOST).chrome("chrome-extension://abcdefgh/").env("NM_HOST_HOME", home.toString()).start()) {
      JsonNode data = host.client().call("whoami", Map.of()).data();

      assertEquals("[\"chrome-extension://abcdefgh/\"]", data.get("argv").toString());
      assertEquals(JAVA.getParent().toString(), data.get("cwd").textValue());
      assertEquals(home.toString(), data.get("nm_host_home").textValue());
    }
  }

  @Test
  void startsTheHostAsFirefoxDoes() throws Exception {
    Path manifest = home.resolve("dev.nm.host.json");
    try (HostProcess host = HostProcess.builder(ECHO_HOST).firefox(manifest, "nm@example.org").directory(home).start()) {
      JsonNode data = host.client().call("whoami", Map.of()).data();

      assertEquals(List.of(manifest.toString(), "nm@example.org"),
          List.of(data.get("argv").get(0).textValue(), data.get("argv").get(1).textValue()));
      assertEquals(home.toString(), data.get("cwd").textValue());
    }
  }

  @Test
  void closingStdinLetsTheHostExitAndStderrStaysReadable() throws Exception {
    Path stderr = home.resolve("host.stderr");
    try (HostProcess host = HostProcess.builder(ECHO_HOST).chrome("chrome-extension://a/").stderrTo(stderr).start()) {
      host.client().call("whoami", Map.of());
      host.closeStdin();

      assertEquals(0, host.awaitExit(Duration.ofSeconds(20)));
      assertEquals("echo host started with 1 arguments\nstdin closed\n", host.stderr());
      assertEquals(stderr, host.stderrFile());
    }
  }

  @Test
  void awaitExitReturnsTheExitCode() throws Exception {
    try (HostProcess host = HostProcess.builder(ECHO_HOST).chrome("chrome-extension://a/").start()) {
      host.client().callAsync("exit", Map.of("code", 3));

      assertEquals(3, host.awaitExit(Duration.ofSeconds(20)));
    }
  }

  @Test
  void drivesTheRealHostAsChromeWould() throws Exception {
    String origin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";
    Files.writeString(home.resolve("config.json"), "{\"origins\": {\"" + origin + "\": {\"scopes\": []}}}");
    List<String> nmHost =
        List.of(JAVA.toString(), "-Xlog:disable", "-Xlog:all=warning:stderr", "-cp", System.getProperty("java.class.path"),
            NmHostMain.class.getName());
    try (HostProcess host =
        HostProcess.builder(nmHost).chrome(origin).env("NM_HOST_HOME", home.toString()).env("NM_HOST_MODE", "standalone").start()) {
      assertSuccess(host.client().call("hello", Map.of())).hasData("/origin", "\"" + origin + "\"");
      assertSuccess(host.client().call("routes", Map.of())).hasData("/routes/0/name", "\"cancel\"");

      host.closeStdin();
      assertEquals(0, host.awaitExit(Duration.ofSeconds(20)), host::stderr);
    }
  }

  @Test
  void aHostWithoutACallerIsRefusedWithTheFix() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> HostProcess.builder(ECHO_HOST).start());
    assertEquals(
        "say which browser calls the host: chrome(\"chrome-extension://<id>/\") or firefox(manifest, addonId);"
            + " browsers always pass the caller, and hosts depend on it",
        e.getMessage());
  }
}
