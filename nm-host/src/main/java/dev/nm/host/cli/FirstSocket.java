package dev.nm.host.cli;

/**
 * Shortens what the JDK does, once per process, before the first Unix-domain socket opens: a relay pays it on
 * every browser launch, and it was most of the time between the relay's {@code main} and its first frame.
 *
 * <p>{@link java.nio.channels.spi.SelectorProvider#provider()} first reads the system property
 * {@value #SELECTOR_PROVIDER_PROPERTY}; without it, it looks for a provider with a
 * {@link java.util.ServiceLoader}, which opens every jar on the class path (10-20 ms). The property is set to
 * the class the JDK would fall back to, only if this JVM has it with the public constructor the property
 * requires, and never over a provider the user chose.
 */
final class FirstSocket {
  static final String SELECTOR_PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";

  private FirstSocket() {}

  /** Call before opening the first socket channel of the process; later calls do nothing. */
  static void prepare() {
    if (System.getProperty(SELECTOR_PROVIDER_PROPERTY) != null) {
      return;
    }
    String provider = switch (System.getProperty("os.name")) {
      case "Linux" -> "sun.nio.ch.EPollSelectorProvider";
      case "Mac OS X" -> "sun.nio.ch.KQueueSelectorProvider";
      default -> null;
    };
    if (provider == null) {
      return;
    }
    try {
      Class.forName(provider, false, null).getConstructor();
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return;
    }
    System.setProperty(SELECTOR_PROVIDER_PROPERTY, provider);
  }
}
