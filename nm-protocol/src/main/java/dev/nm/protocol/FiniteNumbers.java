package dev.nm.protocol;

import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.util.JsonGeneratorDecorator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.PrimitiveArrayDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;

/**
 * JSON numbers are finite: NaN and the infinities have no JSON form. Left alone, Jackson reads a number past
 * a {@code double}'s range ({@code 1e400}) as Infinity, reads the strings "NaN" and "Infinity" into number
 * fields, and writes NaN as the string "NaN" where a schema promises a number. {@link Json#newMapper()}
 * installs both halves of this class, so that none of that happens silently.
 */
final class FiniteNumbers {
  private FiniteNumbers() {}

  /**
   * Deserializers for {@code double}, {@code float} and their boxes that refuse what does not fit: a JSON
   * number beyond the type's range fails as an {@link InputCoercionException}, just as Jackson fails an
   * {@code int} given 1e10, and a string that reads as NaN or an infinity fails as an invalid format. A
   * {@link BigDecimal} read from a tree whose number overflowed a {@code double} fails the same way: the tree
   * no longer holds the number, only Infinity. A {@code double[]} or {@code float[]}, which Jackson fills
   * without the element deserializers, is checked element by element.
   */
  static Module deserializers() {
    return new SimpleModule("nm-finite-numbers")
        .addDeserializer(double.class, new FiniteDouble(double.class, 0.0))
        .addDeserializer(Double.class, new FiniteDouble(Double.class, null))
        .addDeserializer(float.class, new FiniteFloat(float.class, 0.0f))
        .addDeserializer(Float.class, new FiniteFloat(Float.class, null))
        .addDeserializer(BigDecimal.class, new FiniteBigDecimal())
        .addDeserializer(double[].class, new FiniteArray<>(double[].class, double.class))
        .addDeserializer(float[].class, new FiniteArray<>(float[].class, float.class));
  }

  /**
   * Wraps every generator so that writing NaN or an infinity fails with a {@link JsonGenerationException}
   * naming the field, instead of writing a string or text no JSON parser accepts.
   */
  static JsonGeneratorDecorator generators() {
    return (factory, generator) -> new FiniteGenerator(generator);
  }

  private static <N extends Number> N requireFinite(N value, JsonParser p, DeserializationContext ctxt, Class<?> type)
      throws IOException {
    if (value == null || Double.isFinite(value.doubleValue())) {
      return value;
    }
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      ctxt.handleWeirdStringValue(type, p.getText(), "not a finite number");
    }
    throw new InputCoercionException(
        p, "number " + p.getText() + " is out of range of " + type.getSimpleName(), p.currentToken(), type);
  }

  private static final class FiniteDouble extends NumberDeserializers.DoubleDeserializer {
    private static final long serialVersionUID = 1L;

    FiniteDouble(Class<Double> type, Double nullValue) {
      super(type, nullValue);
    }

    @Override
    public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return requireFinite(super.deserialize(p, ctxt), p, ctxt, handledType());
    }
  }

  private static final class FiniteFloat extends NumberDeserializers.FloatDeserializer {
    private static final long serialVersionUID = 1L;

    FiniteFloat(Class<Float> type, Float nullValue) {
      super(type, nullValue);
    }

    @Override
    public Float deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return requireFinite(super.deserialize(p, ctxt), p, ctxt, handledType());
    }
  }

  private static final class FiniteBigDecimal extends NumberDeserializers.BigDecimalDeserializer {
    private static final long serialVersionUID = 1L;

    @Override
    public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT && p.getNumberTypeFP() == JsonParser.NumberTypeFP.DOUBLE64) {
        requireFinite(p.getDoubleValue(), p, ctxt, BigDecimal.class);
      }
      return super.deserialize(p, ctxt);
    }
  }

  /** Jackson's own array deserializer, then a check of each element; a failure names the element's index. */
  private static final class FiniteArray<A> extends StdDeserializer<A> {
    private static final long serialVersionUID = 1L;
    private final Class<?> elementType;
    private final JsonDeserializer<?> arrays;

    FiniteArray(Class<A> arrayType, Class<?> elementType) {
      super(arrayType);
      this.elementType = elementType;
      this.arrays = PrimitiveArrayDeserializers.forType(elementType);
    }

    @Override
    public A deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      @SuppressWarnings("unchecked")
      A array = (A) arrays.deserialize(p, ctxt);
      for (int i = 0; i < Array.getLength(array); i++) {
        double element = Array.getDouble(array, i);
        if (!Double.isFinite(element)) {
          String message = "number " + element + " is out of range of " + elementType;
          InputCoercionException outOfRange =
              new InputCoercionException(p, message, JsonToken.VALUE_NUMBER_FLOAT, elementType);
          throw JsonMappingException.wrapWithPath(outOfRange, array, i);
        }
      }
      return array;
    }
  }

  private static final class FiniteGenerator extends JsonGeneratorDelegate {
    FiniteGenerator(JsonGenerator delegate) {
      super(delegate, false);
    }

    @Override
    public void writeNumber(double v) throws IOException {
      requireFinite(v);
      super.writeNumber(v);
    }

    @Override
    public void writeNumber(float v) throws IOException {
      requireFinite(v);
      super.writeNumber(v);
    }

    /** Element by element, as {@link JsonGenerator} does it, so each passes {@link #writeNumber(double)}. */
    @Override
    public void writeArray(double[] array, int offset, int length) throws IOException {
      writeStartArray(array, length);
      for (int i = offset; i < offset + length; i++) {
        writeNumber(array[i]);
      }
      writeEndArray();
    }

    private void requireFinite(double v) throws JsonGenerationException {
      if (!Double.isFinite(v)) {
        String path = FieldPath.next(getOutputContext());
        throw new JsonGenerationException(
            (path.isEmpty() ? "" : path + ": ") + v + " has no JSON form; JSON numbers are finite", this);
      }
    }
  }
}
