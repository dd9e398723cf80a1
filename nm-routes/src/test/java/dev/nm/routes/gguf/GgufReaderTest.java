package dev.nm.routes.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.routes.TestModels;
import java.io.RandomAccessFile;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {
  @TempDir Path dir;

  @Test
  void readsTheRealModelsHeader() throws Exception {
    Path file = TestModels.chatModel();
    GgufMetadata m = GgufReader.read(file);
    assertEquals(3, m.version());
    assertEquals(98_362_432L, m.fileSize());
    assertEquals(272, m.tensorCount());
    assertEquals(134_515_008L, m.parameterCount());
    assertEquals(Optional.of("llama"), m.architecture());
    assertEquals(Optional.of("Q4_1"), m.quantization());
    assertEquals(Optional.of(8192L), m.contextLength());
    assertEquals(Optional.of(30L), m.blockCount());
    assertEquals(Optional.of(576L), m.embeddingLength());
    assertEquals(Optional.of(9L), m.headCount());
    assertEquals(Optional.of(3L), m.headCountKv());
    assertEquals(Optional.of("gpt2"), m.tokenizerModel());
    assertEquals(Optional.of(49_152L), m.vocabularySize());
    assertEquals(Optional.of(false), m.addBosToken());
    assertTrue(m.chatTemplate().orElseThrow().contains("<|im_start|>"));
  }

  @Test
  void readsEveryValueTypeOfAHandWrittenFile() throws Exception {
    Gguf g = new Gguf().header(1, 9);
    g.key("general.architecture").u32(8).string("tiny");
    g.key("tiny.context_length").u32(4).u32(256);
    g.key("general.file_type").u32(4).u32(15);
    g.key("a.u8").u32(0).u8(250);
    g.key("a.i16").u32(3).u16(-2);
    g.key("a.f32").u32(6).u32(Float.floatToIntBits(0.5f));
    g.key("a.bool").u32(7).u8(1);
    g.key("a.i64").u32(11).u64(-7);
    g.key("tokenizer.ggml.tokens").u32(9).u32(8).u64(2).string("a").string("b");
    g.string("weight").u32(2).u64(3).u64(4).u32(0).u64(0);
    GgufMetadata m = GgufReader.read(g.write(dir.resolve("tiny.gguf")));
    assertEquals(Optional.of("tiny"), m.architecture());
    assertEquals(Optional.of(256L), m.contextLength());
    assertEquals(Optional.of("Q4_K_M"), m.quantization());
    assertEquals(250L, m.values().get("a.u8"));
    assertEquals(-2L, m.values().get("a.i16"));
    assertEquals(0.5, m.values().get("a.f32"));
    assertEquals(true, m.values().get("a.bool"));
    assertEquals(-7L, m.values().get("a.i64"));
    assertEquals(Optional.of(2L), m.vocabularySize());
    assertEquals(12L, m.parameterCount());
    assertEquals(Optional.empty(), m.chatTemplate());
  }

  @Test
  void aGarbageFileIsRefusedNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.gguf"), "hello, I am not a model");
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));
    assertEquals(
        file + " is not a valid GGUF model: its first bytes are 0x6c6c6568, not the GGUF magic 0x46554747 (\"GGUF\")",
        e.getMessage());
    assertEquals(file, e.file());
  }

  @Test
  void aTruncatedFileIsRefusedNamingIt() throws Exception {
    byte[] whole = new Gguf().header(0, 1).key("general.architecture").u32(8).string("tiny").bytes();
    // 24 bytes of header, the 28-byte key, then 2 of the value type's 4 bytes.
    Path file = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(whole, 54));
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));
    assertEquals(
        file + " is not a valid GGUF model: the header ends early, after 52 of 54 bytes (truncated file?)",
        e.getMessage());
  }

  @Test
  void aLengthBeyondTheFileIsRefusedBeforeAllocating() throws Exception {
    Path file = new Gguf().header(0, 1).key("x").u32(8).u64(Long.MAX_VALUE).write(dir.resolve("huge.gguf"));
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));
    assertEquals(
        file + " is not a valid GGUF model: the length of value of 'x' is 9223372036854775807, more than the 0"
            + " bytes left in the file can hold",
        e.getMessage());
  }

  /** A length the file could hold, but no string: 3 GiB (a sparse file), once read as a negative array size. */
  @Test
  void aStringLengthOverTheLimitIsRefusedBeforeAllocating() throws Exception {
    Path file = new Gguf().header(0, 1).key("x").u32(8).u64(3L << 30).write(dir.resolve("sparse.gguf"));
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(4L << 30);
    }
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));
    assertEquals(
        file + " is not a valid GGUF model: the length of value of 'x' is 3221225472 bytes, over the 16777216 a"
            + " metadata string may have",
        e.getMessage());
  }

  @Test
  void arraysAreCountedAndSkippedWithTheirLengthsChecked() throws Exception {
    Gguf g = new Gguf().header(0, 3);
    g.key("tokenizer.ggml.scores").u32(9).u32(6).u64(3).u32(1).u32(2).u32(3);
    g.key("tokenizer.ggml.tokens").u32(9).u32(8).u64(2).string("é").string("");
    g.key("general.architecture").u32(8).string("tiny");
    GgufMetadata m = GgufReader.read(g.write(dir.resolve("arrays.gguf")));
    assertEquals(Optional.of("tiny"), m.architecture());
    assertEquals(Optional.of(2L), m.vocabularySize());

    Path longString = new Gguf().header(0, 1).key("tokenizer.ggml.tokens").u32(9).u32(8).u64(1).u64(1000)
        .write(dir.resolve("long-string.gguf"));
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(longString));
    assertEquals(
        longString + " is not a valid GGUF model: the length of a string in array 'tokenizer.ggml.tokens' is 1000,"
            + " more than the 0 bytes left in the file can hold",
        e.getMessage());

    Path longArray = new Gguf().header(0, 1).key("tokenizer.ggml.scores").u32(9).u32(6).u64(1L << 40)
        .write(dir.resolve("long-array.gguf"));
    e = assertThrows(GgufFormatException.class, () -> GgufReader.read(longArray));
    assertEquals(
        longArray + " is not a valid GGUF model: the length of array 'tokenizer.ggml.scores' is 1099511627776, more"
            + " than the 0 bytes left in the file can hold",
        e.getMessage());
  }

  @Test
  void theArraysAskedForAreKeptWithTheirElements() throws Exception {
    Gguf g = new Gguf().header(0, 3);
    g.key("tokenizer.ggml.tokens").u32(9).u32(8).u64(3).string("<s>").string("é").string("");
    g.key("tokenizer.ggml.token_type").u32(9).u32(5).u64(3).u32(3).u32(1).u32(-1);
    g.key("tokenizer.ggml.scores").u32(9).u32(6).u64(1).u32(Float.floatToIntBits(0.5f));
    GgufMetadata m =
        GgufReader.read(g.write(dir.resolve("kept.gguf")), Set.of("tokenizer.ggml.tokens", "tokenizer.ggml.token_type"));
    assertEquals(new GgufArray(8, 3, List.of("<s>", "é", "")), m.values().get("tokenizer.ggml.tokens"));
    assertEquals(new GgufArray(5, 3, List.of(3L, 1L, -1L)), m.values().get("tokenizer.ggml.token_type"));
    assertEquals(new GgufArray(6, 1, List.of()), m.values().get("tokenizer.ggml.scores"));
  }

  @Test
  void anUnsupportedVersionIsNamed() throws Exception {
    Path file = new Gguf().u32(0x46554747).u32(1).u64(0).u64(0).write(dir.resolve("v1.gguf"));
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));
    assertEquals(file + " is not a valid GGUF model: GGUF version 1 is not supported (2 and 3 are)", e.getMessage());
  }

  /**
   * Keys of one hash code ("Aa" and "BB" hash alike, so do all their concatenations of one length) once cost quadratic
   * time: 2^17 of them, a 6 MB file, took 35 s. Past the cap on entries the file is refused at once; up to it, the
   * same keys are read in linear time.
   */
  @Test
  void keysOfOneHashCodeAreRefusedPastTheCapAndReadQuicklyUpToIt() throws Exception {
    Path over = collidingKeys(17).write(dir.resolve("collisions.gguf"));
    GgufFormatException e = assertTimeoutPreemptively(
        Duration.ofSeconds(2), () -> assertThrows(GgufFormatException.class, () -> GgufReader.read(over)));
    assertEquals(
        over + " is not a valid GGUF model: it declares 131072 metadata entries, over the 65536 a model's header may"
            + " have (real models have tens)",
        e.getMessage());

    Path atTheCap = collidingKeys(16).write(dir.resolve("collisions-at-the-cap.gguf"));
    GgufMetadata m = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> GgufReader.read(atTheCap));
    assertEquals(65_536, m.values().size());
    assertEquals(true, m.values().get("Aa".repeat(16)));
  }

  /** A header of 2^bits boolean entries whose keys share one hash code. */
  private static Gguf collidingKeys(int bits) {
    Gguf g = new Gguf().header(0, 1L << bits);
    StringBuilder key = new StringBuilder();
    for (int n = 0; n < 1 << bits; n++) {
      key.setLength(0);
      for (int bit = bits - 1; bit >= 0; bit--) {
        key.append((n >> bit & 1) == 0 ? "Aa" : "BB");
      }
      g.key(key.toString()).u32(7).u8(1);
    }
    return g;
  }

  @Test
  void aKeyOverTheSpecificationsLimitIsRefused() throws Exception {
    Path file = new Gguf().header(0, 1).key("k".repeat(65_536)).u32(7).u8(1).write(dir.resolve("long-key.gguf"));
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));
    assertEquals(
        file + " is not a valid GGUF model: the length of metadata key 0 is 65536 bytes, over the 65535 the GGUF"
            + " specification allows a key",
        e.getMessage());
  }

  @Test
  void aRepeatedKeyIsRefusedAsLlamaCppRefusesIt() throws Exception {
    Gguf g = new Gguf().header(0, 3);
    g.key("general.architecture").u32(8).string("llama");
    g.key("llama.context_length").u32(4).u32(256);
    g.key("general.architecture").u32(8).string("evil");
    Path file = g.write(dir.resolve("repeated.gguf"));
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(file));
    assertEquals(
        file + " is not a valid GGUF model: metadata key 'general.architecture' appears twice (again as entry 2 of 3);"
            + " llama.cpp refuses a file that repeats a key",
        e.getMessage());
  }

  /**
   * Strings of 12 MiB each, within the limit one string has: three of them are over what a header may keep (32 MiB),
   * while an array of 40 MiB that is skipped counts only its type and length. Sparse files: their zeros read as NULs.
   */
  @Test
  void theBytesOfMetadataKeptAreCappedButSkippedArraysAreNotCounted() throws Exception {
    int twelveMiB = 12 << 20;
    Path strings = dir.resolve("big-strings.gguf");
    try (RandomAccessFile file = new RandomAccessFile(strings.toFile(), "rw")) {
      file.write(new Gguf().header(0, 3).bytes());
      for (String key : List.of("a.one", "a.two", "a.three")) {
        file.write(new Gguf().key(key).u32(8).u64(twelveMiB).bytes());
        file.seek(file.getFilePointer() + twelveMiB);
      }
      file.setLength(file.getFilePointer());
    }
    GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufReader.read(strings));
    assertEquals(
        strings + " is not a valid GGUF model: its metadata up to key 'a.three' holds 37748813 bytes besides the"
            + " arrays' elements, over the 33554432 a model's header may have",
        e.getMessage());

    int fortyMiB = 40 << 20;
    Path array = dir.resolve("big-array.gguf");
    try (RandomAccessFile file = new RandomAccessFile(array.toFile(), "rw")) {
      file.write(new Gguf().header(0, 2).key("a.bytes").u32(9).u32(0).u64(fortyMiB).bytes());
      file.seek(file.getFilePointer() + fortyMiB);
      file.write(new Gguf().key("general.architecture").u32(8).string("tiny").bytes());
    }
    GgufMetadata m = GgufReader.read(array);
    assertEquals(new GgufArray(0, fortyMiB, List.of()), m.values().get("a.bytes"));
    assertEquals(Optional.of("tiny"), m.architecture());
  }
}
