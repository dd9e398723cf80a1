package dev.nm.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.host.routes.BuiltinRouteTable;
import dev.nm.route.RateTier;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import dev.nm.route.Services;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs every {@link dev.nm.route.ValidCase} and {@link dev.nm.route.InvalidCase} a route declares against a
 * real {@link NativeMessagingServer}, over an in-memory pipe, as the browser would send it.
 *
 * <pre>{@code
 * class MyRoutesTest {
 *   @TestFactory
 *   Stream<DynamicNode> declaredCases() {
 *     return NmRouteCases.fromClassPath().services(myServices).dynamicTests();
 *   }
 * }
 * }</pre>
 *
 * <p>Each route becomes a container named after the route, each case a test named after the case; the container
 * points at the route class and each case at its {@code handle} method, so an IDE jumps there from a failure.
 * A valid case must succeed, every {@link dev.nm.route.Expect} must hold and at least {@code minEvents} events
 * must precede the reply; an invalid case must fail with its code and, if it names one, its
 * {@code details.field}.
 *
 * <p>One server and one connection serve all the cases of a factory: started when the first case runs,
 * closed when JUnit closes the stream, or once the cases running then have finished (parallel execution; a case
 * that starts later gets a server of its own). By default the server lets any origin call any route with every scope
 * ({@link HostConfig#permissive()}), limits no tier's rate (the host's defaults, 60 HEAVY calls a minute, would
 * refuse a route's 61st case with {@code RATE_LIMITED} before binding its request) and has no services; give it
 * the services your routes need.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class NmRouteCases {
  /** The origin the cases are sent from unless {@link #origin} says otherwise. */
  public static final String DEFAULT_ORIGIN = "chrome-extension://nmtestkit/";

  private final List<RouteTable> tables;
  private final Set<String> selected = new LinkedHashSet<>();
  private Services services = Services.empty();
  /** The limit of every rate-limited tier of the default config: more calls than any suite of cases makes. */
  private static final HostConfig.RateLimit UNTHROTTLED = new HostConfig.RateLimit(1_000_000, 1_000_000);

  private HostConfig config = unthrottled(HostConfig.permissive());
  private String origin = DEFAULT_ORIGIN;
  private Duration timeout = NmClient.DEFAULT_TIMEOUT;

  private NmRouteCases(List<RouteTable> tables) {
    this.tables = tables;
  }

  /**
   * The cases of every {@link RouteTable} registered on the test's class path ({@code META-INF/services}) but
   * nm-host's own ({@code hello}, {@code routes}, {@code cancel}: nm-host tests those; the server serves them all
   * the same).
   */
  public static NmRouteCases fromClassPath() {
    return fromClassPath(Thread.currentThread().getContextClassLoader());
  }

  /** The cases of every {@link RouteTable} registered on {@code loader}'s class path but nm-host's own. */
  public static NmRouteCases fromClassPath(ClassLoader loader) {
    return new NmRouteCases(
        RouteTable.fromClassPath(loader).stream().filter(table -> !(table instanceof BuiltinRouteTable)).toList());
  }

  /** The cases of these tables only; the server also serves its built-in routes. */
  public static NmRouteCases of(RouteTable... tables) {
    return new NmRouteCases(List.of(tables));
  }

  /** Runs only the cases of these routes. */
  public NmRouteCases routes(String... names) {
    selected.addAll(List.of(names));
    return this;
  }

  /** The services the routes reach through {@code context.service(Type.class)}. */
  public NmRouteCases services(Services services) {
    this.services = Objects.requireNonNull(services, "services");
    return this;
  }

  /**
   * The server's configuration, to test routes under real origins, scopes and limits. Its rate limits apply as
   * given: every case of the factory is a call from {@link #origin}, so a route with more cases than its tier
   * allows a minute needs a larger {@link HostConfig#withRateLimit} (the default config lifts them all).
   */
  public NmRouteCases config(HostConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /** The origin the cases are sent from. */
  public NmRouteCases origin(String origin) {
    this.origin = Objects.requireNonNull(origin, "origin");
    return this;
  }

  /** How long each case waits for its reply; slow engines need more than the default 30 s. */
  public NmRouteCases timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * One container per route, one test per declared case, for a {@code @TestFactory} to return.
   *
   * @throws IllegalStateException if no route table was found, or a route given to {@link #routes} is in none
   */
  public Stream<DynamicNode> dynamicTests() {
    List<RouteDescriptor<?, ?>> routes = selectedRoutes();
    CaseSession session = new CaseSession(serverFactory(), origin, timeout);
    return routes.stream()
        .<DynamicNode>map(route -> routeContainer(route, session))
        .onClose(session::close);
  }

  /**
   * The route's container points at its class, each case at its {@code handle} method: with a class as its source
   * Maven Surefire reports a case without a name (every case of a route alike, failures as reruns of one test),
   * with a method it names each one.
   */
  private static DynamicContainer routeContainer(RouteDescriptor<?, ?> route, CaseSession session) {
    String handler = route.handlerType().getName();
    URI routeClass = URI.create("class:" + handler);
    URI handle = URI.create("method:" + handler + "#handle");
    return DynamicContainer.dynamicContainer(
        route.name(),
        routeClass,
        route.cases().stream()
            .map(declared -> DynamicTest.dynamicTest(declared.name(), handle, () -> session.run(route.name(), declared))));
  }

  /** {@code config} with every rate-limited tier lifted to {@link #UNTHROTTLED}. */
  static HostConfig unthrottled(HostConfig config) {
    HostConfig lifted = config;
    for (RateTier tier : RateTier.values()) {
      if (config.rateLimit(tier).isPresent()) {
        lifted = lifted.withRateLimit(tier, UNTHROTTLED);
      }
    }
    return lifted;
  }

  private Supplier<NativeMessagingServer> serverFactory() {
    return () ->
        NativeMessagingServer.builder()
            .routes(tables.toArray(RouteTable[]::new))
            .services(services)
            .config(config)
            .build();
  }

  private List<RouteDescriptor<?, ?>> selectedRoutes() {
    if (tables.isEmpty()) {
      throw new IllegalStateException(
          "no RouteTable is registered on the class path (nm-host's built-in routes aside). The route processor"
              + " writes one with its META-INF/services entry: add dev.nm:nm-route-processor to the maven-compiler-plugin's"
              + " <annotationProcessorPaths> of the module with the @NativeRoute classes, and put that module on"
              + " the test class path");
    }
    List<RouteDescriptor<?, ?>> all = tables.stream().flatMap(table -> table.routes().stream()).toList();
    if (selected.isEmpty()) {
      return all;
    }
    Set<String> unknown = new TreeSet<>(selected);
    all.forEach(route -> unknown.remove(route.name()));
    if (!unknown.isEmpty()) {
      Set<String> known = new TreeSet<>();
      all.forEach(route -> known.add(route.name()));
      throw new IllegalStateException(
          "no route named " + unknown + " in the route tables; routes(...) takes wire names, these exist: " + known);
    }
    return all.stream().filter(route -> selected.contains(route.name())).toList();
  }
}
