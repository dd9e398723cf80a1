package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.routes.BuiltinRouteTable;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import dev.nm.route.DeclaredCase;
import dev.nm.route.RouteDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/** Runs the declared cases of the built-in routes, as nm-testkit does for other modules' routes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltinRouteCasesTest {
  private final NativeMessagingServer server = NativeMessagingServer.builder().config(HostConfig.permissive()).build();
  private final PipeClient client = PipeClient.connect(server, ConnectionTest.ORIGIN);
  private final AtomicInteger ids = new AtomicInteger();

  @AfterAll
  void tearDown() {
    client.close();
    server.close();
  }

  @TestFactory
  Stream<DynamicTest> declaredCases() {
    List<DynamicTest> tests = new ArrayList<>();
    for (RouteDescriptor<?, ?> route : new BuiltinRouteTable().routes()) {
      for (DeclaredCase declared : route.cases()) {
        tests.add(DynamicTest.dynamicTest(route.name() + ": " + declared.name(), () -> run(route.name(), declared)));
      }
    }
    assertEquals(List.of("cancel", "hello", "routes"), new BuiltinRouteTable().routes().stream().map(RouteDescriptor::name).toList());
    return tests.stream();
  }

  private void run(String route, DeclaredCase declared) throws Exception {
    Message reply = client.call(String.valueOf(ids.incrementAndGet()), route, declared.request());
    if (declared instanceof DeclaredCase.Invalid invalid) {
      Message.Failure failure = (Message.Failure) reply;
      assertEquals(invalid.code().name(), failure.error().code());
      assertEquals(invalid.field(), failure.error().field());
      return;
    }
    JsonNode data = Json.mapper().valueToTree(((Message.Success) reply).data());
    for (DeclaredCase.Expectation expectation : ((DeclaredCase.Valid) declared).expectations()) {
      JsonNode value = data.at(expectation.path());
      assertFalse(value.isMissingNode() || value.isNull(), expectation.path() + " in " + data);
      if (!expectation.equalTo().isEmpty()) {
        assertEquals(Json.mapper().readTree(expectation.equalTo()), value, expectation.path());
      }
      if (!expectation.matches().isEmpty()) {
        assertTrue(value.asText().matches(expectation.matches()), expectation.path() + " = " + value);
      }
    }
  }
}
