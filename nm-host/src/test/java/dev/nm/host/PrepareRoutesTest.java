package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routes prepared ahead of {@code build()} are the routes of the tables added by then, and no fewer. */
class PrepareRoutesTest {
  @Test
  void aTableAddedAfterTheRoutesWerePreparedIsServedToo() {
    NativeMessagingServer.Builder builder = NativeMessagingServer.builder().prepareRoutes();

    try (NativeMessagingServer server = builder.routes(new WarmUpTest.Table()).build()) {
      assertTrue(server.catalog().find("counting").isPresent(), "the table added after prepareRoutes()");
      assertTrue(server.catalog().find("hello").isPresent(), "the built-in routes");
    }
  }

  @Test
  void twoTablesNamingOneRouteAreRefusedWhenPrepared() {
    NativeMessagingServer.Builder builder = NativeMessagingServer.builder().routes(new WarmUpTest.Table());

    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> builder.routes(new SameNameTable()).prepareRoutes());
    assertTrue(refused.getMessage().startsWith("route 'counting' is declared by both "), refused.getMessage());
  }

  /** Another table class with WarmUpTest's route in it. */
  static final class SameNameTable implements RouteTable {
    @Override
    public List<RouteDescriptor<?, ?>> routes() {
      return new WarmUpTest.Table().routes();
    }
  }
}
