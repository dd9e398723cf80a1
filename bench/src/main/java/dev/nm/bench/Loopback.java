package dev.nm.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

/**
 * An in-memory byte pipe for one thread: what is written can be read back through {@link #source()}, without
 * the copy {@link #toByteArray()} makes. {@link #rewind()} empties it.
 */
final class Loopback extends ByteArrayOutputStream {
  private int readPosition;

  void rewind() {
    reset();
    readPosition = 0;
  }

  InputStream source() {
    return new InputStream() {
      @Override
      public int read() {
        return readPosition < count ? buf[readPosition++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (readPosition == count) {
          return -1;
        }
        int n = Math.min(len, count - readPosition);
        System.arraycopy(buf, readPosition, b, off, n);
        readPosition += n;
        return n;
      }
    };
  }
}
