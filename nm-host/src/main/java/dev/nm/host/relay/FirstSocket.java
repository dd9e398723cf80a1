package dev.nm.host.relay;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Shortens what the JDK does, once per process, before the first Unix-domain socket opens: a relay pays it on
 * every browser launch, and it was most of the time between the relay's {@code main} and its first frame.
 *
 * <p>{@link java.nio.channels.spi.SelectorProvider#provider()} first reads the system property
 * {@value #SELECTOR_PROVIDER_PROPERTY}; without it, it looks for a provider with a
 * {@link java.util.ServiceLoader}, which opens every jar on the class path (10-20 ms). The property is set to
 * the class the JDK would fall back to, only if this JVM has it with the public constructor the property
 * requires, and never over a provider the user chose.
 *
 * <p>The JDK's {@code sun.nio.ch.UnixDomainSockets} creates a {@link SecureRandom} when it is initialised (to
 * name the files of sockets bound without a path), which reads the security properties and builds the
 * {@code SUN} provider with its table of object identifiers: 10-12 ms of a relay's launch, that depends on
 * nothing the relay does. {@link #startSecurityProviders()} does it on a thread of its own while the relay's
 * main thread gets on with the rest, of which the selector provider's first lambda, setting up the JDK's
 * method-handle machinery, takes 5 ms.
 */
final class FirstSocket {
  static final String SELECTOR_PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
  /** Set by the relay's main thread, the only one that starts the set-up. */
  private static boolean securityProvidersStarted;

  private FirstSocket() {}

  /**
   * Starts setting up the JDK's security providers on a thread of its own; the first Unix-domain socket then
   * finds them ready, or waits for the rest. Call before the first socket, as early as the process knows it
   * will open one; later calls do nothing.
   */
  static void startSecurityProviders() {
    if (securityProvidersStarted) {
      return;
    }
    securityProvidersStarted = true;
    Thread thread = new Thread(new SecurityProviders(), "nm-security-providers");
    thread.setDaemon(true);
    thread.start();
  }

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

  /**
   * What {@code UnixDomainSockets} asks for, asked first. A class, not a lambda: the first lambda of the
   * process sets up the method-handle machinery, which is the main thread's part of the work.
   */
  private static final class SecurityProviders implements Runnable {
    @Override
    public void run() {
      try {
        SecureRandom.getInstance("NativePRNGNonBlocking");
      } catch (NoSuchAlgorithmException e) {
        // Not on this platform: the JDK then falls back to the default SecureRandom, as the socket will.
        new SecureRandom();
      }
    }
  }
}
