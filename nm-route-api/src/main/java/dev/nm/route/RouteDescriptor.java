package dev.nm.route;

import dev.nm.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a host knows about one route, written out by the route processor from the route's single
 * definition (its {@link NativeRoute} class and records). Immutable.
 */
public final class RouteDescriptor<Q, R> {
  private final String name;
  private final String description;
  private final List<String> tags;
  private final boolean streaming;
  private final String scope;
  private final List<String> optionScopes;
  private final RateTier rateTier;
  private final Class<?> handlerType;
  private final Class<Q> requestType;
  private final Class<R> responseType;
  private final Supplier<? extends RouteHandler<Q, R>> factory;
  private final String requestSchema;
  private final String responseSchema;
  private final List<DeclaredCase> cases;

  private RouteDescriptor(Builder<Q, R> b) {
    this.name = b.name;
    this.description = Objects.requireNonNull(b.description, "description");
    this.tags = List.copyOf(b.tags);
    this.streaming = b.streaming;
    this.scope = b.scope;
    this.optionScopes = List.copyOf(b.optionScopes);
    this.rateTier = b.rateTier;
    this.handlerType = Objects.requireNonNull(b.handlerType, "handlerType");
    this.requestType = b.requestType;
    this.responseType = b.responseType;
    this.factory = b.factory;
    this.requestSchema = Objects.requireNonNull(b.requestSchema, "requestSchema");
    this.responseSchema = Objects.requireNonNull(b.responseSchema, "responseSchema");
    this.cases = List.copyOf(b.cases);
  }

  public static <Q, R> Builder<Q, R> builder(
      String name, Class<Q> requestType, Class<R> responseType, Supplier<? extends RouteHandler<Q, R>> factory) {
    return new Builder<>(name, requestType, responseType, factory);
  }

  public String name() { return name; }

  public String description() { return description; }

  public List<String> tags() { return tags; }

  public boolean streaming() { return streaming; }

  /** The scope an origin needs; empty if none. */
  public String scope() { return scope; }

  /** The scopes that unlock parts of the route beyond {@link #scope()} ({@link NativeRoute#optionScopes()}). */
  public List<String> optionScopes() { return optionScopes; }

  public RateTier rateTier() { return rateTier; }

  /** The {@link NativeRoute} class. */
  public Class<?> handlerType() { return handlerType; }

  public Class<Q> requestType() { return requestType; }

  public Class<R> responseType() { return responseType; }

  /** A new handler instance; a host creates one per route and shares it across calls. */
  public RouteHandler<Q, R> newHandler() { return factory.get(); }

  /** JSON Schema (draft 2020-12) of the request payload, derived at compile time from the request record. */
  public String requestSchema() { return requestSchema; }

  /** JSON Schema (draft 2020-12) of the reply's {@code data}. */
  public String responseSchema() { return responseSchema; }

  public List<DeclaredCase> cases() { return cases; }

  @Override
  public String toString() {
    return "RouteDescriptor[" + name + " -> " + handlerType.getName() + "]";
  }

  /** Used by generated route tables. */
  public static final class Builder<Q, R> {
    private final String name;
    private final Class<Q> requestType;
    private final Class<R> responseType;
    private final Supplier<? extends RouteHandler<Q, R>> factory;
    private String description;
    private final List<String> tags = new ArrayList<>();
    private boolean streaming;
    private String scope = "";
    private final List<String> optionScopes = new ArrayList<>();
    private RateTier rateTier = RateTier.STANDARD;
    private Class<?> handlerType;
    private String requestSchema;
    private String responseSchema;
    private final List<DeclaredCase> cases = new ArrayList<>();

    private Builder(String name, Class<Q> requestType, Class<R> responseType, Supplier<? extends RouteHandler<Q, R>> factory) {
      this.name = Objects.requireNonNull(name, "name");
      this.requestType = Objects.requireNonNull(requestType, "requestType");
      this.responseType = Objects.requireNonNull(responseType, "responseType");
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    public Builder<Q, R> description(String description) { this.description = description; return this; }

    public Builder<Q, R> tags(String... tags) { this.tags.addAll(List.of(tags)); return this; }

    public Builder<Q, R> streaming(boolean streaming) { this.streaming = streaming; return this; }

    public Builder<Q, R> scope(String scope) { this.scope = Objects.requireNonNull(scope, "scope"); return this; }

    public Builder<Q, R> optionScopes(String... scopes) { this.optionScopes.addAll(List.of(scopes)); return this; }

    public Builder<Q, R> rateTier(RateTier rateTier) { this.rateTier = Objects.requireNonNull(rateTier, "rateTier"); return this; }

    public Builder<Q, R> handlerType(Class<?> handlerType) { this.handlerType = handlerType; return this; }

    public Builder<Q, R> requestSchema(String schema) { this.requestSchema = schema; return this; }

    public Builder<Q, R> responseSchema(String schema) { this.responseSchema = schema; return this; }

    public Builder<Q, R> validCase(String name, String request, int minEvents, DeclaredCase.Expectation... expectations) {
      cases.add(new DeclaredCase.Valid(name, request, List.of(expectations), minEvents));
      return this;
    }

    public Builder<Q, R> invalidCase(String name, String request, ErrorCode code, String field) {
      cases.add(new DeclaredCase.Invalid(name, request, code, field));
      return this;
    }

    public RouteDescriptor<Q, R> build() { return new RouteDescriptor<>(this); }
  }
}
