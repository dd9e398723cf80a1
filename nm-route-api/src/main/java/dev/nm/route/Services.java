package dev.nm.route;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The services a host offers its routes, keyed by type. Built once by whoever assembles the host (the
 * reference host, an embedding desktop app, a test) and passed down explicitly. Immutable.
 */
public final class Services {
  private static final Services EMPTY = new Services(Map.of());
  private final Map<Class<?>, Object> byType;

  private Services(Map<Class<?>, Object> byType) {
    this.byType = byType;
  }

  public static Services empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder(Map.of());
  }

  /** A builder holding this registry's services, to add or replace some. */
  public Builder toBuilder() {
    return new Builder(byType);
  }

  public <T> Optional<T> find(Class<T> type) {
    return Optional.ofNullable(type.cast(byType.get(type)));
  }

  public static final class Builder {
    private final Map<Class<?>, Object> byType;

    private Builder(Map<Class<?>, Object> initial) {
      this.byType = new LinkedHashMap<>(initial);
    }

    /** Registers {@code service} under {@code type}, replacing any earlier one. */
    public <T> Builder add(Class<T> type, T service) {
      byType.put(type, type.cast(service));
      return this;
    }

    public Services build() {
      return new Services(Map.copyOf(byType));
    }
  }
}
