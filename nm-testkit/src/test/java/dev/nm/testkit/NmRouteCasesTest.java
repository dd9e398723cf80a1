package dev.nm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.route.DeclaredCase;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import dev.nm.testkit.fixture.EchoRoute;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
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
  void oneContainerPerRouteAndOneTestPerCasePointingAtTheRouteClass() {
    try (Stream<DynamicNode> nodes = NmRouteCases.fromClassPath().routes("echo").dynamicTests()) {
      List<DynamicNode> routes = nodes.toList();

      assertEquals(1, routes.size());
      DynamicContainer echo = (DynamicContainer) routes.get(0);
      assertEquals("echo", echo.getDisplayName());
      assertEquals(URI.create("class:dev.nm.testkit.fixture.EchoRoute"), echo.getTestSourceUri().orElseThrow());
      List<DynamicTest> cases = echo.getChildren().map(DynamicTest.class::cast).toList();
      assertEquals(List.of("echoes the text", "blank text"), cases.stream().map(DynamicNode::getDisplayName).toList());
      assertEquals(echo.getTestSourceUri(), cases.get(1).getTestSourceUri());
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
        "no route named [ehco] in the route tables; routes(...) takes wire names, these exist: [cancel, count, echo, greet, hello, routes, ticker]",
        e.getMessage());
  }

  @Test
  void noRouteTableOnTheClassPathExplainsHowToGenerateOne() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> NmRouteCases.fromClassPath(empty).dynamicTests());
      assertEquals(
          "no RouteTable is registered on the class path. The route processor writes one with its"
              + " META-INF/services entry: add dev.nm:nm-route-processor to the maven-compiler-plugin's"
              + " <annotationProcessorPaths> of the module with the @NativeRoute classes, and put that module on"
              + " the test class path",
          e.getMessage());
    }
  }

  @Test
  void aServerThatCannotStartFailsEveryCaseWithItsReason() {
    RouteTable clash = () -> List.of(echoDeclaring(new DeclaredCase.Expectation("/length", "2", "")));

    List<Throwable> failures = run(NmRouteCases.of(clash, clash::routes));

    assertEquals(2, failures.size());
    assertEquals(failures.get(0), failures.get(1));
    assertTrue(failures.get(0).getMessage().startsWith("route 'echo_wrong' is declared by both"), failures.get(0).getMessage());
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
