package dev.nm.route.processor.generation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.AnnotationValues;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;

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
   * Whether one of {@code annotations}, or a constraint one of them is composed of, makes a property required:
   * {@code @NotNull}, {@code @NotBlank}, {@code @NotEmpty}.
   */
  static boolean requiresPresence(List<? extends AnnotationMirror> annotations) {
    return builtIns(annotations).stream()
        .map(AnnotationValues::typeName)
        .anyMatch(name -> name.equals(constraint("NotNull")) || name.equals(constraint("NotBlank"))
            || name.equals(constraint("NotEmpty")));
  }

  /**
   * Adds the keywords of the Jakarta constraints among {@code annotations}, and of those a composed constraint
   * (an annotation meta-annotated with {@code @Constraint}) is made of; other annotations are ignored.
   */
  void apply(List<? extends AnnotationMirror> annotations) {
    for (AnnotationMirror mirror : builtIns(annotations)) {
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
        // Jakarta matches the whole value; a JSON Schema pattern matches anywhere unless anchored.
        case "Pattern" -> schema.put("pattern", "^(?:" + values.string(mirror, "regexp") + ")$");
        case "Email" -> schema.put("format", "email");
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
    if (min > 0) {
      schema.put("min" + prefix, min);
    }
    if (max < Integer.MAX_VALUE) {
      schema.put("max" + prefix, max);
    }
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

  /**
   * The built-in Jakarta constraints among {@code annotations} and, through composed constraints (an
   * annotation of the author's, or Hibernate's, meta-annotated with {@code @Constraint}), those they are made
   * of, each composed constraint expanded once.
   */
  private static List<AnnotationMirror> builtIns(List<? extends AnnotationMirror> annotations) {
    List<AnnotationMirror> builtIns = new ArrayList<>();
    collectBuiltIns(annotations, new HashSet<>(), builtIns);
    return builtIns;
  }

  private static void collectBuiltIns(
      List<? extends AnnotationMirror> annotations, Set<String> composedSeen, List<AnnotationMirror> builtIns) {
    for (AnnotationMirror mirror : annotations) {
      if (!AnnotationValues.inDefaultGroup(mirror)) {
        continue; // the host validates the default group only
      }
      String name = AnnotationValues.typeName(mirror);
      Element type = mirror.getAnnotationType().asElement();
      if (name.startsWith(AnnotationNames.JAKARTA_CONSTRAINTS_PACKAGE + ".")) {
        builtIns.add(mirror);
      } else if (AnnotationValues.find(type, AnnotationNames.JAKARTA_CONSTRAINT).isPresent() && composedSeen.add(name)) {
        collectBuiltIns(type.getAnnotationMirrors(), composedSeen, builtIns);
      }
    }
  }

  private static String constraint(String simpleName) {
    return AnnotationNames.JAKARTA_CONSTRAINTS_PACKAGE + "." + simpleName;
  }
}
