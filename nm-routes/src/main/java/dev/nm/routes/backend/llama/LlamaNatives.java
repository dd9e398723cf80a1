package dev.nm.routes.backend.llama;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;
import dev.nm.routes.backend.BackendException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads java-llama.cpp's native library once per process, keeping stdout clean.
 *
 * <p>java-llama.cpp 4.1.0 extracts its library into {@code de.kherud.llama.tmpdir} (default: the shared
 * {@code java.io.tmpdir}, where it first deletes every {@code llama*}/{@code jllama*} file, racing any other JVM
 * doing the same) and announces the extraction with {@code System.out.println}. A native-messaging host's stdout
 * carries frames only, so the library is loaded with {@code System.out} pointed at stderr, and native log
 * messages are routed to SLF4J. The host's modules have set that directory and the library's own
 * ({@link dev.nm.routes.backend.BundledNativeLibraries}); where nothing has, a private temporary directory is
 * made for it.
 */
final class LlamaNatives {
  private static final Logger log = LoggerFactory.getLogger("llama.cpp");
  private static final String TMPDIR_PROPERTY = "de.kherud.llama.tmpdir";
  private static boolean loaded;
  /** Why the library could not be loaded, once it could not: the JVM loads a class only once. */
  private static LinkageError failure;

  private LlamaNatives() {}

  /**
   * Loads the library if this process has not yet, and (again) routes native logging to SLF4J.
   *
   * @throws BackendException if the library cannot be loaded here, at every call
   */
  static synchronized void load() {
    if (failure != null) {
      throw cannotLoad(failure);
    }
    if (!loaded) {
      if (System.getProperty(TMPDIR_PROPERTY) == null) {
        System.setProperty(TMPDIR_PROPERTY, privateDirectory().toString());
      }
      PrintStream stdout = System.out;
      System.setOut(System.err);
      try {
        initialize();
      } catch (LinkageError e) { // UnsatisfiedLinkError, ExceptionInInitializerError
        failure = e;
        throw cannotLoad(e);
      } finally {
        System.setOut(stdout);
      }
      loaded = true;
    }
    routeLogsToSlf4j();
  }

  /**
   * Installs the SLF4J bridge. Loading a model runs llama.cpp's {@code common_init}, which takes the log
   * callback back (its own logger writes to stderr), so this runs again after every load.
   */
  static synchronized void routeLogsToSlf4j() {
    LlamaModel.setLogger(LogFormat.TEXT, LlamaNatives::log);
  }

  private static void initialize() {
    try {
      Class.forName(LlamaModel.class.getName(), true, LlamaNatives.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("java-llama.cpp is not on the class path", e);
    }
  }

  private static BackendException cannotLoad(LinkageError e) {
    return new BackendException("java-llama.cpp's native library cannot be loaded on this system: " + e, e);
  }

  private static Path privateDirectory() {
    try {
      Path dir = Files.createTempDirectory("nm-llama-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for llama.cpp's native library", e);
    }
  }

  private static void log(LogLevel level, String message) {
    String text = message.stripTrailing();
    if (text.isEmpty()) {
      return;
    }
    switch (level) {
      case ERROR -> log.error(text);
      case WARN -> log.warn(text);
      case INFO -> log.info(text);
      case DEBUG -> log.debug(text);
    }
  }
}
