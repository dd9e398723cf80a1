package dev.nm.routes.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a GGUF file by hand, field by field (little-endian, version 3), for tests of what reads one. */
public final class Gguf {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public Gguf header(long tensors, long keys) {
    return u32(0x46554747).u32(3).u64(tensors).u64(keys);
  }

  public Gguf key(String key) {
    return string(key);
  }

  public Gguf string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u64(b.length);
    out.writeBytes(b);
    return this;
  }

  public Gguf u8(int v) {
    out.write(v);
    return this;
  }

  public Gguf u16(int v) {
    return put(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v));
  }

  public Gguf u32(int v) {
    return put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v));
  }

  public Gguf u64(long v) {
    return put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v));
  }

  private Gguf put(ByteBuffer b) {
    out.writeBytes(b.array());
    return this;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  public Path write(Path file) throws Exception {
    return Files.write(file, bytes());
  }
}
