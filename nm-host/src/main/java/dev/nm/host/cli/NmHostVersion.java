package dev.nm.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The version of this build of nm-host, written into {@code version.properties} by Maven. */
final class NmHostVersion {
  private NmHostVersion() {}

  static String get() {
    Properties properties = new Properties();
    try (InputStream in = NmHostVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the nm-host jar: a broken build");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  /** For {@code nm-host --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"nm-host " + get(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
