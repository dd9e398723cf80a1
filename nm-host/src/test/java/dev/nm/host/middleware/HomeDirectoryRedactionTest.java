package dev.nm.host.middleware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HomeDirectoryRedactionTest {
  private final HomeDirectoryRedaction redaction =
      new HomeDirectoryRedaction(List.of(Path.of("/home/alice"), Path.of("/home/alice"), Path.of("/")));

  @Test
  void aFailureNamingAFileInTheHomeNamesItFromTilde() {
    RouteException thrown =
        new RouteException(ErrorCode.NOT_FOUND, "no generation model named 'x' in /home/alice/.local/share/nm-host/models; call 'models'")
            .withDetail("models_dir", "/home/alice/.local/share/nm-host/models")
            .withDetail("model", "x")
            .withDetail("size", 3);

    RouteException caller = assertThrows(RouteException.class, () -> redaction.handle(null, call -> { throw thrown; }));

    assertEquals(ErrorCode.NOT_FOUND, caller.code());
    assertEquals("no generation model named 'x' in ~/.local/share/nm-host/models; call 'models'", caller.getMessage());
    assertEquals(Map.of("models_dir", "~/.local/share/nm-host/models", "model", "x", "size", 3), caller.details());
    assertSame(thrown, caller.getCause(), "the original stays the cause, for the log");
  }

  @Test
  void onlyWholeDirectoryNamesAreReplacedAndOtherFailuresPassUnchanged() {
    assertEquals("~ and ~/x and /home/alicex/y and '~'", redaction.redact("/home/alice and /home/alice/x and /home/alicex/y and '/home/alice'"));
    RouteException unrelated = RouteException.validation("max_tokens", "must be at least 1");
    assertSame(unrelated, assertThrows(RouteException.class, () -> redaction.handle(null, call -> { throw unrelated; })));
    assertEquals("/srv/models", redaction.redact("/srv/models"), "a home of / is ignored");
  }
}
