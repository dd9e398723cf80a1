package dev.nm.routes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.routes.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
  private static final FileTime AN_HOUR_AGO = FileTime.from(Instant.now().minusSeconds(3600));
  private static final FileTime A_MINUTE_AGO = FileTime.from(Instant.now().minusSeconds(60));

  @TempDir Path models;

  @Test
  void theFirstUsableModelSkipsBrokenFilesAndOtherKinds() throws Exception {
    Files.writeString(models.resolve("a-broken.gguf"), "nope");
    Path embedding = Files.createDirectories(models.resolve("a-embedding"));
    Files.write(embedding.resolve("model.onnx"), new byte[10]);
    Files.writeString(embedding.resolve("tokenizer.json"), "{}");
    Files.createSymbolicLink(models.resolve("b-chat.gguf"), TestModels.chatModel());
    ModelRegistry registry = new ModelRegistry(models);
    assertEquals(Optional.of("b-chat"), registry.firstUsable(ModelKind.GENERATION).map(ModelEntry::id));
    assertEquals(Optional.of("a-embedding"), registry.firstUsable(ModelKind.EMBEDDING).map(ModelEntry::id));
  }

  @Test
  void aModelAddedOrRemovedIsSeenByTheNextRequest() throws Exception {
    ModelRegistry registry = new ModelRegistry(models);
    Files.setLastModifiedTime(models, AN_HOUR_AGO);
    assertEquals(Optional.empty(), registry.firstUsable(ModelKind.GENERATION));

    Path link = Files.createSymbolicLink(models.resolve("chat.gguf"), TestModels.chatModel());
    assertEquals(Optional.of("chat"), registry.firstUsable(ModelKind.GENERATION).map(ModelEntry::id));

    Files.delete(link);
    assertEquals(Optional.empty(), registry.firstUsable(ModelKind.GENERATION));
  }

  @Test
  void anUnchangedDirectoryIsNotListedAgain() throws Exception {
    Path file = models.resolve("chat.gguf");
    Files.copy(TestModels.chatModel(), file);
    Files.setLastModifiedTime(models, AN_HOUR_AGO);
    ModelRegistry registry = new ModelRegistry(models);
    assertEquals(Optional.of("chat"), registry.firstUsable(ModelKind.GENERATION).map(ModelEntry::id));

    // Rewritten in place, which leaves the directory's time alone: the last listing still serves.
    Files.writeString(file, "nope");
    Files.setLastModifiedTime(models, AN_HOUR_AGO);
    assertEquals(Optional.of("chat"), registry.firstUsable(ModelKind.GENERATION).map(ModelEntry::id));
    assertTrue(registry.list().get(0).problem().isPresent(), "list() reads afresh");
    assertEquals(Optional.empty(), registry.firstUsable(ModelKind.GENERATION), "and its listing is the latest");
  }

  @Test
  void aListingTakenRightAfterAChangeIsNotReused() throws Exception {
    Path file = models.resolve("chat.gguf");
    Files.copy(TestModels.chatModel(), file);
    FileTime now = FileTime.from(Instant.now());
    Files.setLastModifiedTime(models, now);
    ModelRegistry registry = new ModelRegistry(models);
    assertEquals(Optional.of("chat"), registry.firstUsable(ModelKind.GENERATION).map(ModelEntry::id));

    // A change within the same tick of the kernel's coarse clock would leave the directory's time as it was.
    Files.writeString(file, "nope");
    Files.setLastModifiedTime(models, now);
    assertEquals(Optional.empty(), registry.firstUsable(ModelKind.GENERATION));
    Files.setLastModifiedTime(models, A_MINUTE_AGO);
  }
}
