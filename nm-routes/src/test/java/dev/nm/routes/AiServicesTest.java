package dev.nm.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nm.host.HostPaths;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.models.ModelEntry;
import dev.nm.routes.models.ModelSettings;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AiServicesTest {
  @TempDir Path home;
  @TempDir Path models;

  @Test
  void warmUpReadsEveryModelHeaderBeforeTheFirstRequest() throws Exception {
    Path file = Files.copy(TestModels.chatModel(), models.resolve("chat.gguf"));
    FileTime modified = Files.getLastModifiedTime(file);
    ModelSettings settings = new ModelSettings(1, 512, 1, Duration.ZERO);
    try (AiServices ai = AiServices.create(new HostPaths(home, models), new LlamaCppBackend(), settings)) {
      ai.warmUp();

      // Other bytes, same size and time: only a header read before they were written still describes the model.
      try (RandomAccessFile gguf = new RandomAccessFile(file.toFile(), "rw")) {
        gguf.write("NOPE".getBytes(StandardCharsets.US_ASCII));
      }
      Files.setLastModifiedTime(file, modified);
      ModelEntry entry = ai.models().registry().list().get(0);
      assertEquals(Optional.empty(), entry.problem());
      assertEquals(Optional.of("llama"), entry.metadata().orElseThrow().architecture());
    }
  }
}
