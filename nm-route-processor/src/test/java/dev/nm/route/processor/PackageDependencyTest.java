package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package layering the processor relies on: generation and model never see validation. */
class PackageDependencyTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/nm/route/processor");

  @Test
  void generationAndModelNeverImportValidation() throws IOException {
    assertThat(filesMentioning("generation", "dev.nm.route.processor.validation")).isEmpty();
    assertThat(filesMentioning("model", "dev.nm.route.processor.validation")).isEmpty();
    assertThat(filesMentioning("model", "dev.nm.route.processor.generation")).isEmpty();
  }

  private static List<Path> filesMentioning(String pkg, String text) throws IOException {
    try (Stream<Path> files = Files.list(SOURCES.resolve(pkg))) {
      return files.filter(file -> read(file).contains(text)).toList();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
