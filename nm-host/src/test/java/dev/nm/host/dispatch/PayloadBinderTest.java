package dev.nm.host.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.ProtocolException;
import dev.nm.route.RouteException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Numbers that do not fit their field are validation errors naming the field in wire terms. */
class PayloadBinderTest {
  private static final String DOUBLE_RANGE = "from -1.7976931348623157E308 to 1.7976931348623157E308";

  record Options(Double temperature) {}

  record Numbers(
      double temperature, Double topP, float minP, Float penalty, BigDecimal budget, int maxTokens, Long seed,
      List<Double> weights, Options options) {}

  private final PayloadBinder<Numbers> binder = PayloadBinder.of(Numbers.class);

  @Test
  void numbersInRangeBind() throws Exception {
    Numbers bound = binder.bind(payload(
        "{\"temperature\":0.5,\"top_p\":1,\"min_p\":0.25,\"penalty\":-2,\"budget\":1e300,\"max_tokens\":2147483647,"
            + "\"seed\":-9223372036854775808,\"weights\":[1e308],\"options\":{\"temperature\":1e-300}}"));

    assertEquals(
        new Numbers(0.5, 1.0, 0.25f, -2f, new BigDecimal("1.0E+300"), Integer.MAX_VALUE, Long.MIN_VALUE, List.of(1e308),
            new Options(1e-300)),
        bound);
  }

  @Test
  void aPrimitiveFieldLeftOutOrNullIsRequired() throws Exception {
    record Limit(int maxTokens, double temperature) {}
    PayloadBinder<Limit> limits = PayloadBinder.of(Limit.class);

    assertInvalid(limits, "{\"temperature\":0.5}", "max_tokens", "max_tokens: required: expected an integer");
    assertInvalid(limits, "{\"max_tokens\":null,\"temperature\":0.5}", "max_tokens", "max_tokens: expected an integer, got null");
    assertInvalid(limits, "{\"max_tokens\":4}", "temperature", "temperature: required: expected a number");
    assertInvalid(limits, "{\"max_tokens\":[4],\"temperature\":0.5}", "max_tokens", "max_tokens: expected an integer");
  }

  /** The processor's schema lists such a property as required, and lets it be null: as the binder does. */
  @Test
  void aPropertyJacksonRequiresMayBeNullButNotAbsent() throws Exception {
    record Pick(@com.fasterxml.jackson.annotation.JsonProperty(required = true) String model) {}
    PayloadBinder<Pick> picks = PayloadBinder.of(Pick.class);
    assertEquals(new Pick(null), picks.bind(payload("{\"model\":null}")));
    RouteException absent = assertThrows(RouteException.class, () -> picks.bind(payload("{}")));
    assertEquals(ErrorCode.VALIDATION_ERROR.name(), absent.toErrorBody().code());
    assertEquals("model", absent.toErrorBody().field(), absent.toErrorBody().message());
  }

  @Test
  void aNumberBeyondADoubleIsOutOfRangeForEveryFractionalField() throws Exception {
    assertInvalid("{\"temperature\":1e400}", "temperature",
        "temperature: expected a number " + DOUBLE_RANGE + ", got one beyond that range");
    assertInvalid("{\"top_p\":-1e400}", "top_p", "top_p: expected a number " + DOUBLE_RANGE + ", got one beyond that range");
    assertInvalid("{\"budget\":1e400}", "budget", "budget: expected a number " + DOUBLE_RANGE + ", got one beyond that range");
    assertInvalid("{\"weights\":[0.5,1e400]}", "weights[1]",
        "weights[1]: expected a number " + DOUBLE_RANGE + ", got one beyond that range");
    assertInvalid("{\"options\":{\"temperature\":-1e400}}", "options.temperature",
        "options.temperature: expected a number " + DOUBLE_RANGE + ", got one beyond that range");
  }

  @Test
  void anArrayOfDoublesOrFloatsIsCheckedElementByElement() throws Exception {
    record Vectors(double[] doubles, float[] floats) {}
    PayloadBinder<Vectors> vectors = PayloadBinder.of(Vectors.class);

    assertInvalid(vectors, "{\"doubles\":[0.5,-1e400]}", "doubles[1]",
        "doubles[1]: expected a number " + DOUBLE_RANGE + ", got one beyond that range");
    assertInvalid(vectors, "{\"floats\":[1e39]}", "floats[0]",
        "floats[0]: expected a number from -3.4028235E38 to 3.4028235E38, got 1.0E39");
    assertInvalid(vectors, "{\"doubles\":\"0.5\"}", "doubles", "doubles: expected an array");
  }

  @Test
  void aNumberBeyondAFloatIsOutOfRangeAndQuoted() throws Exception {
    assertInvalid("{\"min_p\":1e39}", "min_p", "min_p: expected a number from -3.4028235E38 to 3.4028235E38, got 1.0E39");
    assertInvalid("{\"penalty\":-1e39}", "penalty", "penalty: expected a number from -3.4028235E38 to 3.4028235E38, got -1.0E39");
  }

  @Test
  void anIntegerBeyondItsTypeIsOutOfRangeAndQuoted() throws Exception {
    assertInvalid("{\"max_tokens\":2147483648}", "max_tokens",
        "max_tokens: expected an integer from -2147483648 to 2147483647, got 2147483648");
    assertInvalid("{\"seed\":9223372036854775808}", "seed",
        "seed: expected an integer from -9223372036854775808 to 9223372036854775807, got 9223372036854775808");
    assertInvalid("{\"seed\":1e400}", "seed", "seed: expected an integer, got a number of magnitude beyond 1.7976931348623157E308");
  }

  @Test
  void stringsThatReadAsNonFiniteNumbersAreRefused() throws Exception {
    assertInvalid("{\"temperature\":\"NaN\"}", "temperature", "temperature: expected a number, got \"NaN\"");
    assertInvalid("{\"top_p\":\"-Infinity\"}", "top_p", "top_p: expected a number, got \"-Infinity\"");
    assertInvalid("{\"min_p\":\"1e39\"}", "min_p", "min_p: expected a number, got \"1e39\"");
  }

  /**
   * A value must have the JSON type the route's schema gives: Jackson would otherwise bind 5 or true to a string,
   * "7" to an integer, 1 to a boolean and 0 to an enum's first constant, answering what the schema says is invalid.
   */
  @Test
  void aValueOfAnotherJsonTypeIsRefusedNotConverted() throws Exception {
    enum Role { @JsonProperty("system") SYSTEM, @JsonProperty("user") USER }
    record Typed(String text, Integer count, int limit, Boolean flag, Double ratio, Role role) {}
    PayloadBinder<Typed> typed = PayloadBinder.of(Typed.class);

    assertInvalid(typed, "{\"limit\":1,\"text\":5}", "text", "text: expected a string, got 5");
    assertInvalid(typed, "{\"limit\":1,\"text\":true}", "text", "text: expected a string, got true");
    assertInvalid(typed, "{\"limit\":1,\"text\":1.5}", "text", "text: expected a string, got 1.5");
    assertInvalid(typed, "{\"limit\":1,\"count\":\"7\"}", "count", "count: expected an integer, got \"7\"");
    assertInvalid(typed, "{\"limit\":\"7\"}", "limit", "limit: expected an integer, got \"7\"");
    assertInvalid(typed, "{\"limit\":1,\"flag\":1}", "flag", "flag: expected a boolean, got 1");
    assertInvalid(typed, "{\"limit\":1,\"flag\":\"true\"}", "flag", "flag: expected a boolean, got \"true\"");
    assertInvalid(typed, "{\"limit\":1,\"ratio\":\"0.5\"}", "ratio", "ratio: expected a number, got \"0.5\"");
    assertInvalid(typed, "{\"limit\":1,\"role\":0}", "role", "role: expected one of system, user, got 0");
    assertEquals(new Typed("5", 7, 7, true, 0.5, Role.USER),
        typed.bind(payload("{\"text\":\"5\",\"count\":7,\"limit\":7,\"flag\":true,\"ratio\":0.5,\"role\":\"user\"}")));
    assertEquals(new Typed(null, null, 3, null, 2.0, null), typed.bind(payload("{\"limit\":3,\"ratio\":2}")),
        "an integer is a number");
  }

  @Test
  void noBindingErrorSpeaksJackson() throws Exception {
    record Shapes(Integer count, Boolean flag, String text, List<Integer> list, Map<String, Integer> map, int[] ints,
        BigDecimal amount, UUID id, Options options) {}
    PayloadBinder<Shapes> shapes = PayloadBinder.of(Shapes.class);
    List<String> payloads = List.of(
        "{\"count\":\"x\"}", "{\"count\":true}", "{\"count\":{}}", "{\"flag\":\"yes\"}", "{\"text\":[]}", "{\"list\":{}}",
        "{\"list\":\"x\"}", "{\"map\":[]}", "{\"ints\":\"x\"}", "{\"ints\":1}", "{\"ints\":[1.5]}", "{\"amount\":\"x\"}",
        "{\"amount\":true}", "{\"amount\":1e400}", "{\"id\":\"nope\"}", "{\"options\":1}", "{\"options\":{\"temperature\":[]}}");
    for (String payload : payloads) {
      JsonNode tree = payload(payload);
      String message = assertThrows(RouteException.class, () -> shapes.bind(tree), payload).getMessage();
      for (String jackson : List.of("`", "Cannot", "JsonToken", "Feature", "java.", "token", "Source")) {
        assertFalse(message.contains(jackson), payload + " -> " + message);
      }
    }
  }

  private void assertInvalid(String payload, String field, String message) throws ProtocolException {
    assertInvalid(binder, payload, field, message);
  }

  private static void assertInvalid(PayloadBinder<?> binder, String payload, String field, String message)
      throws ProtocolException {
    JsonNode tree = payload(payload);
    ErrorBody error = assertThrows(RouteException.class, () -> binder.bind(tree), payload).toErrorBody();
    assertEquals(ErrorCode.VALIDATION_ERROR.name(), error.code(), payload);
    assertEquals(field, error.field(), payload);
    assertEquals(message, error.message(), payload);
  }

  /** The payload tree exactly as the host decodes it from a frame. */
  private static JsonNode payload(String json) throws ProtocolException {
    String frame = "{\"request_id\":\"r1\",\"route\":\"numbers\",\"payload\":" + json + "}";
    return new EnvelopeCodec().decodeRequest(frame.getBytes(StandardCharsets.UTF_8)).payload();
  }
}
