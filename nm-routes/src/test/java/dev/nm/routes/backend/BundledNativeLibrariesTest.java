package dev.nm.routes.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.JarURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledNativeLibrariesTest {
  private static final ClassLoader LOADER = BundledNativeLibrariesTest.class.getClassLoader();

  @TempDir Path cache;

  @Test
  void unpacksALibraryOnceAndPointsItsLoaderAtIt() throws Exception {
    BundledNativeLibraries.Library sqlite = library("sqlite-jdbc");
    String file = sqlite.files().get(0);
    Files.createDirectories(cache.resolve("sqlite-jdbc-deadbeef"));
    Files.writeString(cache.resolve("sqlite-jdbc-deadbeef/" + file), "an older version");

    Map<String, String> properties = BundledNativeLibraries.unpack(sqlite, cache, LOADER);

    Path dir = Path.of(properties.get("org.sqlite.lib.path"));
    assertEquals(Map.of("org.sqlite.lib.path", dir.toString(), "org.sqlite.lib.name", file), properties);
    assertEquals(cache, dir.getParent());
    JarURLConnection entry = (JarURLConnection) LOADER.getResource(sqlite.resourceDir() + "/" + file).openConnection();
    assertEquals(entry.getJarEntry().getSize(), Files.size(dir.resolve(file)));
    assertEquals(Stream.of("sqlite-jdbc-deadbeef", dir.getFileName().toString()).sorted().toList(), names(cache),
        "another version stays: a process of another installation may still load it");

    FileTime unpacked = Files.getLastModifiedTime(dir.resolve(file));
    Thread.sleep(20);
    assertEquals(properties, BundledNativeLibraries.unpack(sqlite, cache, LOADER));
    assertEquals(unpacked, Files.getLastModifiedTime(dir.resolve(file)), "the second process reuses the first's");
  }

  @Test
  void aLibraryLeftTruncatedByACrashIsUnpackedAgain() throws Exception {
    BundledNativeLibraries.Library sqlite = library("sqlite-jdbc");
    String file = sqlite.files().get(0);
    Path dir = Path.of(BundledNativeLibraries.unpack(sqlite, cache, LOADER).get("org.sqlite.lib.path"));
    long size = Files.size(dir.resolve(file));
    // What a power loss after the directory's rename can leave: the name on the disk, not all of the data.
    try (var channel = java.nio.channels.FileChannel.open(dir.resolve(file), java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }

    Map<String, String> properties = BundledNativeLibraries.unpack(sqlite, cache, LOADER);

    assertEquals(dir.toString(), properties.get("org.sqlite.lib.path"));
    assertEquals(size, Files.size(dir.resolve(file)), "the library whole again");
    assertEquals(List.of(dir.getFileName().toString()), names(cache).stream().filter(n -> n.startsWith(dir.getFileName().toString())).toList(),
        "no broken copy or scratch directory left: " + names(cache));
  }

  @Test
  void javaLlamaCppCleansUpInADirectoryWhereItDeletesNothing() throws Exception {
    for (BundledNativeLibraries.Library library : BundledNativeLibraries.forThisPlatform()) {
      BundledNativeLibraries.unpack(library, cache, LOADER);
    }
    Map<String, String> properties = BundledNativeLibraries.unpack(library("java-llama.cpp"), cache, LOADER);

    assertEquals(cache.toString(), properties.get("de.kherud.llama.tmpdir"));
    assertEquals(cache, Path.of(properties.get("de.kherud.llama.lib.path")).getParent());
    // What its loader deletes there before it loads the library (LlamaLoader.shouldCleanPath in 4.1.0).
    assertEquals(List.of(), names(cache).stream().filter(n -> n.startsWith("llama") || n.startsWith("jllama")).toList(),
        "nothing in the temporary directory java-llama.cpp cleans: " + names(cache));
  }

  @Test
  void aLibraryTheClassPathLacksForThisPlatformIsLeftToItsOwnLoader() throws Exception {
    BundledNativeLibraries.Library missing =
        new BundledNativeLibraries.Library("missing", "no/such/dir", List.of("libmissing.so"), Map.of("missing.path", "{dir}"));

    assertEquals(Map.of(), BundledNativeLibraries.unpack(missing, cache, LOADER));
    assertEquals(List.of(), names(cache));
  }

  @Test
  void everyEngineHasItsLibraryForThisPlatform() {
    List<BundledNativeLibraries.Library> libraries = BundledNativeLibraries.forThisPlatform();
    assertEquals(List.of("java-llama.cpp", "onnxruntime", "sqlite-jdbc"), libraries.stream().map(BundledNativeLibraries.Library::name).toList());
    for (BundledNativeLibraries.Library library : libraries) {
      for (String file : library.files()) {
        assertFalse(LOADER.getResource(library.resourceDir() + "/" + file) == null, library.resourceDir() + "/" + file);
      }
    }
  }

  private static BundledNativeLibraries.Library library(String name) {
    return BundledNativeLibraries.forThisPlatform().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
