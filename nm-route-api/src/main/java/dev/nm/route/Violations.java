package dev.nm.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Collects what is wrong with a request; a non-empty result becomes a {@code VALIDATION_ERROR}. */
public final class Violations {
  private final List<Violation> list = new ArrayList<>();

  /**
   * Records one violation.
   *
   * @param field the wire path of the offending field, e.g. {@code "messages[0].role"}
   * @param message what is wrong and what is allowed, e.g. {@code "must be one of system, user, assistant"}
   */
  public Violations add(String field, String message) {
    list.add(new Violation(field, message));
    return this;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public List<Violation> list() {
    return List.copyOf(list);
  }

  /** One violated rule: the wire path of the field and a message for people. */
  public record Violation(String field, String message) {
    public Violation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }
}
