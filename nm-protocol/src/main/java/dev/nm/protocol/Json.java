package dev.nm.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/**
 * The one Jackson configuration of the wire protocol. Route request and response records bind through it,
 * so Java's {@code maxTokens} is the wire's {@code max_tokens} everywhere (the route processor derives
 * JSON Schemas with the same rule). It registers no Jackson modules found on the class path, so the wire
 * format does not change with what else an application bundles; add modules to a {@link #newMapper()} copy.
 */
public final class Json {
  private static final ObjectMapper MAPPER = newMapper();

  /** {@code Map<String, Object>}, for reading JSON objects whose shape is open. */
  public static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {};

  private Json() {}

  /** The shared, fully configured mapper. Do not reconfigure it; call {@link #newMapper()} for a copy. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * A new mapper with the protocol's rules: snake_case property names, unknown properties rejected, trailing
   * tokens after a JSON value rejected, nulls refused for primitives, fractions refused for integers (1.5 is not
   * silently 1), a value of another JSON type refused rather than converted (5 is not the string "5", "7" not the
   * integer 7, 0 not an enum's first constant), nesting bounded by
   * {@link ProtocolLimits#MAX_JSON_NESTING_DEPTH} and strings by the inbound frame limit.
   *
   * <p>Numbers are finite both ways. Reading, a number beyond a {@code double} or {@code float} field's range
   * (1e400) fails as Jackson fails an {@code int} given 1e10, with an
   * {@link com.fasterxml.jackson.core.exc.InputCoercionException} naming the target type, instead of binding
   * Infinity; the strings "NaN" and "Infinity" fail as invalid formats. Writing, NaN or an infinity anywhere (a
   * field, a {@code double[]}, a tree) fails with a {@link com.fasterxml.jackson.core.JsonGenerationException}
   * naming its path, instead of the string "NaN" that {@code JsonWriteFeature.WRITE_NAN_AS_STRINGS} would write
   * where a schema promises a number. Parsing stays strict JSON (no {@code JsonReadFeature} is enabled): NaN,
   * +1, 01, comments, single quotes, unquoted names and trailing commas are syntax errors.
   */
  public static ObjectMapper newMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(ProtocolLimits.readConstraints())
            .addDecorator(FiniteNumbers.generators())
            .build();
    return JsonMapper.builder(factory)
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS) // "7" for numbers and booleans
        .withCoercionConfig(LogicalType.Textual, strings -> strings // which that feature leaves to coerce
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .addModule(FiniteNumbers.deserializers())
        .build();
  }
}
