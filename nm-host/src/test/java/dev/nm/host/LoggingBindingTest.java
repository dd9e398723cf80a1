package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * nm-host is a library: it logs through SLF4J and leaves the binding and its configuration to the
 * application that embeds it.
 */
class LoggingBindingTest {
  /**
   * Logback reads the first {@code logback.xml} on the class path; one in a library jar would shadow the
   * application's own, depending on class-path order. The CLI's configurations live under
   * {@code dev/nm/host/cli/} and are read only when the CLI names them.
   */
  @Test
  void noJarOnTheClassPathShipsALogbackConfiguration() {
    assertNull(NativeMessagingServer.class.getClassLoader().getResource("logback.xml"));
  }
}
