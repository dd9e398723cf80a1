package dev.nm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.host.HostConfig;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.DeclaredCase;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import dev.nm.testkit.fixture.EchoRoute;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class NmRouteCasesTest {
  /** The runner as a route author uses it: the fixture routes, found through their generated table. */
  @TestFactory
  Stream<DynamicNode> declaredCases() {
    return NmRouteCases.fromClassPath().routes("echo", "count", "ticker").dynamicTests();
  }

  @Test
  void oneContainerPerRouteAtItsClassAndOneTestPerCaseAtItsHandleMethod() {
    try (Stream<DynamicNode> nodes = NmRouteCases.fromClassPath().routes("echo").dynamicTests()) {
      List<DynamicNode> routes = nodes.toList();

      assertEquals(1, routes.size());
      DynamicContainer echo = (DynamicContainer) routes.get(0);
      assertEquals("echo", echo.getDisplayName());
      assertEquals(URI.create("class:dev.nm.testkit.fixture.EchoRoute"), echo.getTestSourceUri().orElseThrow());
      List<DynamicTest> cases = echo.getChildren().map(DynamicTest.class::cast).toList();
      assertEquals(List.of("echoes the text", "blank text"), cases.stream().map(DynamicNode::getDisplayName).toList());
      assertEquals(URI.create("method:dev.nm.testkit.fixture.EchoRoute#handle"), cases.get(1).getTestSourceUri().orElseThrow());
    }
  }

  @Test
  void aCaseThatDoesNotHoldFailsWithTheReply() {
    RouteTable table = () -> List.of(echoDeclaring(new DeclaredCase.Expectation("/length", "3", "")));

    List<Throwable> failures = run(NmRouteCases.of(table).routes("echo_wrong"));

    assertEquals(1, failures.size());
    assertEquals(
        "route 'echo_wrong', case 'claims the wrong length' ==> expected data/length to be 3 but was 2\nreply:\n"
            + "{\"request_id\":\"nm-1\",\"success\":true,\"data\":{\"text\":\"hi\",\"length\":2}}",
        failures.get(0).getMessage());
  }

  @Test
  void anUnknownRouteNameIsRefusedWithTheNamesThatExist() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> NmRouteCases.fromClassPath().routes("ehco", "count").dynamicTests());
    assertEquals(
        "no route named [ehco] in the route tables; routes(...) takes wire names, these exist: [count, echo, greet, ticker]",
        e.getMessage());
  }

  @Test
  void noRouteTableOnTheClassPathExplainsHowToGenerateOne() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> NmRouteCases.fromClassPath(empty).dynamicTests());
      assertEquals(
          "no RouteTable is registered on the class path (nm-host's built-in routes aside). The route processor writes"
              + " one with its"
              + " META-INF/services entry: add dev.nm:nm-route-processor to the maven-compiler-plugin's"
              + " <annotationProcessorPaths> of the module with the @NativeRoute classes, and put that module on"
              + " the test class path",
          e.getMessage());
    }
  }

  /**
   * A module whose processor did not run registers no table, but nm-host's built-in one is always on a testkit
   * user's class path: its cases alone would make a green build that tested none of the author's routes.
   */
  @Test
  void onlyNmHostsBuiltInRoutesOnTheClassPathIsNoRouteTable() {
    ClassLoader onlyNmHost = new ClassLoader(getClass().getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        return Collections.enumeration(Collections.list(super.getResources(name)).stream()
            .filter(url -> url.toString().contains("/nm-host/") || url.toString().contains("/nm-host-"))
            .toList());
      }
    };
    assertEquals(List.of("dev.nm.host.routes.BuiltinRouteTable"),
        RouteTable.fromClassPath(onlyNmHost).stream().map(table -> table.getClass().getName()).toList());

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> NmRouteCases.fromClassPath(onlyNmHost).dynamicTests());
    assertTrue(e.getMessage().startsWith("no RouteTable is registered on the class path (nm-host's built-in routes aside)"),
        e.getMessage());
  }

  /**
   * All the cases of a factory are calls from one origin to one server, and the host rate-limits before it binds:
   * under its default limits (60 HEAVY calls a minute) the 61st HEAVY case would fail with RATE_LIMITED.
   */
  @Test
  void moreCasesThanATiersDefaultRateLimitAllPass() {
    RouteDescriptor.Builder<EchoRoute.Request, EchoRoute.Reply> heavy =
        RouteDescriptor.builder("echo_heavy", EchoRoute.Request.class, EchoRoute.Reply.class, EchoRoute::new)
            .description("Echo, as costly as inference.")
            .rateTier(RateTier.HEAVY)
            .handlerType(EchoRoute.class)
            .requestSchema("{}")
            .responseSchema("{}");
    long cases = HostConfig.defaults().rateLimit(RateTier.HEAVY).orElseThrow().capacity() + 1;
    assertEquals(61, cases);
    for (int i = 1; i <= cases; i++) {
      heavy.invalidCase("blank text " + i, "{\"text\": \" \"}", ErrorCode.VALIDATION_ERROR, "text");
    }
    RouteTable table = () -> List.of(heavy.build());

    List<Throwable> failures = run(NmRouteCases.of(table).routes("echo_heavy"));

    assertEquals(List.of(), failures.stream().map(Throwable::getMessage).toList());
  }

  @Test
  void aServerThatCannotStartFailsEveryCaseWithItsReason() {
    RouteTable clash = () -> List.of(echoDeclaring(new DeclaredCase.Expectation("/length", "2", "")));

    List<Throwable> failures = run(NmRouteCases.of(clash, clash::routes));

    assertEquals(2, failures.size());
    assertEquals(failures.get(0), failures.get(1));
    assertTrue(failures.get(0).getMessage().startsWith("route 'echo_wrong' is declared by both"), failures.get(0).getMessage());
  }

  /**
   * Under parallel execution JUnit closes the factory's stream once it has handed out the tests, before they ran:
   * a case running then must finish on its server, and one starting later must still run.
   */
  @Test
  void casesStillRunningOrStartingWhenJUnitClosesTheStreamRunToTheirEnd() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RouteTable slow = () -> List.of(
        RouteDescriptor.builder("echo_slow", EchoRoute.Request.class, EchoRoute.Reply.class,
                () -> (EchoRoute.Request request, RouteContext context) -> {
                  entered.countDown();
                  release.await();
                  return new EchoRoute.Reply(request.text(), request.text().length());
                })
            .description("Echo, once the test lets it.")
            .handlerType(EchoRoute.class)
            .requestSchema("{}")
            .responseSchema("{}")
            .validCase("echoes", "{\"text\": \"hi\"}", 0, new DeclaredCase.Expectation("/length", "2", ""))
            .build());
    Stream<DynamicNode> nodes = NmRouteCases.of(slow).routes("echo_slow").dynamicTests();
    List<DynamicTest> tests =
        nodes.flatMap(node -> ((DynamicContainer) node).getChildren()).map(DynamicTest.class::cast).toList();
    ExecutorService junitWorkers = Executors.newFixedThreadPool(2);
    try {
      Future<?> running = junitWorkers.submit(() -> execute(tests.get(0)));
      assertTrue(entered.await(10, TimeUnit.SECONDS));
      nodes.close();
      release.countDown();
      running.get(10, TimeUnit.SECONDS);

      Future<?> late = junitWorkers.submit(() -> execute(tests.get(0)));
      late.get(10, TimeUnit.SECONDS);
    } finally {
      junitWorkers.shutdownNow();
    }
  }

  private static Void execute(DynamicTest test) throws Exception {
    try {
      test.getExecutable().execute();
      return null;
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private static RouteDescriptor<?, ?> echoDeclaring(DeclaredCase.Expectation expectation) {
    return RouteDescriptor.builder("echo_wrong", EchoRoute.Request.class, EchoRoute.Reply.class, EchoRoute::new)
        .description("Echo, with a case that claims the wrong length.")
        .handlerType(EchoRoute.class)
        .requestSchema("{}")
        .responseSchema("{}")
        .validCase("claims the wrong length", "{\"text\": \"hi\"}", 0, expectation)
        .build();
  }

  /** Runs every dynamic test as JUnit would, and returns what they threw. */
  private static List<Throwable> run(NmRouteCases cases) {
    List<Throwable> failures = new ArrayList<>();
    try (Stream<DynamicNode> nodes = cases.dynamicTests()) {
      nodes.flatMap(node -> ((DynamicContainer) node).getChildren())
          .map(DynamicTest.class::cast)
          .forEach(test -> {
            try {
              test.getExecutable().execute();
            } catch (Throwable t) {
              failures.add(t);
            }
          });
    }
    return failures;
  }
}
