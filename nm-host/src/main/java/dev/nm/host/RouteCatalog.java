package dev.nm.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every route a server serves, by name, with its JSON Schemas parsed once. Registered as a service so that
 * the built-in {@code hello} and {@code routes} can describe the host. Immutable.
 */
public final class RouteCatalog {
  private final Map<String, Entry> byName;
  private final List<Entry> entries;
  private final List<String> names;
  private final List<String> scopes;

  private RouteCatalog(Map<String, Entry> byName) {
    this.byName = byName;
    this.entries = List.copyOf(byName.values());
    this.names = List.copyOf(byName.keySet());
    TreeSet<String> declared = new TreeSet<>();
    for (Entry entry : entries) {
      if (!entry.descriptor().scope().isEmpty()) {
        declared.add(entry.descriptor().scope());
      }
      declared.addAll(entry.descriptor().optionScopes());
    }
    this.scopes = List.copyOf(declared);
  }

  /**
   * Collects the routes of {@code tables}.
   *
   * @throws IllegalStateException if two tables declare the same route name, naming both handler classes
   * @throws IllegalArgumentException if a generated schema is not valid JSON
   */
  public static RouteCatalog of(Collection<? extends RouteTable> tables) {
    Map<String, Entry> byName = new TreeMap<>();
    for (RouteTable table : tables) {
      for (RouteDescriptor<?, ?> route : table.routes()) {
        Entry previous = byName.get(route.name());
        if (previous != null) {
          throw new IllegalStateException(
              "route '" + route.name() + "' is declared by both " + previous.descriptor().handlerType().getName()
                  + " and " + route.handlerType().getName() + "; route names must be unique within a host");
        }
        byName.put(route.name(), new Entry(route, parse(route, route.requestSchema()), parse(route, route.responseSchema())));
      }
    }
    return new RouteCatalog(byName);
  }

  /** A route with its parsed request and response schemas. */
  public record Entry(RouteDescriptor<?, ?> descriptor, JsonNode requestSchema, JsonNode responseSchema) {}

  public Optional<Entry> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every route, sorted by name. */
  public List<Entry> entries() {
    return entries;
  }

  /** Every route name, sorted. */
  public List<String> names() {
    return names;
  }

  /** Every scope the routes declare, their option scopes included, sorted. */
  public List<String> scopes() {
    return scopes;
  }

  /**
   * Known names close to a misspelt one (edit distance at most 2, or sharing a prefix), nearest first; at most
   * three.
   */
  public List<String> nearest(String name) {
    record Candidate(String name, int distance) {}
    List<Candidate> candidates = new ArrayList<>();
    for (String known : byName.keySet()) {
      int distance = editDistance(name, known);
      if (distance <= 2 || (name.length() >= 3 && known.startsWith(name))) {
        candidates.add(new Candidate(known, distance));
      }
    }
    return candidates.stream()
        .sorted(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name))
        .limit(3)
        .map(Candidate::name)
        .toList();
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static JsonNode parse(RouteDescriptor<?, ?> route, String schema) {
    try {
      return Json.mapper().readTree(schema);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("route '" + route.name() + "' carries a schema that is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
