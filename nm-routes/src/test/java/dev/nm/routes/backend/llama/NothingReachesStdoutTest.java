package dev.nm.routes.backend.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nm.routes.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stdout carries a host's frames. java-llama.cpp prints to {@code System.out} when it extracts its library, and
 * llama.cpp logs from native code, so this loads and runs a model in a child JVM and checks the child's
 * stdout byte for byte.
 */
class NothingReachesStdoutTest {
  @Test
  void loadingAndGeneratingPrintNothingToStdout() throws Exception {
    Path model = TestModels.chatModel();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(), "-cp", System.getProperty("java.class.path"), StdoutProbe.class.getName(), model.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    byte[] stdout = child.getInputStream().readAllBytes();
    if (!child.waitFor(120, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      fail("the probe did not exit within 120 s");
    }
    assertEquals(0, child.exitValue());
    assertEquals("", new String(stdout, StandardCharsets.UTF_8));
  }
}
