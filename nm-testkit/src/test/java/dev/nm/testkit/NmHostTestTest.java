package dev.nm.testkit;

import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.Services;
import dev.nm.testkit.fixture.GreetRoute.Greeting;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@NmHostTest(services = NmHostTestTest.Salutations.class, origin = "chrome-extension://greeter/")
class NmHostTestTest {
  /** The services of the host under test. */
  public static final class Salutations implements Supplier<Services> {
    @Override
    public Services get() {
      return Services.builder().add(Greeting.class, () -> "Hello").build();
    }
  }

  @Test
  void aClientReachesTheClassPathRoutesWithTheGivenServices(NmClient client) {
    assertSuccess(client.call("greet", Map.of("name", "Ada"))).hasData("/text", "\"Hello, Ada\"");
    assertSuccess(client.call("hello", Map.of())).hasData("/origin", "\"chrome-extension://greeter/\"");
  }

  @Test
  void eachTestHasItsOwnConnection(NmClient client) {
    client.callAsync("mine", "echo", Map.of("text", "a")).join();
    assertSuccess(client.cancel("mine").join()).hasData("/cancelled", "false");
  }

  @Nested
  class InANestedClass {
    @Test
    void theEnclosingSettingsApply(NmClient client) {
      assertSuccess(client.call("greet", Map.of("name", "Bob"))).hasData("/text", "\"Hello, Bob\"");
    }
  }

  @NmHostTest
  @Nested
  class WithoutServices {
    @Test
    void aRouteNeedingAServiceSaysWhichOne(NmClient client) {
      assertFailure(client.call("greet", Map.of("name", "Ada")), ErrorCode.NOT_IMPLEMENTED)
          .messageContains("this host provides no Greeting, which route 'greet' needs");
    }
  }
}
