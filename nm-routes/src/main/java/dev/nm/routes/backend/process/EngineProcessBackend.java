package dev.nm.routes.backend.process;

import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.LoadOptions;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs another {@link GenerationBackend} in a process of its own for each model it loads: a JVM on this
 * process's class path running {@link EngineProcessMain}. Unloading the model ends that process, so the system
 * takes back all its memory, which the engine itself may not free (java-llama.cpp 4.1.0 frees none of a model's
 * native memory when it is closed); and an engine that crashes takes only its own process down: the calls on
 * that model fail with a {@code BackendException}, and the model is loaded again on its next use.
 *
 * <p>What it costs: a JVM's start before each load (0.34 s of CPU here, 0.17 s with the class-data archive),
 * which {@link #keepAProcessReady()} takes off the load's path; one more copy of each piece of text between
 * two processes; and the engine process's JVM, 50-70 MiB, also while a process waits ready.
 */
public final class EngineProcessBackend implements GenerationBackend, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EngineProcessBackend.class);
  private static final String ARCHIVE_PREFIX = "engine-";
  private static final String RECORDING_SUFFIX = ".recording";

  private final GenerationBackend engine;
  private final List<String> jvm;
  private final List<String> main;
  private final Path archive;
  private final AtomicBoolean recording = new AtomicBoolean();
  // Guarded by this:
  private EngineProcessModel ready;
  private boolean keepAProcessReady;
  private boolean loadStarted;
  private boolean closed;

  /**
   * @param engine the backend to run in each engine process, created there with its class's public constructor
   *     without parameters
   * @param systemProperties set in each engine process, such as where a native library was unpacked
   * @param classDataDir where engine processes keep a class-data archive of the classes they load, made by one
   *     and mapped by the next (their JVM starts in half the time); null for none
   */
  public EngineProcessBackend(GenerationBackend engine, Map<String, String> systemProperties, Path classDataDir) {
    this.engine = engine;
    List<String> jvm = new ArrayList<>();
    jvm.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Stdout carries the replies: the JVM's own messages (unified logging prints to stdout by default, and the
    // class-data archive's dump at exit logs) go to stderr.
    jvm.add("-XX:+DisplayVMOutputToStderr");
    jvm.add("-Xlog:disable");
    jvm.add("-Xlog:all=warning:stderr");
    // The engine's Java code only relays: C1 and the serial collector start soonest and take least memory.
    jvm.add("-XX:TieredStopAtLevel=1");
    jvm.add("-XX:+UseSerialGC");
    jvm.add("-XX:-UsePerfData");
    systemProperties.forEach((key, value) -> jvm.add("-D" + key + "=" + value));
    this.jvm = List.copyOf(jvm);
    String classPath = System.getProperty("java.class.path");
    this.main = List.of("-cp", classPath, EngineProcessMain.class.getName(), engine.getClass().getName());
    this.archive = classDataDir == null ? null : archive(classDataDir, classPath);
  }

  @Override
  public String name() {
    return engine.name();
  }

  /**
   * Loads the model in an engine process: the one waiting ready, if there is one, else a new one.
   *
   * @throws BackendException if the process cannot start, the backend cannot load the file, or the process
   *     exits while it loads; also once this backend is closed
   */
  @Override
  public GenerationModel load(Path file, LoadOptions options) {
    EngineProcessModel process;
    synchronized (this) {
      if (closed) {
        throw new BackendException("the " + engine.name() + " engine processes are shut down; cannot load " + file);
      }
      loadStarted = true;
      process = takeReady();
      if (process != null && !process.isUsable()) {
        process.close(); // it died waiting; closing it started the next one
        process = takeReady();
      }
    }
    if (process == null || !process.isUsable()) {
      process = newProcess();
    }
    return process.load(file, options);
  }

  /**
   * Has an engine process started now, unless a load has started already, and again whenever a model is
   * unloaded, so that the next load finds one ready: the first load of a host, and a reload after an unload or
   * an engine's crash. None is started while a model stays loaded, so that a host serving one model does not
   * keep an idle process beside it.
   */
  public void keepAProcessReady() {
    synchronized (this) {
      keepAProcessReady = true;
      if (loadStarted) {
        return;
      }
    }
    startAReadyProcess();
  }

  /** Stops the process waiting ready, if any, and takes no more loads; loaded models are closed by their owner. */
  @Override
  public void close() {
    EngineProcessModel process;
    synchronized (this) {
      closed = true;
      process = takeReady();
    }
    if (process != null) {
      process.close();
    }
  }

  private EngineProcessModel newProcess() {
    List<String> command = new ArrayList<>(jvm);
    Path recordingTo = classDataOptions(command);
    command.addAll(main);
    try {
      // Run once the process has exited after its model was closed: the JVM has written its recording by then.
      return EngineProcessModel.start(command, engine.name(), () -> {
        if (recordingTo != null) {
          adoptRecording(recordingTo);
        }
        startAReadyProcess();
      });
    } catch (RuntimeException e) {
      if (recordingTo != null) {
        recording.set(false);
      }
      throw e;
    }
  }

  private synchronized EngineProcessModel takeReady() {
    EngineProcessModel process = ready;
    ready = null;
    return process;
  }

  /** Starts the process the next load takes, if one should wait ready and none does; failures are only logged. */
  private void startAReadyProcess() {
    synchronized (this) {
      if (!keepAProcessReady || closed || ready != null) {
        return;
      }
      try {
        ready = newProcess();
      } catch (RuntimeException e) {
        log.warn("cannot start an engine process ahead of the next load: {}", e.getMessage());
      }
    }
  }

  /**
   * Adds the options that map the class-data archive, or make one: from Java 19 the JVM does both, making the
   * archive at exit when it finds none it can use; before, one process at a time records to a file of its own,
   * which becomes the archive once that process has exited (the JVM writes it as it exits). Returns that file.
   */
  private Path classDataOptions(List<String> command) {
    if (archive == null) {
      return null;
    }
    try {
      Files.createDirectories(archive.getParent());
    } catch (IOException e) {
      log.debug("no class-data archive for engine processes: {}", e.toString());
      return null;
    }
    if (Runtime.version().feature() >= 19) {
      command.add("-XX:+AutoCreateSharedArchive");
      command.add("-XX:SharedArchiveFile=" + archive);
      return null;
    }
    if (Files.isRegularFile(archive)) {
      command.add("-XX:SharedArchiveFile=" + archive);
      return null;
    }
    if (!recording.compareAndSet(false, true)) {
      return null;
    }
    Path recordingTo = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + RECORDING_SUFFIX);
    command.add("-XX:ArchiveClassesAtExit=" + recordingTo);
    return recordingTo;
  }

  private void adoptRecording(Path recordingTo) {
    try {
      if (Files.size(recordingTo) > 0) {
        // On disk before it takes the archive's name: after a power loss, a cut-short archive would be kept
        // (its name says only which Java and jars it is for), and every later engine would start without it.
        try (FileChannel recorded = FileChannel.open(recordingTo, StandardOpenOption.WRITE)) {
          recorded.force(true);
        }
        Files.move(recordingTo, archive, StandardCopyOption.ATOMIC_MOVE);
        log.debug("engine processes map {} from now on", archive);
      }
    } catch (IOException e) {
      log.debug("the engine process made no class-data archive: {}", e.toString());
    } finally {
      try {
        Files.deleteIfExists(recordingTo);
      } catch (IOException e) {
        log.debug("cannot remove {}: {}", recordingTo, e.toString());
      }
      recording.set(false);
    }
  }

  /**
   * The archive for this Java and this class path (each jar's size and time: a rebuilt jar changes it), in
   * {@code dir}; recordings left by hosts that are gone, and archives of other Javas or jars, are removed. None
   * for a class path with a directory (a build's classes, an IDE's), which a JVM that records or maps an archive
   * refuses to start with.
   */
  static Path archive(Path dir, String classPath) {
    CRC32 version = new CRC32();
    for (String entry : classPath.split(File.pathSeparator)) {
      File file = new File(entry);
      if (!file.isFile()) {
        return null;
      }
      version.update((entry + ":" + file.length() + ":" + file.lastModified() + ";").getBytes(StandardCharsets.UTF_8));
    }
    String name = ARCHIVE_PREFIX + Runtime.version() + "-" + Long.toHexString(version.getValue()) + ".jsa";
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ARCHIVE_PREFIX + "*")) {
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        if (fileName.endsWith(RECORDING_SUFFIX)) {
          String[] parts = fileName.split("\\.");
          long pid = parts.length > 2 ? parseLong(parts[parts.length - 2]) : -1;
          if (pid > 0 && ProcessHandle.of(pid).isEmpty()) {
            Files.deleteIfExists(file);
          }
        } else if (fileName.endsWith(".jsa") && !fileName.equals(name)) {
          // A process still mapping it keeps its pages; an upgrade's or another Java's, it is not ours to map.
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      // no directory yet, or an unreadable one: nothing to remove
    }
    return dir.resolve(name);
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
