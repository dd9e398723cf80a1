package dev.nm.routes.backend.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.routes.backend.OutputSchemaException;
import org.junit.jupiter.api.Test;

class GrammarSchemaLimitsTest {
  private static String refused(String schema) {
    return assertThrows(OutputSchemaException.class, () -> GrammarSchemaLimits.check(schema)).getMessage();
  }

  @Test
  void aSchemaWithinTheLimitsIsWrittenAgainAsCompactJson() {
    assertEquals(
        "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":10000,\"pattern\":\"^[a-z]{2,8}$\"},\"maxItems\":50}",
        GrammarSchemaLimits.check(
            "{\"type\": \"array\", \"items\": {\"type\": \"string\", \"maxLength\": 10000, \"pattern\": \"^[a-z]{2,8}$\"},"
                + " \"maxItems\": 50}"));
  }

  @Test
  void aCountAboveTheMostIsRefusedNamingWhere() {
    assertEquals(
        "maxItems at /properties/tags/maxItems is 1000000000; llama.cpp's grammar repeats a rule once per count, so at"
            + " most 10000 is taken",
        refused("{\"type\": \"object\", \"properties\": {\"tags\": {\"type\": \"array\", \"maxItems\": 1000000000}}}"));
    assertEquals(
        "a repetition at /pattern is 20000; llama.cpp's grammar repeats a rule once per count, so at most 10000 is taken",
        refused("{\"type\": \"string\", \"pattern\": \"^a{1,20000}$\"}"));
  }

  @Test
  void countsAddUpToAtMostTheTotal() {
    StringBuilder properties = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      properties.append(i == 0 ? "" : ", ").append("\"p").append(i).append("\": {\"type\": \"string\", \"maxLength\": 10000}");
    }
    assertEquals(
        "its counts (maxItems, maxLength, repetitions in patterns) add up to over 100000 at /properties/p10/maxLength;"
            + " llama.cpp's grammar repeats a rule once per count",
        refused("{\"type\": \"object\", \"properties\": {" + properties + "}}"));
  }

  @Test
  void notJsonNotAnObjectTooDeepOrTooLongIsRefused() {
    assertTrue(refused("{\"type\": ").startsWith("is not JSON: Unexpected end-of-input"));
    assertEquals("must be a JSON object", refused("[1]"));
    assertEquals("nests deeper than 32 levels at " + "/items".repeat(33),
        refused("{\"items\": ".repeat(33) + "{}" + "}".repeat(33)));
    assertEquals("is 65537 characters long; at most 65536 are taken",
        refused("{\"description\": \"" + "x".repeat(65_537 - 19) + "\"}"));
  }
}
