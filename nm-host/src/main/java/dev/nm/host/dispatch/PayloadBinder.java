package dev.nm.host.dispatch;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.nm.protocol.Json;
import dev.nm.route.RouteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds request payloads to one route's request record with {@link Json#mapper()}, turning every Jackson
 * error into a {@code VALIDATION_ERROR} whose {@code details.field} is the wire path of the bad value. The
 * record's type and deserializer are resolved once, when the binder is made.
 */
final class PayloadBinder<Q> {
  private final ObjectReader reader;

  private PayloadBinder(ObjectReader reader) {
    this.reader = reader;
  }

  static <Q> PayloadBinder<Q> of(Class<Q> type) {
    return new PayloadBinder<>(Json.mapper().readerFor(type));
  }

  Q bind(JsonNode payload) {
    try {
      return reader.readValue(payload);
    } catch (UnrecognizedPropertyException e) {
      String field = WirePath.of(e);
      TreeSet<String> known = new TreeSet<>();
      e.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
      throw RouteException.validation(
              field,
              "unknown field '" + e.getPropertyName() + "'"
                  + (known.isEmpty() ? "; this request takes no fields" : "; known fields are " + String.join(", ", known)))
          .withDetail("known_fields", known.stream().toList());
    } catch (InvalidFormatException e) {
      throw RouteException.validation(
          WirePath.of(e), "expected " + describe(e.getTargetType()) + ", got " + quote(e.getValue()));
    } catch (MismatchedInputException e) {
      throw RouteException.validation(WirePath.of(e), mismatch(e.getTargetType(), valueAt(payload, e)));
    } catch (InvalidDefinitionException e) {
      // Jackson has no way to build the type from this kind of JSON value (an array from a string, say).
      Class<?> type = e.getType() == null ? null : e.getType().getRawClass();
      throw RouteException.validation(WirePath.of(e), "expected " + describe(type));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw RouteException.validation(WirePath.of(e), String.valueOf(cause.getMessage()));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof InputCoercionException coercion) {
        throw RouteException.validation(WirePath.of(e), outOfRange(coercion.getTargetType(), valueAt(payload, e)));
      }
      throw RouteException.validation(WirePath.of(e), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw RouteException.validation(WirePath.ROOT, e.getOriginalMessage());
    } catch (IOException e) {
      // A tree in memory has no I/O to fail: only Jackson's own exceptions, caught above, can occur.
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON-minded name for a Java type: "a string", "an integer", "one of user, assistant". */
  static String describe(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants()).map(c -> Json.mapper().convertValue(c, String.class)).collect(Collectors.joining(", "));
    }
    if (type == String.class || type == char.class || type == Character.class) {
      return "a string";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "a boolean";
    }
    if (type == int.class || type == long.class || type == short.class || type == byte.class
        || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
        || type == BigInteger.class) {
      return "an integer";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  /**
   * For a value Jackson cannot bind: "expected an integer, got \"7\"". A field left out or sent as null reaches here only
   * when its type has no absent value (a primitive), so it is required: "required: expected an integer".
   */
  private static String mismatch(Class<?> type, JsonNode value) {
    String expected = "expected " + describe(type);
    if (value.isMissingNode()) {
      return "required: " + expected;
    }
    if (value.isNull()) {
      return expected + ", got null";
    }
    // A scalar of another JSON type (5 for a string, "7" for an integer) is quoted; arrays and objects are not.
    return value.isValueNode() && value.toString().length() <= 64 ? expected + ", got " + value : expected;
  }

  /**
   * For a number too large for its Java type: "expected an integer from -128 to 127, got 300". A number
   * beyond a {@code double}'s range is Infinity in the payload tree, so it can only be described.
   */
  private static String outOfRange(Class<?> type, JsonNode value) {
    String expected = "expected " + describe(type) + range(type);
    if (value.isMissingNode()) {
      return expected;
    }
    return expected + ", got " + (isFinite(value) ? value.toString() : "one beyond that range");
  }

  private static boolean isFinite(JsonNode value) {
    return !value.isFloatingPointNumber() || Double.isFinite(value.doubleValue());
  }

  private static String range(Class<?> type) {
    if (type == int.class || type == Integer.class) {
      return " from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (type == long.class || type == Long.class) {
      return " from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    }
    if (type == short.class || type == Short.class) {
      return " from " + Short.MIN_VALUE + " to " + Short.MAX_VALUE;
    }
    if (type == byte.class || type == Byte.class) {
      return " from " + Byte.MIN_VALUE + " to " + Byte.MAX_VALUE;
    }
    if (type == float.class || type == Float.class) {
      return " from " + -Float.MAX_VALUE + " to " + Float.MAX_VALUE;
    }
    if (type == double.class || type == Double.class || type == BigDecimal.class) {
      // A payload tree holds every fraction as a double, so a BigDecimal field gets no more range than that.
      return " from " + -Double.MAX_VALUE + " to " + Double.MAX_VALUE;
    }
    return "";
  }

  /** The payload's value at a binding error's path. */
  private static JsonNode valueAt(JsonNode payload, JsonMappingException e) {
    JsonPointer pointer = JsonPointer.empty();
    for (JsonMappingException.Reference ref : e.getPath()) {
      pointer = ref.getFieldName() != null ? pointer.appendProperty(ref.getFieldName()) : pointer.appendIndex(ref.getIndex());
    }
    return payload.at(pointer);
  }

  private static String quote(Object value) {
    if (value instanceof Double d && !Double.isFinite(d)) {
      return "a number of magnitude beyond " + Double.MAX_VALUE;
    }
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }
}
