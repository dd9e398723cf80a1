package dev.nm.route.processor.generation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.AnnotationValues;
import dev.nm.route.processor.model.BuiltInConstraints;
import dev.nm.route.processor.model.ComponentAnnotations;
import dev.nm.route.processor.model.DocComments;
import dev.nm.route.processor.model.Subtypes;
import dev.nm.route.processor.model.WireNames;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Derives the JSON Schema (draft 2020-12) of a request or response type from its declaration, by the rules
 * {@code Json.mapper()} binds with: snake_case wire names, unknown properties rejected (so records are
 * closed with {@code additionalProperties: false}), Jakarta constraints as schema keywords. A record that
 * contains itself is written once under {@code $defs} and referenced.
 */
public final class JsonSchemaGenerator {
  static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Elements elements;
  private final Types types;
  private final AnnotationValues values;
  private final Subtypes subtypes;

  public JsonSchemaGenerator(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.values = new AnnotationValues(elements);
    this.subtypes = new Subtypes(elements, types);
  }

  /** The schema of {@code type} as compact JSON text. */
  public String schemaOf(TypeMirror type) {
    return new Derivation().root(type).toString();
  }

  /** One schema's derivation: tracks the records being expanded, to cut cycles with {@code $ref}. */
  private final class Derivation {
    private final Deque<String> expanding = new ArrayDeque<>();
    private final Map<String, DeclaredType> referenced = new TreeMap<>();

    ObjectNode root(TypeMirror type) {
      ObjectNode root = NODES.objectNode().put("$schema", DIALECT);
      root.setAll(schema(type, List.of()));
      Map<String, ObjectNode> defs = new TreeMap<>();
      while (defs.size() < referenced.size()) {
        for (Map.Entry<String, DeclaredType> entry : new TreeMap<>(referenced).entrySet()) {
          if (!defs.containsKey(entry.getKey())) {
            defs.put(entry.getKey(), record(entry.getValue()));
          }
        }
      }
      if (!defs.isEmpty()) {
        defs.forEach(root.putObject("$defs")::set);
      }
      return root;
    }

    ObjectNode schema(TypeMirror type, List<? extends AnnotationMirror> annotations) {
      ObjectNode schema = typeSchema(type, annotations);
      new ConstraintKeywords(schema, values).apply(annotations);
      return schema;
    }

    /** {@code declared}: the annotations of the declaration typed {@code type}, if any. */
    private ObjectNode typeSchema(TypeMirror type, List<? extends AnnotationMirror> declared) {
      switch (type.getKind()) {
        case BOOLEAN:
          return typed("boolean");
        case BYTE: case SHORT: case INT: case LONG:
          return typed("integer");
        case FLOAT: case DOUBLE:
          return typed("number");
        case CHAR:
          return typed("string").put("minLength", 1).put("maxLength", 1);
        case ARRAY:
          TypeMirror component = ((ArrayType) type).getComponentType();
          if (component.getKind() == TypeKind.BYTE) {
            return typed("string").put("contentEncoding", "base64");
          }
          return array(component, declared);
        case DECLARED:
          return declared((DeclaredType) type);
        default:
          return NODES.objectNode();
      }
    }

    private ObjectNode declared(DeclaredType type) {
      TypeElement element = (TypeElement) type.asElement();
      switch (element.getQualifiedName().toString()) {
        case "java.lang.String": case "java.lang.CharSequence":
          return typed("string");
        case "java.lang.Character":
          return typed("string").put("minLength", 1).put("maxLength", 1);
        case "java.util.UUID":
          return typed("string").put("format", "uuid");
        case "java.lang.Boolean":
          return typed("boolean");
        case "java.lang.Byte": case "java.lang.Short": case "java.lang.Integer": case "java.lang.Long":
        case "java.math.BigInteger":
          return typed("integer");
        case "java.lang.Float": case "java.lang.Double": case "java.lang.Number": case "java.math.BigDecimal":
          return typed("number");
        case "com.fasterxml.jackson.databind.node.ObjectNode":
          return typed("object");
        case "com.fasterxml.jackson.databind.node.ArrayNode":
          return typed("array");
        case "java.lang.Object": case AnnotationNames.JSON_NODE:
          return NODES.objectNode();
        default:
          break;
      }
      if (element.getKind() == ElementKind.ENUM) {
        Optional<TypeMirror> valueType = jsonValueType(element);
        if (valueType.isPresent()) {
          // Jackson reads and writes the constant as its @JsonValue, never by its name.
          return typeSchema(valueType.get(), List.of());
        }
        if (hasJsonCreator(element)) {
          return NODES.objectNode(); // its creator decides what it reads
        }
        ArrayNode constants = NODES.arrayNode();
        ElementFilter.fieldsIn(element.getEnclosedElements()).stream()
            .filter(field -> field.getKind() == ElementKind.ENUM_CONSTANT)
            .map(WireNames::enumConstant)
            .forEach(constants::add);
        ObjectNode schema = typed("string");
        schema.set("enum", constants);
        return schema;
      }
      List<? extends TypeMirror> arguments = type.getTypeArguments();
      if (subtypes.isA(type, "java.util.Map")) {
        ObjectNode schema = typed("object");
        if (arguments.size() == 2) {
          schema.set("additionalProperties", schema(arguments.get(1), arguments.get(1).getAnnotationMirrors()));
        }
        return schema;
      }
      if (subtypes.isA(type, "java.lang.Iterable")) {
        ObjectNode schema = arguments.size() == 1 ? array(arguments.get(0), List.of()) : typed("array");
        return subtypes.isA(type, "java.util.Set") ? schema.put("uniqueItems", true) : schema;
      }
      if (element.getKind() == ElementKind.RECORD) {
        String name = element.getQualifiedName().toString();
        if (expanding.contains(name)) {
          referenced.put(name, type);
          return NODES.objectNode().put("$ref", "#/$defs/" + name);
        }
        return record(type);
      }
      return typed("object");
    }

    /**
     * The type of an enum's {@code @JsonValue} method or field (unless {@code @JsonValue(false)}): what Jackson
     * writes, and reads back, in place of the constants' names.
     */
    private Optional<TypeMirror> jsonValueType(TypeElement enumType) {
      for (Element member : enumType.getEnclosedElements()) {
        Optional<AnnotationMirror> jsonValue = AnnotationValues.find(member, AnnotationNames.JSON_VALUE);
        if (jsonValue.isEmpty() || !values.bool(jsonValue.get(), "value")) {
          continue;
        }
        if (member instanceof ExecutableElement method && member.getKind() == ElementKind.METHOD) {
          return Optional.of(method.getReturnType());
        }
        if (member.getKind() == ElementKind.FIELD) {
          return Optional.of(member.asType());
        }
      }
      return Optional.empty();
    }

    private boolean hasJsonCreator(TypeElement type) {
      return type.getEnclosedElements().stream()
          .filter(member -> member.getKind() == ElementKind.CONSTRUCTOR || member.getKind() == ElementKind.METHOD)
          .anyMatch(member -> AnnotationValues.find(member, AnnotationNames.JSON_CREATOR).isPresent());
    }

    private ObjectNode record(DeclaredType type) {
      TypeElement record = (TypeElement) type.asElement();
      String name = record.getQualifiedName().toString();
      expanding.push(name);
      String doc = elements.getDocComment(record);
      ObjectNode properties = NODES.objectNode();
      ArrayNode required = NODES.arrayNode();
      boolean recordOmitsNulls = omitsNulls(record);
      for (RecordComponentElement component : record.getRecordComponents()) {
        List<AnnotationMirror> annotations = ComponentAnnotations.of(component);
        String wireName = WireNames.property(component);
        ObjectNode property = NODES.objectNode();
        DocComments.param(doc, component.getSimpleName().toString()).ifPresent(text -> property.put("description", text));
        property.setAll(schema(componentType(type, component), annotations));
        properties.set(wireName, property);
        boolean takesNull = !BuiltInConstraints.required(component);
        boolean requiredByJackson = BuiltInConstraints.requiredByJackson(component);
        if (!takesNull || requiredByJackson) {
          required.add(wireName);
        }
        // The host's mapper reads an explicit null as absent, and writes absent values as null; a property it
        // requires it reads as null too, whatever it writes.
        if (takesNull && (requiredByJackson || !recordOmitsNulls && !omitsNulls(component))) {
          allowNull(property);
        }
      }
      expanding.pop();
      ObjectNode schema = typed("object");
      String description = DocComments.firstParagraph(doc);
      if (!description.isEmpty()) {
        schema.put("description", description);
      }
      schema.set("properties", properties);
      if (!required.isEmpty()) {
        schema.set("required", required);
      }
      return schema.put("additionalProperties", false);
    }

    /** Whether Jackson leaves null values out when it writes {@code element}: {@code @JsonInclude(NON_NULL)} or stricter. */
    private boolean omitsNulls(Element element) {
      List<? extends AnnotationMirror> mirrors = element instanceof RecordComponentElement component
          ? ComponentAnnotations.of(component)
          : element.getAnnotationMirrors();
      return AnnotationValues.find(mirrors, AnnotationNames.JSON_INCLUDE).stream()
          .flatMap(mirror -> mirror.getElementValues().entrySet().stream())
          .filter(member -> member.getKey().getSimpleName().contentEquals("value"))
          .map(member -> String.valueOf(member.getValue().getValue()))
          .anyMatch(include -> !include.equals("ALWAYS") && !include.equals("USE_DEFAULTS"));
    }

    /** The component's type, with the record's type arguments substituted if it has any. */
    private TypeMirror componentType(DeclaredType record, RecordComponentElement component) {
      return record.getTypeArguments().isEmpty()
          ? component.asType()
          : ((ExecutableType) types.asMemberOf(record, component.getAccessor())).getReturnType();
    }

    /**
     * An array of {@code elementType}. {@code declared} are the annotations of the array's declaration: in
     * {@code @Size(max = 3) String[] tags} javac also puts {@code @Size} on {@code String}, but Bean Validation
     * applies it to the array only, so the elements' schema leaves those out.
     */
    private ObjectNode array(TypeMirror elementType, List<? extends AnnotationMirror> declared) {
      List<String> declaredText = declared.stream().map(AnnotationMirror::toString).toList();
      List<AnnotationMirror> own = elementType.getAnnotationMirrors().stream()
          .filter(mirror -> !declaredText.contains(mirror.toString()))
          .map(AnnotationMirror.class::cast)
          .toList();
      ObjectNode schema = typed("array");
      schema.set("items", schema(elementType, own));
      return schema;
    }
  }

  /** Lets {@code property} also be {@code null}; a schema that allows anything already does. */
  private static void allowNull(ObjectNode property) {
    if (property.has("$ref")) {
      ArrayNode anyOf = property.putArray("anyOf");
      anyOf.addObject().set("$ref", property.remove("$ref"));
      anyOf.addObject().put("type", "null");
      return;
    }
    if (property.path("type").isTextual()) {
      String type = property.get("type").asText();
      property.putArray("type").add(type).add("null");
    }
    if (property.path("enum").isArray()) {
      ((ArrayNode) property.get("enum")).addNull();
    }
  }

  private static ObjectNode typed(String jsonType) {
    return NODES.objectNode().put("type", jsonType);
  }
}
