package dev.nm.route.processor.generation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.AnnotationValues;
import dev.nm.route.processor.model.BuiltInConstraints;
import java.math.BigDecimal;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;

/** Jakarta constraints written as schema keywords on one schema, by the JSON type it has. */
final class ConstraintKeywords {
  private final ObjectNode schema;
  private final AnnotationValues values;
  private final String jsonType;

  ConstraintKeywords(ObjectNode schema, AnnotationValues values) {
    this.schema = schema;
    this.values = values;
    this.jsonType = schema.path("type").asText("");
  }

  /**
   * Adds the keywords of the Jakarta constraints among {@code annotations}, and of those a composed constraint
   * (an annotation meta-annotated with {@code @Constraint}) is made of; other annotations are ignored.
   */
  void apply(List<? extends AnnotationMirror> annotations) {
    for (AnnotationMirror mirror : BuiltInConstraints.of(annotations)) {
      String name = AnnotationValues.typeName(mirror);
      switch (name.substring(AnnotationNames.JAKARTA_CONSTRAINTS_PACKAGE.length() + 1)) {
        case "NotBlank" -> schema.put("minLength", 1);
        case "NotEmpty" -> sizeBounds(1, Integer.MAX_VALUE);
        case "Size" -> sizeBounds(values.number(mirror, "min"), values.number(mirror, "max"));
        case "Min" -> schema.put("minimum", values.number(mirror, "value"));
        case "Max" -> schema.put("maximum", values.number(mirror, "value"));
        case "DecimalMin" -> decimal(mirror, "minimum", "exclusiveMinimum");
        case "DecimalMax" -> decimal(mirror, "maximum", "exclusiveMaximum");
        case "Positive" -> schema.put("exclusiveMinimum", 0);
        case "PositiveOrZero" -> schema.put("minimum", 0);
        case "Negative" -> schema.put("exclusiveMaximum", 0);
        case "NegativeOrZero" -> schema.put("maximum", 0);
        // Jakarta matches the whole value; a JSON Schema pattern matches anywhere unless anchored. Flags
        // (CASE_INSENSITIVE...) have no form in JSON Schema's regular expressions, nor has Java-only syntax
        // ((?i), \z, possessive quantifiers, \p{Alpha}...), which fails a client's whole schema: the schema then
        // leaves the pattern out, and the host still enforces it.
        case "Pattern" -> {
          String regexp = values.string(mirror, "regexp");
          if (values.strings(mirror, "flags").isEmpty() && EcmaPatterns.portable(regexp)) {
            // A repeated @Pattern: the value must match each, as a lookahead for the ones before.
            String whole = "(?:" + regexp + ")$";
            String earlier = schema.path("pattern").asText("");
            schema.put("pattern", earlier.isEmpty() ? "^" + whole : "^(?=" + earlier.substring(1) + ")" + whole);
          }
        }
        case "Email" -> schema.put("format", "email");
        // A nullable component's enum gains null with its type, as Bean Validation passes null.
        case "AssertTrue" -> schema.putArray("enum").add(true);
        case "AssertFalse" -> schema.putArray("enum").add(false);
        default -> { }
      }
    }
  }

  private void sizeBounds(long min, long max) {
    String prefix = switch (jsonType) {
      case "string" -> "Length";
      case "array" -> "Items";
      case "object" -> "Properties";
      default -> "";
    };
    if (prefix.isEmpty()) {
      return;
    }
    if (schema.has("contentEncoding")) { // a byte[] as base64: Bean Validation counts the bytes, 3 to 4 characters
      min = base64Length(min);
      max = max < Integer.MAX_VALUE ? base64Length(max) : max;
    }
    // Every constraint holds (a repeated @Size, @NotEmpty beside @Size): the tighter bound wins.
    if (min > 0) {
      schema.put("min" + prefix, Math.max(min, schema.path("min" + prefix).asLong(0)));
    }
    if (max < Integer.MAX_VALUE) {
      schema.put("max" + prefix, Math.min(max, schema.path("max" + prefix).asLong(Long.MAX_VALUE)));
    }
  }

  /** The characters of {@code bytes} bytes in padded base64. */
  private static long base64Length(long bytes) {
    return (bytes + 2) / 3 * 4;
  }

  private void decimal(AnnotationMirror mirror, String inclusiveKeyword, String exclusiveKeyword) {
    BigDecimal bound;
    try {
      bound = new BigDecimal(values.string(mirror, "value"));
    } catch (NumberFormatException notANumber) {
      return; // Hibernate Validator refuses such a constraint when the host starts.
    }
    schema.put(values.bool(mirror, "inclusive") ? inclusiveKeyword : exclusiveKeyword, bound);
  }
}
