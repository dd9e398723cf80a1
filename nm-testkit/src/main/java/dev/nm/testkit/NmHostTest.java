package dev.nm.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nm.route.Services;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test method that declares an {@link NmClient} parameter a client on a fresh connection to an
 * in-memory host: a {@link dev.nm.host.NativeMessagingServer} serving every route table on the class path,
 * under {@link dev.nm.host.HostConfig#permissive()} with no tier's rate limited (a test class's calls would
 * otherwise meet the host's defaults, 60 HEAVY calls a minute).
 *
 * <pre>{@code
 * @NmHostTest(services = MyServices.class)
 * class ChatRouteTest {
 *   @Test
 *   void streamsTokens(NmClient client) {
 *     Reply reply = client.stream("chat", Map.of("messages", List.of(...)), event -> {});
 *     assertSuccess(reply).hasAtLeastEvents(1);
 *   }
 * }
 * }</pre>
 *
 * <p>One server per {@link #services} class is started for the whole test run and closed at its end; each
 * test gets its own connection, closed after the test, which fails if the host broke the protocol meanwhile.
 */
@API(status = EXPERIMENTAL, since = "0.1")
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(NmHostExtension.class)
public @interface NmHostTest {
  /** The origin each connection calls from. */
  String origin() default NmRouteCases.DEFAULT_ORIGIN;

  /**
   * Builds the services the routes reach through {@code context.service(Type.class)}. A public class with a
   * public no-argument constructor; created once per test run.
   */
  Class<? extends Supplier<Services>> services() default NoServices.class;

  /** The default of {@link #services()}: a host without services. */
  @API(status = EXPERIMENTAL, since = "0.1")
  final class NoServices implements Supplier<Services> {
    @Override
    public Services get() {
      return Services.empty();
    }
  }
}
