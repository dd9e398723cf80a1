package dev.nm.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.junit.jupiter.api.AssertionFailureBuilder.assertionFailure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Json;
import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * Fluent assertions on a {@link Reply}. Every failure message ends with the whole reply, events included, as
 * the host sent it.
 *
 * <pre>{@code
 * assertSuccess(client.call("text_stats", Map.of("text", "a b a")))
 *     .hasData("/words", "3")
 *     .hasData("/top/0", "{\"word\": \"a\", \"count\": 2}")
 *     .dataMatches("/language", "[a-z]{2}");
 * assertFailure(client.call("text_stats", Map.of()), ErrorCode.VALIDATION_ERROR)
 *     .hasField("text")
 *     .messageContains("must not be null");
 * }</pre>
 *
 * <p>Paths are JSON Pointers (RFC 6901) into the reply's {@code data}; {@code ""} is {@code data} itself.
 * Expected values are JSON text compared as parsed JSON: key order and number spelling do not matter
 * ({@code 1}, {@code 1.0} and {@code 1e0} are equal), types do ({@code "1"} is a string).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class EnvelopeAssertions {
  /** Compares JSON values, numbers by value: {@code 1} equals {@code 1.0}. */
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private EnvelopeAssertions() {}

  /** Asserts the reply is a success, and returns assertions on its {@code data}. */
  public static SuccessAssert assertSuccess(Reply reply) {
    return assertSuccess(reply, null);
  }

  /**
   * Like {@link #assertSuccess(Reply)}; every failure message starts with {@code message}, as in JUnit's
   * {@code assertEquals(expected, actual, message)}.
   */
  public static SuccessAssert assertSuccess(Reply reply, String message) {
    Objects.requireNonNull(reply, "reply");
    Context context = new Context(reply, message);
    if (!reply.succeeded()) {
      ErrorBody error = reply.error();
      throw context.failure("expected a success but the host failed with " + error.code() + ": " + error.message());
    }
    return new SuccessAssert(context);
  }

  /** Asserts the reply is a failure with that code, and returns assertions on its {@code error}. */
  public static FailureAssert assertFailure(Reply reply, ErrorCode code) {
    return assertFailure(reply, code, null);
  }

  /** Like {@link #assertFailure(Reply, ErrorCode)}; every failure message starts with {@code message}. */
  public static FailureAssert assertFailure(Reply reply, ErrorCode code, String message) {
    Objects.requireNonNull(reply, "reply");
    Objects.requireNonNull(code, "code");
    Context context = new Context(reply, message);
    if (reply.succeeded()) {
      throw context.failure("expected a failure with " + code + " but the host succeeded");
    }
    String actual = reply.error().code();
    if (!actual.equals(code.name())) {
      throw context.failure("expected error code " + code + " but was " + actual + ": " + reply.error().message(), code.name(), actual);
    }
    return new FailureAssert(context);
  }

  /** Assertions on the {@code data} of a successful {@link Reply}. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class SuccessAssert {
    private final Context context;
    private final JsonNode data;

    private SuccessAssert(Context context) {
      this.context = context;
      this.data = context.reply.data();
    }

    /** Asserts a value is present at {@code path} and is not JSON null. */
    public SuccessAssert hasData(String path) {
      valueAt(path);
      return this;
    }

    /** Asserts the value at {@code path} equals {@code expectedJson} once both are parsed. */
    public SuccessAssert hasData(String path, String expectedJson) {
      JsonNode expected = parseExpected(expectedJson);
      JsonNode actual = data.at(pointer(path));
      if (actual.isMissingNode()) {
        throw context.failure("expected " + describe(path) + " to be " + expected + " but there is no such value");
      }
      if (!expected.equals(NUMBERS_BY_VALUE, actual)) {
        throw context.failure("expected " + describe(path) + " to be " + expected + " but was " + actual, expected.toString(), actual.toString());
      }
      return this;
    }

    /**
     * Asserts the text of the value at {@code path} matches {@code regex} in full. A string's text is its
     * content without quotes; any other value's text is its JSON.
     */
    public SuccessAssert dataMatches(String path, String regex) {
      JsonNode actual = valueAt(path);
      String text = actual.isTextual() ? actual.textValue() : actual.toString();
      if (!Pattern.compile(regex).matcher(text).matches()) {
        throw context.failure("expected " + describe(path) + " to match /" + regex + "/ but was " + actual, regex, text);
      }
      return this;
    }

    /** Asserts at least {@code count} events preceded the final reply. */
    public SuccessAssert hasAtLeastEvents(int count) {
      int events = context.reply.events().size();
      if (events < count) {
        throw context.failure("expected at least " + count + " events but the host sent " + events);
      }
      return this;
    }

    /** The reply under test. */
    public Reply reply() {
      return context.reply;
    }

    private JsonNode valueAt(String path) {
      JsonNode value = data.at(pointer(path));
      if (value.isMissingNode()) {
        throw context.failure("expected a value at " + describe(path) + " but there is none");
      }
      if (value.isNull()) {
        throw context.failure("expected a value at " + describe(path) + " but it is null");
      }
      return value;
    }
  }

  /** Assertions on the {@code error} of a failed {@link Reply}. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class FailureAssert {
    private final Context context;
    private final ErrorBody error;

    private FailureAssert(Context context) {
      this.context = context;
      this.error = context.reply.error();
    }

    /** Asserts {@code error.details.field} names {@code field}, the wire path of the rejected field. */
    public FailureAssert hasField(String field) {
      if (!Objects.equals(field, error.field())) {
        throw context.failure("expected details.field " + field + " but was " + error.field(), field, error.field());
      }
      return this;
    }

    /** Asserts {@code error.message} contains {@code text}. */
    public FailureAssert messageContains(String text) {
      if (!error.message().contains(text)) {
        throw context.failure("expected the error message to contain \"" + text + "\" but it is \"" + error.message() + "\"");
      }
      return this;
    }

    /** The reply under test. */
    public Reply reply() {
      return context.reply;
    }
  }

  private static String pointer(String path) {
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "'" + path + "' is not a JSON Pointer: write \"/" + path.replace('.', '/') + "\" (\"\" is the whole data)");
    }
    return path;
  }

  private static JsonNode parseExpected(String expectedJson) {
    try {
      JsonNode expected = Json.mapper().readTree(expectedJson);
      if (!expected.isMissingNode()) {
        return expected;
      }
    } catch (JsonProcessingException e) {
      // Reported below, with the likely fix.
    }
    throw new IllegalArgumentException(
        "expected value " + expectedJson + " is not JSON text; a string is written with its quotes: \"\\\""
            + expectedJson + "\\\"\"");
  }

  private static String describe(String path) {
    return path.isEmpty() ? "data" : "data" + path;
  }

  /** The reply under test and the caller's message, for failures. */
  private record Context(Reply reply, String message) {
    AssertionError failure(String reason) {
      return assertionFailure().message(message).reason(reason + "\nreply:\n" + reply.toJson()).build();
    }

    AssertionError failure(String reason, Object expected, Object actual) {
      return assertionFailure()
          .message(message)
          .reason(reason + "\nreply:\n" + reply.toJson())
          .expected(expected)
          .actual(actual)
          .includeValuesInMessage(false)
          .build();
    }
  }
}
