package dev.nm.route.processor.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.AnnotationValues;
import dev.nm.route.processor.model.ComponentAnnotations;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * What the host's mapper certainly does with a valid case's request values, for the records and components
 * it binds plainly (by their wire names, with Jackson's own deserializers). It converts no JSON value into
 * another: a string is no number, a number no string or boolean, and never a fraction an integer. Only
 * scalar components are judged; enums, collections, maps, records, {@code JsonNode} and {@code Object} are
 * left to the testkit.
 */
final class CaseValues {
  /** Jackson annotations that change nothing about how a value is read. */
  private static final Set<String> NEUTRAL_JACKSON =
      Set.of(
          AnnotationNames.JSON_PROPERTY, AnnotationNames.JSON_INCLUDE,
          "com.fasterxml.jackson.annotation.JsonPropertyDescription", "com.fasterxml.jackson.annotation.JsonPropertyOrder",
          "com.fasterxml.jackson.annotation.JsonClassDescription");
  private static final String JACKSON = "com.fasterxml.jackson.";

  private static final String STRING = "a string";
  private static final String BOOLEAN = "a boolean";
  private static final String INTEGER = "an integer";
  private static final String NUMBER = "a number";

  private CaseValues() {}

  /**
   * Whether Jackson reads {@code record} through its canonical constructor, by the wire names of its
   * components: no {@code @JsonCreator} of its own, no Jackson annotation on the class that changes reading
   * ({@code @JsonNaming}, {@code @JsonDeserialize}, {@code @JsonIgnoreProperties}, ...).
   */
  static boolean plainlyBound(TypeElement record) {
    boolean ownCreator = record.getEnclosedElements().stream()
        .filter(member -> member.getKind() == ElementKind.CONSTRUCTOR || member.getKind() == ElementKind.METHOD)
        .anyMatch(member -> AnnotationValues.find(member, AnnotationNames.JSON_CREATOR).isPresent());
    return !ownCreator && neutral(record.getAnnotationMirrors());
  }

  /**
   * Whether Jackson writes {@code record} as exactly its components, under their wire names: no Jackson
   * annotation that adds, drops or renames properties ({@code @JsonIgnore}, {@code @JsonUnwrapped},
   * {@code @JsonAnyGetter}, {@code @JsonValue}, {@code @JsonNaming}, ...), and no public getter ({@code getX()},
   * {@code isX()}) besides the components' accessors, which Jackson would also write.
   */
  static boolean plainlyWritten(TypeElement record) {
    if (!neutral(record.getAnnotationMirrors())
        || !record.getRecordComponents().stream().allMatch(CaseValues::plainlyBound)) {
      return false;
    }
    Set<String> accessors = new HashSet<>();
    record.getRecordComponents().forEach(component -> accessors.add(component.getAccessor().getSimpleName().toString()));
    for (Element member : record.getEnclosedElements()) {
      if (member.getKind() == ElementKind.FIELD && !neutral(member.getAnnotationMirrors())) {
        return false;
      }
      if (member instanceof ExecutableElement method && member.getKind() == ElementKind.METHOD) {
        if (!neutral(method.getAnnotationMirrors())) {
          return false;
        }
        String name = method.getSimpleName().toString();
        boolean getter = method.getModifiers().contains(Modifier.PUBLIC) && !method.getModifiers().contains(Modifier.STATIC)
            && method.getParameters().isEmpty() && method.getReturnType().getKind() != TypeKind.VOID
            && (name.matches("get\\p{Lu}.*") || name.matches("is\\p{Lu}.*"));
        if (getter && !accessors.contains(name)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code component} is read by its type's own deserializer, under its wire name only. */
  static boolean plainlyBound(RecordComponentElement component) {
    return neutral(ComponentAnnotations.of(component));
  }

  /**
   * Why the host refuses {@code value} (neither absent nor null) for {@code component}: a description of the
   * value ("a string"), with the JSON the component takes ("an integer"); empty if it may be accepted.
   */
  static Optional<Mismatch> mismatch(RecordComponentElement component, JsonNode value) {
    TypeMirror type = component.asType();
    String expected = expected(type);
    if (expected == null) {
      return Optional.empty();
    }
    String actual = switch (expected) {
      case STRING -> value.isTextual() ? null : describe(value);
      case BOOLEAN -> value.isBoolean() ? null : describe(value);
      case NUMBER -> value.isNumber() ? null : describe(value);
      default -> integerProblem(type, value);
    };
    return Optional.ofNullable(actual).map(a -> new Mismatch(a, expected));
  }

  /** A refused value, described as JSON: {@code actual} "a string" where the component takes {@code expected}. */
  record Mismatch(String actual, String expected) {}

  /** The one JSON type a scalar of {@code type} is read from; null for a type not judged. */
  private static String expected(TypeMirror type) {
    switch (type.getKind()) {
      case BOOLEAN:
        return BOOLEAN;
      case BYTE: case SHORT: case INT: case LONG:
        return INTEGER;
      case FLOAT: case DOUBLE:
        return NUMBER;
      case CHAR:
        return STRING;
      case DECLARED:
        String name = ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
        return switch (name) {
          case "java.lang.String", "java.lang.Character", "java.util.UUID" -> STRING;
          case "java.lang.Boolean" -> BOOLEAN;
          case "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.math.BigInteger" -> INTEGER;
          case "java.lang.Float", "java.lang.Double", "java.math.BigDecimal" -> NUMBER;
          default -> null;
        };
      default:
        return null;
    }
  }

  /** Why an integer component refuses {@code value}; null if it takes it. */
  private static String integerProblem(TypeMirror type, JsonNode value) {
    if (!value.isNumber()) {
      return describe(value);
    }
    if (!value.isIntegralNumber()) {
      return "a number with a fraction or exponent"; // 2.0 and 1e2 too: the mapper does not accept floats as ints
    }
    String name = type instanceof DeclaredType declared
        ? ((TypeElement) declared.asElement()).getQualifiedName().toString()
        : type.getKind().name().toLowerCase();
    if ((name.equals("int") || name.equals("java.lang.Integer")) && !value.canConvertToInt()) {
      return "an integer out of int's range";
    }
    if ((name.equals("long") || name.equals("java.lang.Long")) && !value.canConvertToLong()) {
      return "an integer out of long's range";
    }
    return null;
  }

  private static String describe(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> STRING;
      case BOOLEAN -> BOOLEAN;
      case NUMBER -> NUMBER;
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> "a " + value.getNodeType().toString().toLowerCase();
    };
  }

  private static boolean neutral(List<? extends AnnotationMirror> annotations) {
    return annotations.stream()
        .map(AnnotationValues::typeName)
        .noneMatch(name -> name.startsWith(JACKSON) && !NEUTRAL_JACKSON.contains(name));
  }
}
