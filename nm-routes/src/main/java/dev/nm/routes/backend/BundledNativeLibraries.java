package dev.nm.routes.backend;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native libraries that java-llama.cpp, ONNX Runtime and sqlite-jdbc carry in their jars, unpacked once per
 * version into a directory of the host's and loaded from there. Each of those libraries otherwise unpacks its
 * own into a new temporary directory in every process that uses it (measured on the reference machine: 130 ms of
 * a daemon's first model load, 75 ms of its first embeddings, 35 ms of its store's opening), and a killed daemon
 * leaves them behind in {@code /tmp}. Each also reads a system property naming a directory that already holds its
 * library, which is what {@link #install} sets. A platform whose library is not where this class looks for it,
 * or a property the user set, is left to the library's own loader.
 */
public final class BundledNativeLibraries {
  private static final Logger log = LoggerFactory.getLogger(BundledNativeLibraries.class);
  private static boolean installed;

  /**
   * One library: the files its jar holds for this platform, and the system properties that point its loader at
   * a directory holding them ({@code {dir}} stands for that directory, {@code {root}} for the directory of all
   * the libraries' directories).
   */
  record Library(String name, String resourceDir, List<String> files, Map<String, String> properties) {}

  private BundledNativeLibraries() {}

  /**
   * Unpacks, where needed, and points each library at its directory under {@code cacheRoot}; does nothing after
   * its first call in a process, or for a library whose properties are already set.
   */
  public static synchronized void install(Path cacheRoot) {
    if (installed) {
      return;
    }
    installed = true;
    for (Library library : forThisPlatform()) {
      if (library.properties().keySet().stream().anyMatch(key -> System.getProperty(key) != null)) {
        continue;
      }
      try {
        unpack(library, cacheRoot, BundledNativeLibraries.class.getClassLoader())
            .forEach(System::setProperty);
      } catch (IOException | RuntimeException e) {
        log.warn("cannot unpack {} into {}; it unpacks itself into a temporary directory: {}", library.name(), cacheRoot, e.toString());
      }
    }
  }

  /**
   * The system properties set in this process that point this platform's libraries at their files, by
   * {@link #install} or by the user: what a child JVM needs to load them from the same place.
   */
  public static Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Library library : forThisPlatform()) {
      for (String key : library.properties().keySet()) {
        String value = System.getProperty(key);
        if (value != null) {
          properties.put(key, value);
        }
      }
    }
    return properties;
  }

  /**
   * The directory under {@code cacheRoot} that holds this version of the library, unpacked now if it is not there
   * yet or not whole, as the properties that name it; none if the class path holds no such library for this platform. Other
   * versions' directories stay: a daemon of an earlier installation, retiring after an upgrade, may not have
   * loaded its library yet. A version is its files' CRCs, so they change only with the library.
   */
  static Map<String, String> unpack(Library library, Path cacheRoot, ClassLoader loader) throws IOException {
    List<URL> resources = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    CRC32 version = new CRC32();
    for (String file : library.files()) {
      URL resource = loader.getResource(library.resourceDir() + "/" + file);
      if (resource == null) {
        return Map.of();
      }
      URLConnection connection = resource.openConnection();
      if (!(connection instanceof JarURLConnection jar)) {
        return Map.of();
      }
      version.update(Long.toHexString(jar.getJarEntry().getCrc()).getBytes(StandardCharsets.US_ASCII));
      version.update(Long.toHexString(jar.getJarEntry().getSize()).getBytes(StandardCharsets.US_ASCII));
      resources.add(resource);
      sizes.add(jar.getJarEntry().getSize());
    }
    String name = library.name() + "-" + Long.toHexString(version.getValue());
    Path dir = cacheRoot.resolve(name);
    if (!isWhole(dir, library.files(), sizes)) {
      Files.createDirectories(cacheRoot);
      long pid = ProcessHandle.current().pid();
      Path unpacking = cacheRoot.resolve(name + ".unpacking-" + pid);
      deleteTree(unpacking);
      Files.createDirectory(unpacking);
      for (int i = 0; i < resources.size(); i++) {
        Path file = unpacking.resolve(library.files().get(i));
        try (InputStream in = resources.get(i).openStream()) {
          Files.copy(in, file);
        }
        // On the disk before the directory's rename is: else a power loss can leave the name over a file
        // that is empty or cut short, which every later process would take for the library.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
      try {
        Files.move(unpacking, dir, StandardCopyOption.ATOMIC_MOVE);
        log.info("unpacked {} into {}", library.name(), dir);
      } catch (FileSystemException taken) {
        // Linux says "Directory not empty" with a plain FileSystemException, not DirectoryNotEmptyException.
        if (!isWhole(dir, library.files(), sizes)) {
          // Left cut short by a crash before its files were forced to the disk: set aside, replaced whole.
          Path broken = cacheRoot.resolve(name + ".broken-" + pid);
          deleteTree(broken);
          try {
            Files.move(dir, broken, StandardCopyOption.ATOMIC_MOVE);
            Files.move(unpacking, dir, StandardCopyOption.ATOMIC_MOVE);
            log.warn("{} held a damaged copy of {}; unpacked it again", dir, library.name());
          } catch (IOException repairedMeanwhile) {
            // Another process set the damaged copy aside and put its own in place first: that one will do.
            if (!isWhole(dir, library.files(), sizes)) {
              throw repairedMeanwhile;
            }
          } finally {
            deleteTree(broken);
          }
        } // else another process won
      } finally {
        deleteTree(unpacking);
      }
      forceDirectory(cacheRoot);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    library.properties().forEach(
        (key, value) -> properties.put(key, value.replace("{dir}", dir.toString()).replace("{root}", cacheRoot.toString())));
    return properties;
  }

  /**
   * Whether {@code dir} holds each file at its size in the jar. Sizes only: reading the libraries through to
   * compare their contents would cost more than the unpacking this class saves.
   */
  private static boolean isWhole(Path dir, List<String> files, List<Long> sizes) {
    try {
      for (int i = 0; i < files.size(); i++) {
        if (Files.size(dir.resolve(files.get(i))) != sizes.get(i)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // a directory cannot be opened here (Windows): the rename stands as the file system keeps it
    }
  }

  /** Where each library's loader looks in its jar for this operating system and processor. */
  static List<Library> forThisPlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String llamaOs = os.startsWith("linux") ? "Linux" : os.startsWith("mac") ? "Mac" : os.startsWith("windows") ? "Windows" : null;
    String onnxOs = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "win" : null;
    String arch = switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> null;
    };
    List<Library> libraries = new ArrayList<>();
    if (llamaOs != null && arch != null) {
      // java-llama.cpp first deletes every file named llama* or jllama* in its temporary directory (the shared
      // java.io.tmpdir by default, racing other JVMs); the root holds only the libraries' directories, named
      // otherwise, so it deletes nothing there.
      libraries.add(new Library("java-llama.cpp", "de/kherud/llama/" + llamaOs + "/" + arch,
          List.of(System.mapLibraryName("jllama")),
          Map.of("de.kherud.llama.lib.path", "{dir}", "de.kherud.llama.tmpdir", "{root}")));
    }
    if (onnxOs != null && arch != null) {
      libraries.add(new Library("onnxruntime", "ai/onnxruntime/native/" + onnxOs + "-" + (arch.equals("x86_64") ? "x64" : arch),
          List.of(System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni")),
          Map.of("onnxruntime.native.path", "{dir}")));
    }
    String sqliteFile = System.mapLibraryName("sqlitejdbc");
    libraries.add(new Library("sqlite-jdbc", "org/sqlite/native/" + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS(),
        List.of(sqliteFile), Map.of("org.sqlite.lib.path", "{dir}", "org.sqlite.lib.name", sqliteFile)));
    return libraries;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(dir);
  }
}
