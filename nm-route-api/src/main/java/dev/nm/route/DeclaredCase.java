package dev.nm.route;

import dev.nm.protocol.ErrorCode;
import java.util.List;
import java.util.Objects;

/** A {@link ValidCase} or {@link InvalidCase} as carried by the generated {@link RouteTable}. */
public sealed interface DeclaredCase {
  String name();

  /** The payload as JSON text. */
  String request();

  record Valid(String name, String request, List<Expectation> expectations, int minEvents)
      implements DeclaredCase {
    public Valid {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(request, "request");
      expectations = List.copyOf(expectations);
    }
  }

  record Invalid(String name, String request, ErrorCode code, String field) implements DeclaredCase {
    public Invalid {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(field, "field");
    }
  }

  /** An {@link Expect}: JSON Pointer, and the JSON text to equal or the pattern to match (empty if unused). */
  record Expectation(String path, String equalTo, String matches) {
    public Expectation {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(equalTo, "equalTo");
      Objects.requireNonNull(matches, "matches");
    }
  }
}
