package dev.nm.protocol;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Byte arrays written out by hand in tests. */
final class Bytes {
  private Bytes() {}

  /** Each argument is one byte: {@code of(0x02, 0x00, 0x00, 0x00, '{', '}')}. */
  static byte[] of(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < -128 || values[i] > 0xff) {
        throw new IllegalArgumentException("not a byte: " + values[i]);
      }
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
