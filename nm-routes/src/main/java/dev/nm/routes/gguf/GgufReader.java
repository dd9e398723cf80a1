package dev.nm.routes.gguf;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the header of a GGUF file (the key/value metadata and the tensor directory) without touching the
 * weights. All integers are little-endian:
 *
 * <pre>
 *   magic "GGUF" | version u32 (2 or 3) | tensor_count u64 | kv_count u64
 *   kv_count x  { key: string | type: u32 | value }
 *   tensor_count x { name: string | n_dims: u32 | dims: u64[n_dims] | ggml_type: u32 | offset: u64 }
 *   string = length u64 | UTF-8 bytes;  array = element_type u32 | length u64 | elements
 * </pre>
 *
 * Every length read from the file is checked against the bytes the file can still hold before anything is
 * allocated, so a corrupt or hostile file fails with a {@link GgufFormatException} naming it. What a header may
 * hold is capped besides, since the file is read on every listing of the models directory: at most
 * {@value #MAX_METADATA_COUNT} metadata entries (real models have tens: a vocabulary is one array value), keys of at
 * most {@value #MAX_KEY_BYTES} bytes (the GGUF specification's limit), at most {@value #MAX_METADATA_BYTES} bytes of
 * keys and values kept besides the arrays the caller asks for, and each key once (llama.cpp refuses a repeated one).
 */
public final class GgufReader {
  private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
  private static final int MAX_DIMS = 8;
  private static final int MAX_STRING_BYTES = 16 << 20;
  /** The most metadata entries a header may declare: real models have tens (SmolLM2's has 33). */
  static final int MAX_METADATA_COUNT = 65_536;
  /** The longest metadata key, in bytes: the GGUF specification's own limit, 2^16 - 1. */
  static final int MAX_KEY_BYTES = 65_535;
  /**
   * The most bytes of keys and of values (a string's UTF-8 bytes, a number's width) a header may hold besides the
   * arrays kept: twice the longest string. Real models hold some kilobytes; one that embeds a whole Hugging Face
   * tokenizer as a string, some megabytes.
   */
  static final int MAX_METADATA_BYTES = 2 * MAX_STRING_BYTES;

  private static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
      BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

  private final Path file;
  private final long fileSize;
  private final DataInputStream in;
  private final Set<String> arraysToKeep;
  private long position;
  /** The bytes of keys and values read so far that count against {@link #MAX_METADATA_BYTES}. */
  private long metadataBytes;

  private GgufReader(Path file, long fileSize, InputStream in, Set<String> arraysToKeep) {
    this.file = file;
    this.fileSize = fileSize;
    this.arraysToKeep = arraysToKeep;
    this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
  }

  /**
   * Reads {@code file}'s header.
   *
   * @throws GgufFormatException if the file is not a well-formed GGUF file
   * @throws IOException if the file cannot be read
   */
  public static GgufMetadata read(Path file) throws IOException {
    return read(file, Set.of());
  }

  /**
   * Reads {@code file}'s header, keeping the elements of the arrays named in {@code arraysToKeep} (a model's
   * vocabulary, say); every other array is only counted.
   *
   * @throws GgufFormatException if the file is not a well-formed GGUF file
   * @throws IOException if the file cannot be read
   */
  public static GgufMetadata read(Path file, Set<String> arraysToKeep) throws IOException {
    long size = Files.size(file);
    try (InputStream stream = Files.newInputStream(file)) {
      return new GgufReader(file, size, stream, arraysToKeep).readHeader();
    }
  }

  private GgufMetadata readHeader() throws IOException {
    try {
      int magic = u32();
      if (magic != MAGIC) {
        throw fail(String.format("its first bytes are 0x%08x, not the GGUF magic 0x%08x (\"GGUF\")", magic, MAGIC));
      }
      int version = u32();
      if (version != 2 && version != 3) {
        throw fail("GGUF version " + Integer.toUnsignedString(version) + " is not supported (2 and 3 are)");
      }
      long tensorCount = count("tensor count", 8 + 4 + 4 + 8);
      long kvCount = count("metadata count", 8 + 4);
      if (kvCount > MAX_METADATA_COUNT) {
        throw fail("it declares " + kvCount + " metadata entries, over the " + MAX_METADATA_COUNT
            + " a model's header may have (real models have tens)");
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        long start = position;
        String key = string("metadata key " + i, CodingErrorAction.REPORT, MAX_KEY_BYTES, "the GGUF specification allows a key");
        if (values.containsKey(key)) {
          throw fail("metadata key " + shown(key) + " appears twice (again as entry " + i + " of " + kvCount
              + "); llama.cpp refuses a file that repeats a key");
        }
        long keyEnd = position;
        Object value = value(u32(), key);
        countMetadata(key, (value instanceof GgufArray ? keyEnd + 4 + 4 + 8 : position) - start);
        values.put(key, value);
      }
      long parameters = 0;
      for (long i = 0; i < tensorCount; i++) {
        String name = string("tensor name");
        int dims = u32();
        if (dims < 1 || dims > MAX_DIMS) {
          throw fail("tensor '" + name + "' declares " + Integer.toUnsignedString(dims) + " dimensions");
        }
        long elements = 1;
        for (int d = 0; d < dims; d++) {
          elements = Math.multiplyExact(elements, count("dimension of tensor '" + name + "'", 0));
        }
        parameters += elements;
        u32(); // ggml type
        u64(); // data offset
      }
      return new GgufMetadata(file, fileSize, version, tensorCount, parameters, values);
    } catch (EOFException e) {
      throw fail("the header ends early, after " + position + " of " + fileSize + " bytes (truncated file?)");
    } catch (ArithmeticException e) {
      throw fail("a tensor's size overflows 64 bits");
    }
  }

  /**
   * Counts an entry's bytes against {@link #MAX_METADATA_BYTES}: its key's and its value's, of an array its type and
   * length only (its elements are either skipped or asked for).
   */
  private void countMetadata(String key, long bytes) throws GgufFormatException {
    metadataBytes += bytes;
    if (metadataBytes > MAX_METADATA_BYTES) {
      throw fail("its metadata up to key " + shown(key) + " holds " + metadataBytes + " bytes besides the arrays' elements,"
          + " over the " + MAX_METADATA_BYTES + " a model's header may have");
    }
  }

  private Object value(int type, String key) throws IOException {
    return switch (type) {
      case UINT8 -> (long) u8();
      case INT8 -> (long) (byte) u8();
      case UINT16 -> (long) u16();
      case INT16 -> (long) (short) u16();
      case UINT32 -> Integer.toUnsignedLong(u32());
      case INT32 -> (long) u32();
      case FLOAT32 -> (double) Float.intBitsToFloat(u32());
      case BOOL -> u8() != 0;
      case STRING -> string("value of '" + key + "'");
      case ARRAY -> array(key);
      case UINT64, INT64 -> u64();
      case FLOAT64 -> Double.longBitsToDouble(u64());
      default -> throw fail("metadata '" + key + "' has unknown value type " + Integer.toUnsignedString(type));
    };
  }

  /**
   * Reads an array, keeping its elements only if asked: a tokenizer's (tens of thousands of strings) would
   * otherwise be decoded one by one on every listing of a new or changed file.
   */
  private GgufArray array(String key) throws IOException {
    int elementType = u32();
    if (elementType == ARRAY) {
      throw fail("metadata '" + key + "' nests arrays, which GGUF does not allow");
    }
    int width = fixedWidth(elementType, key);
    long length = count("length of array '" + key + "'", width == 0 ? 8 : width);
    if (arraysToKeep.contains(key)) {
      List<Object> elements = new ArrayList<>((int) Math.min(length, 1 << 16)); // grows as the file proves the length
      for (long i = 0; i < length; i++) {
        // A vocabulary may hold a token that is not valid UTF-8 (llama.cpp loads it all the same): its bytes read
        // as replacement characters, rather than the model failing to load.
        elements.add(elementType == STRING ? string("element of '" + key + "'", CodingErrorAction.REPLACE) : value(elementType, key));
      }
      return new GgufArray(elementType, length, elements);
    }
    if (width > 0) {
      skip(length * width);
    } else {
      String what = "length of a string in array '" + key + "'";
      for (long i = 0; i < length; i++) {
        skip(count(what, 1));
      }
    }
    return new GgufArray(elementType, length, List.of());
  }

  /** The bytes one value of a fixed-size type takes; 0 for a string. */
  private int fixedWidth(int type, String key) throws GgufFormatException {
    return switch (type) {
      case UINT8, INT8, BOOL -> 1;
      case UINT16, INT16 -> 2;
      case UINT32, INT32, FLOAT32 -> 4;
      case UINT64, INT64, FLOAT64 -> 8;
      case STRING -> 0;
      default -> throw fail("metadata '" + key + "' has unknown value type " + Integer.toUnsignedString(type));
    };
  }

  private void skip(long bytes) throws IOException {
    in.skipNBytes(bytes);
    position += bytes;
  }

  private String string(String what) throws IOException {
    return string(what, CodingErrorAction.REPORT);
  }

  private String string(String what, CodingErrorAction malformed) throws IOException {
    // chat templates, the longest strings of most models, are some kilobytes
    return string(what, malformed, MAX_STRING_BYTES, "a metadata string may have");
  }

  /** A string of at most {@code maxBytes}, which {@code limit} says who allows, e.g. "a metadata string may have". */
  private String string(String what, CodingErrorAction malformed, int maxBytes, String limit) throws IOException {
    long length = count("length of " + what, 1);
    if (length > maxBytes) {
      throw fail("the length of " + what + " is " + length + " bytes, over the " + maxBytes + " " + limit);
    }
    byte[] bytes = new byte[(int) length];
    in.readFully(bytes);
    position += length;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(malformed)
          .onUnmappableCharacter(malformed)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail("the " + what + " is not valid UTF-8");
    }
  }

  /** A u64 count that cannot exceed the bytes left in the file, given each counted item takes {@code minItemBytes}. */
  private long count(String what, int minItemBytes) throws IOException {
    long n = u64();
    long remaining = fileSize - position;
    if (n < 0 || (minItemBytes > 0 && n > remaining / minItemBytes)) {
      throw fail("the " + what + " is " + Long.toUnsignedString(n) + ", more than the " + remaining
          + " bytes left in the file can hold");
    }
    return n;
  }

  private int u32() throws IOException {
    int v = Integer.reverseBytes(in.readInt());
    position += 4;
    return v;
  }

  private long u64() throws IOException {
    long v = Long.reverseBytes(in.readLong());
    position += 8;
    return v;
  }

  private int u8() throws IOException {
    int v = in.readUnsignedByte();
    position += 1;
    return v;
  }

  private int u16() throws IOException {
    int v = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    position += 2;
    return v;
  }

  /** A key as a message shows it: quoted, and cut short past 64 characters (a key may have 65,535). */
  private static String shown(String key) {
    return "'" + (key.length() > 64 ? key.substring(0, 64) + "..." : key) + "'";
  }

  private GgufFormatException fail(String problem) {
    return new GgufFormatException(file, problem);
  }
}
