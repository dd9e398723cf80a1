package dev.nm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Json#newMapper()} reads and writes only finite numbers. */
class FiniteNumbersTest {
  private final ObjectMapper mapper = Json.mapper();

  record Sampling(double temperature, Double topP, float minP, Float penalty, List<Double> weights) {}

  record Exact(BigDecimal amount) {}

  record Score(double score, double[] logits, float[] embedding, Map<String, Object> extra) {
    static Score of(double score) {
      return new Score(score, new double[] {0.5}, new float[] {0.25f}, Map.of());
    }
  }

  @Test
  void numbersWithinRangeReadAsThemselves() throws Exception {
    Sampling read = mapper.readValue(
        "{\"temperature\":1.7976931348623157E308,\"top_p\":-0.5,\"min_p\":3.4028235E38,\"penalty\":1e-50,\"weights\":[1,2.5]}",
        Sampling.class);

    assertEquals(new Sampling(Double.MAX_VALUE, -0.5, Float.MAX_VALUE, 0f, List.of(1.0, 2.5)), read);
  }

  @Test
  void aNumberBeyondADoubleFailsAsACoercionOfThatField() {
    assertOutOfRange("{\"temperature\":1e400}", double.class, "temperature", "number 1e400 is out of range of double");
    assertOutOfRange("{\"top_p\":-1e400}", Double.class, "top_p", "number -1e400 is out of range of Double");
    assertOutOfRange("{\"weights\":[1,1e400]}", Double.class, "weights", "number 1e400 is out of range of Double");
  }

  @Test
  void anArrayOfPrimitivesIsCheckedElementByElement() throws Exception {
    record Vectors(double[] doubles, float[] floats) {}

    Vectors read = mapper.readValue("{\"doubles\":[1e308],\"floats\":[3e38]}", Vectors.class);
    assertEquals(1e308, read.doubles()[0]);
    assertEquals(3e38f, read.floats()[0]);
    for (String json : List.of("{\"doubles\":[0,1e400]}", "{\"floats\":[0,-1e39]}")) {
      JsonMappingException e = assertThrows(JsonMappingException.class,
          () -> mapper.treeToValue(mapper.readTree(json), Vectors.class), json);
      assertInstanceOf(InputCoercionException.class, e.getCause(), json);
      assertEquals(1, e.getPath().get(1).getIndex(), json);
    }
  }

  @Test
  void aNumberBeyondAFloatFailsAsACoercionOfThatField() {
    assertOutOfRange("{\"min_p\":1e39}", float.class, "min_p", "number 1e39 is out of range of float");
    assertOutOfRange("{\"penalty\":-3.5e38}", Float.class, "penalty", "number -3.5e38 is out of range of Float");
  }

  @Test
  void aPayloadTreeHoldsTheOverflowAsInfinityWhichFailsTheSameWay() throws Exception {
    JsonMappingException e = assertThrows(JsonMappingException.class,
        () -> mapper.treeToValue(mapper.readTree("{\"temperature\":1e400}"), Sampling.class));

    assertEquals(double.class, assertInstanceOf(InputCoercionException.class, e.getCause()).getTargetType());
    assertEquals("temperature", e.getPath().get(0).getFieldName());
  }

  @Test
  void aBigDecimalKeepsAnyNumberFromTextButNotAnInfinityFromATree() throws Exception {
    assertEquals(new BigDecimal("1E+400"), mapper.readValue("{\"amount\":1e400}", Exact.class).amount());

    JsonMappingException e = assertThrows(JsonMappingException.class,
        () -> mapper.treeToValue(mapper.readTree("{\"amount\":1e400}"), Exact.class));
    assertEquals(BigDecimal.class, assertInstanceOf(InputCoercionException.class, e.getCause()).getTargetType());
    assertEquals(new BigDecimal("0.5"), mapper.treeToValue(mapper.readTree("{\"amount\":0.5}"), Exact.class).amount());
    // A string is not a number, whatever it reads as.
    assertThrows(MismatchedInputException.class, () -> mapper.treeToValue(mapper.readTree("{\"amount\":\"7\"}"), Exact.class));
  }

  @Test
  void stringsThatReadAsNaNOrInfinityAreRefused() {
    // Jackson reads these three strings into a double whatever its coercion settings; the rest, "1e400" among
    // them, are strings where a number belongs.
    for (String text : List.of("NaN", "Infinity", "-Infinity")) {
      InvalidFormatException e = assertThrows(InvalidFormatException.class,
          () -> mapper.readValue("{\"top_p\":\"" + text + "\"}", Sampling.class), text);
      assertEquals(text, e.getValue());
      assertEquals("top_p", e.getPath().get(0).getFieldName());
    }
    for (String text : List.of("1e400", "0.5")) {
      MismatchedInputException e = assertThrows(MismatchedInputException.class,
          () -> mapper.readValue("{\"top_p\":\"" + text + "\"}", Sampling.class), text);
      assertEquals("top_p", e.getPath().get(0).getFieldName());
    }
  }

  @Test
  void writingNaNOrAnInfinityFailsNamingThePath() {
    assertUnwritable(Score.of(Double.NaN), "score: NaN has no JSON form; JSON numbers are finite");
    assertUnwritable(new Score(1, new double[] {1, Double.POSITIVE_INFINITY}, new float[0], Map.of()),
        "logits[1]: Infinity has no JSON form; JSON numbers are finite");
    assertUnwritable(new Score(1, new double[0], new float[] {1, 2, Float.NaN}, Map.of()),
        "embedding[2]: NaN has no JSON form; JSON numbers are finite");
    assertUnwritable(new Score(1, new double[0], new float[0], Map.of("stats", List.of(Map.of("mean", Double.NaN)))),
        "extra.stats[0].mean: NaN has no JSON form; JSON numbers are finite");
    assertUnwritable(mapper.createObjectNode().put("score", Double.NEGATIVE_INFINITY),
        "score: -Infinity has no JSON form; JSON numbers are finite");
    assertUnwritable(Float.NaN, "NaN has no JSON form; JSON numbers are finite");
  }

  @Test
  void finiteNumbersAreWrittenAsBefore() throws Exception {
    assertEquals("{\"score\":-1.5,\"logits\":[0.5],\"embedding\":[0.25],\"extra\":{}}",
        mapper.writeValueAsString(Score.of(-1.5)));
  }

  @Test
  void aReplyHoldingNaNCannotBeEncodedAndSaysWhere() {
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> new EnvelopeCodec().encode(new Message.Success("r1", Score.of(Double.NaN))));

    assertEquals("cannot encode Success: data.score: NaN has no JSON form; JSON numbers are finite", e.getMessage());
  }

  private void assertOutOfRange(String json, Class<?> type, String field, String message) {
    JsonMappingException e = assertThrows(JsonMappingException.class, () -> mapper.readValue(json, Sampling.class), json);
    InputCoercionException cause = assertInstanceOf(InputCoercionException.class, e.getCause(), json);
    assertEquals(type, cause.getTargetType(), json);
    assertEquals(message, cause.getOriginalMessage(), json);
    assertEquals(field, e.getPath().get(0).getFieldName(), json);
  }

  private void assertUnwritable(Object value, String message) {
    JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> mapper.writeValueAsString(value));
    assertEquals(message, e.getOriginalMessage());
  }
}
