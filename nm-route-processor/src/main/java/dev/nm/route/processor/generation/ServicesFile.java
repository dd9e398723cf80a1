package dev.nm.route.processor.generation;

import java.util.Arrays;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code META-INF/services/dev.nm.route.RouteTable} registration: the provider lines already there
 * (another table of the same output, an earlier incremental build) merged with the generated table.
 */
public final class ServicesFile {
  /** Where the registration lives in the class output. */
  public static final String PATH = "META-INF/services/dev.nm.route.RouteTable";

  private ServicesFile() {}

  /**
   * The file's new text: every provider of {@code existing} (comments and blank lines dropped) and
   * {@code tableName}, once each, sorted, one per line.
   */
  public static String merge(String existing, String tableName) {
    SortedSet<String> providers =
        Arrays.stream(existing.split("\n"))
            .map(line -> line.replaceFirst("#.*", "").trim())
            .filter(line -> !line.isEmpty())
            .collect(Collectors.toCollection(TreeSet::new));
    providers.add(tableName);
    return providers.stream().map(provider -> provider + "\n").collect(Collectors.joining());
  }
}
