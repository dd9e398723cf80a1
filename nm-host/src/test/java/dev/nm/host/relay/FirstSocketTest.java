package dev.nm.host.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FirstSocketTest {
  @Test
  void namesTheSelectorProviderTheJdkUses() {
    assumeTrue(Set.of("Linux", "Mac OS X").contains(System.getProperty("os.name")), "named on Linux and macOS only");

    FirstSocket.prepare();

    assertEquals(
        SelectorProvider.provider().getClass().getName(), System.getProperty(FirstSocket.SELECTOR_PROVIDER_PROPERTY));
  }

  @Test
  void keepsTheProviderTheUserChose() {
    SelectorProvider.provider(); // chosen for this JVM before the made-up name below is set
    String named = System.getProperty(FirstSocket.SELECTOR_PROVIDER_PROPERTY);
    System.setProperty(FirstSocket.SELECTOR_PROVIDER_PROPERTY, "example.UsersSelectorProvider");
    try {
      FirstSocket.prepare();

      assertEquals("example.UsersSelectorProvider", System.getProperty(FirstSocket.SELECTOR_PROVIDER_PROPERTY));
    } finally {
      if (named == null) {
        System.clearProperty(FirstSocket.SELECTOR_PROVIDER_PROPERTY);
      } else {
        System.setProperty(FirstSocket.SELECTOR_PROVIDER_PROPERTY, named);
      }
    }
  }
}
