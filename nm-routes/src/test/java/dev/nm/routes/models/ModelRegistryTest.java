package dev.nm.routes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import dev.nm.routes.TestModels;
import dev.nm.routes.gguf.Gguf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
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

  /**
   * Files copied in and removed while the catalogue is listed: one removed between the directory's listing and the
   * reading of its size failed the whole listing (8 of 2,000 listings, as INTERNAL_ERROR). It is skipped now.
   */
  @Test
  void filesComingAndGoingWhileTheDirectoryIsListedFailNoListing() throws Exception {
    byte[] header = new Gguf().header(0, 1).key("general.architecture").u32(8).string("tiny").bytes();
    AtomicBoolean stop = new AtomicBoolean();
    for (int n = 0; n < 8; n++) {
      Files.write(models.resolve("chat-" + n + ".gguf"), header);
      Files.writeString(Files.createDirectories(models.resolve("embedding-" + n)).resolve("tokenizer.json"), "{}");
    }
    Thread churn = new Thread(() -> { // each file is removed and copied in again, one after the other
      try {
        for (int n = 0; !stop.get(); n = (n + 1) % 8) {
          Path file = models.resolve("chat-" + n + ".gguf");
          Path weights = models.resolve("embedding-" + n).resolve("model.onnx");
          Files.deleteIfExists(file);
          Files.deleteIfExists(weights);
          Files.write(file, header);
          Files.write(weights, new byte[10]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    churn.start();
    ModelRegistry registry = new ModelRegistry(models);
    List<RuntimeException> failures = new ArrayList<>();
    try {
      for (int i = 0; i < 2_000; i++) {
        try {
          registry.list();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
    } finally {
      stop.set(true);
      churn.join();
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " of 2,000 listings failed, the first with " + failures.get(0));
  }

  /** A directory the host cannot list (here one Linux refuses to root without CAP_SYS_ADMIN) is a BACKEND_ERROR saying why. */
  @Test
  void aDirectoryThatCannotBeListedIsABackendErrorSayingWhy() {
    Path unlistable = Path.of("/proc/1/map_files");
    assumeTrue(Files.isDirectory(unlistable), "no " + unlistable + " here");
    assumeTrue(cannotList(unlistable), unlistable + " can be listed here");
    RouteException e = assertThrows(RouteException.class, () -> new ModelRegistry(unlistable).list());
    assertEquals(ErrorCode.BACKEND_ERROR, e.code());
    assertEquals(
        "the models directory /proc/1/map_files cannot be listed (AccessDeniedException); give the host's user read"
            + " access to it, or set NM_HOST_MODELS_DIR to another directory",
        e.getMessage());
  }

  private static boolean cannotList(Path directory) {
    try (Stream<Path> children = Files.list(directory)) {
      children.count();
      return false;
    } catch (IOException | UncheckedIOException e) {
      return true;
    }
  }

  /**
   * A model split across three files, as llama.cpp's gguf-split writes it: the first part stands for the model, with
   * the three files' size and parameters; the others are listed as parts of it. A part missing is the first's problem.
   * Every part was listed as a model of its own, the others failing in llama.cpp and the first estimated as one file.
   */
  @Test
  void aModelSplitAcrossFilesIsItsFirstPartWithTheOthersAddedUp() throws Exception {
    List<Path> parts = splitModel(models, "tiny");
    long size = 0;
    for (Path part : parts) {
      size += Files.size(part);
    }
    ModelRegistry registry = new ModelRegistry(models);
    List<ModelEntry> listed = registry.list();
    assertEquals(List.of("tiny-00001-of-00003", "tiny-00002-of-00003", "tiny-00003-of-00003"), listed.stream().map(ModelEntry::id).toList());
    ModelEntry model = listed.get(0);
    assertEquals(Optional.empty(), model.problem());
    assertEquals(size, model.sizeBytes());
    assertEquals(size, model.metadata().orElseThrow().fileSize());
    assertEquals(100 + 200 + 300, model.metadata().orElseThrow().parameterCount());
    assertEquals(3, model.metadata().orElseThrow().tensorCount());
    assertEquals(Optional.of("tiny"), model.metadata().orElseThrow().architecture());
    assertEquals(
        Optional.of(parts.get(1) + " is part 2 of 3 of the model tiny-00001-of-00003.gguf; load that one,"
            + " 'tiny-00001-of-00003', which reads every part"),
        listed.get(1).problem());
    assertEquals(Files.size(parts.get(1)), listed.get(1).sizeBytes());
    assertEquals(Optional.of("tiny-00001-of-00003"), registry.firstUsable(ModelKind.GENERATION).map(ModelEntry::id));

    Files.delete(parts.get(2));
    assertEquals(
        Optional.of(parts.get(0) + " is part 1 of 3 of a model split across files, and part 3, tiny-00003-of-00003.gguf,"
            + " is not beside it; copy it there"),
        registry.list().get(0).problem());
    Files.setLastModifiedTime(models, AN_HOUR_AGO);
    assertEquals(Optional.empty(), registry.firstUsable(ModelKind.GENERATION));
  }

  /**
   * A file the host may not read (here /proc/1/mem, which Linux refuses to open to root without CAP_SYS_PTRACE) says
   * so: its problem was its path alone, the message of an AccessDeniedException.
   */
  @Test
  void aFileThatCannotBeReadSaysWhy() throws Exception {
    Path denied = Path.of("/proc/1/mem");
    assumeTrue(Files.isRegularFile(denied) && cannotOpen(denied), denied + " can be read here");
    Path file = Files.createSymbolicLink(models.resolve("denied.gguf"), denied);
    assertEquals(
        Optional.of(file + " cannot be read: AccessDeniedException"), new ModelRegistry(models).list().get(0).problem());
  }

  private static boolean cannotOpen(Path file) {
    try (var in = Files.newInputStream(file)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void whyAFileCannotBeReadIsItsKindAndTheSystemsReasonWithoutThePath() {
    assertEquals("NoSuchFileException", ModelRegistry.why(new NoSuchFileException("/home/u/models/a.gguf")));
    assertEquals(
        "FileSystemException: Input/output error",
        ModelRegistry.why(new FileSystemException("/home/u/models/a.gguf", null, "Input/output error")));
    assertEquals("IOException: Stale file handle", ModelRegistry.why(new IOException("Stale file handle")));
  }

  /** A model split in three files in {@code directory}, each holding one tensor: of 100, 200 and 300 parameters. */
  static List<Path> splitModel(Path directory, String name) throws Exception {
    List<Path> parts = new ArrayList<>();
    for (int part = 0; part < 3; part++) {
      Gguf g = new Gguf().header(1, part == 0 ? 4 : 2);
      if (part == 0) { // the first part holds the model's metadata
        g.key("general.architecture").u32(8).string("tiny");
        g.key("tiny.context_length").u32(4).u32(256);
      }
      g.key("split.no").u32(2).u16(part);
      g.key("split.count").u32(2).u16(3);
      g.string("weight-" + part).u32(1).u64(100L * (part + 1)).u32(0).u64(0);
      parts.add(g.write(directory.resolve(String.format("%s-%05d-of-00003.gguf", name, part + 1))));
    }
    return parts;
  }
}
