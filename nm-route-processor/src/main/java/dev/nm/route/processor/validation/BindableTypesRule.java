package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.AnnotationValues;
import dev.nm.route.processor.model.RouteModel;
import dev.nm.route.processor.model.Subtypes;
import dev.nm.route.processor.model.WireNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * [NmRouteUnbindable]: the host's mapper can read a route's request and write its response. Both are
 * concrete, non-generic, public types; everything they contain is a scalar, an enum, a {@code JsonNode}, a
 * collection or map of bindable values, a record of bindable components, or a public static class Jackson
 * can construct. No record is {@code @JsonNaming}: everything else derived from it (schema, case checks, the
 * host's error fields) names its properties in snake_case or by {@code @JsonProperty}.
 */
final class BindableTypesRule implements RouteRule {
  private static final Set<String> SCALARS =
      Set.of(
          "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short",
          "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number",
          "java.lang.Object", "java.math.BigDecimal", "java.math.BigInteger", "java.util.UUID");

  private final Types types;
  private final Subtypes subtypes;

  BindableTypesRule(Elements elements, Types types) {
    this.types = types;
    this.subtypes = new Subtypes(elements, types);
  }

  @Override
  public List<Finding> check(RouteModel route) {
    if (route.handlerTypes().isEmpty()) {
      return List.of();
    }
    List<Finding> findings = new ArrayList<>();
    for (TypeMirror type : List.of(route.handlerTypes().get().request(), route.handlerTypes().get().response())) {
      if (!RecordTypesRule.isRecord(type)) {
        continue; // [NmRouteNotRecord], or [NmRouteNotHandler] for a type variable
      }
      DeclaredType declared = (DeclaredType) type;
      TypeElement element = (TypeElement) declared.asElement();
      String name = element.getSimpleName().toString();
      Optional<String> problem =
          element.getTypeParameters().isEmpty()
              ? problem(declared, name, new HashSet<>())
              : Optional.of(ErrorMessages.unbindableReason(name, "it is generic, but a route names its types with class"
                  + " literals. Declare a record without type parameters"));
      problem.ifPresent(reason -> findings.add(Finding.at(route.element(), ErrorMessages.unbindable(route.name(), reason))));
    }
    return findings;
  }

  /** Why a value of {@code type}, found at {@code where}, cannot be bound; empty if it can. */
  private Optional<String> problem(TypeMirror type, String where, Set<String> visited) {
    switch (type.getKind()) {
      case BOOLEAN: case BYTE: case SHORT: case INT: case LONG: case CHAR: case FLOAT: case DOUBLE: case ERROR:
        return Optional.empty();
      case ARRAY:
        return problem(((ArrayType) type).getComponentType(), where + "[]", visited);
      case WILDCARD:
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        return bound == null ? Optional.empty() : problem(bound, where, visited);
      case TYPEVAR:
        return reason(where, "its type " + type + " is a type variable, whose class Jackson cannot know. Use a concrete type");
      case DECLARED:
        return declaredProblem((DeclaredType) type, where, visited);
      default:
        return reason(where, "its type " + type + " is not a class. Use a concrete type");
    }
  }

  /** Whether Jackson has a key deserializer of its own for {@code key}: a map keyed so binds whatever its keys say. */
  private static boolean isKeyType(TypeMirror key) {
    if (key.getKind() == TypeKind.WILDCARD) {
      TypeMirror bound = ((WildcardType) key).getExtendsBound();
      return bound == null || isKeyType(bound);
    }
    if (key.getKind() != TypeKind.DECLARED) {
      return key.getKind() == TypeKind.ERROR || key.getKind() == TypeKind.TYPEVAR; // type variables: reported as such
    }
    TypeElement element = (TypeElement) ((DeclaredType) key).asElement();
    return element.getKind() == ElementKind.ENUM
        || (SCALARS.contains(element.getQualifiedName().toString())
            && !element.getQualifiedName().contentEquals("java.lang.Number"))
        || fromString(element);
  }

  /**
   * Whether Jackson makes a {@code element} of a key's text: a public constructor or a static {@code valueOf} or
   * {@code fromString} taking one String (a record of one String component has one), or a {@code @JsonCreator}.
   */
  private static boolean fromString(TypeElement element) {
    for (Element member : element.getEnclosedElements()) {
      if (!(member instanceof ExecutableElement executable)) {
        continue;
      }
      if (AnnotationValues.find(member, AnnotationNames.JSON_CREATOR).isPresent()) {
        return true;
      }
      boolean takesOneString =
          executable.getParameters().size() == 1
              && executable.getParameters().get(0).asType().toString().equals("java.lang.String");
      boolean isPublic = executable.getModifiers().contains(Modifier.PUBLIC);
      boolean factory =
          member.getKind() == ElementKind.METHOD
              && executable.getModifiers().contains(Modifier.STATIC)
              && (executable.getSimpleName().contentEquals("valueOf") || executable.getSimpleName().contentEquals("fromString"));
      if (takesOneString && isPublic && (member.getKind() == ElementKind.CONSTRUCTOR || factory)) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> declaredProblem(DeclaredType type, String where, Set<String> visited) {
    TypeElement element = (TypeElement) type.asElement();
    String name = element.getQualifiedName().toString();
    if (SCALARS.contains(name) || subtypes.isA(type, AnnotationNames.JSON_NODE)) {
      return Optional.empty();
    }
    if (subtypes.isA(type, "java.util.Map") && !type.getTypeArguments().isEmpty()) {
      TypeMirror key = type.getTypeArguments().get(0);
      if (!isKeyType(key)) {
        return reason(where, "its map keys are " + key + ", but Jackson reads a JSON object's keys, which are text,"
            + " only into String, Object, a boxed primitive, BigDecimal, BigInteger, UUID, an enum, or a type made"
            + " from one String (a constructor, valueOf or fromString, or a @JsonCreator). Use String keys");
      }
    }
    if (subtypes.isA(type, "java.util.Collection") || subtypes.isA(type, "java.util.Map")) {
      for (TypeMirror argument : type.getTypeArguments()) {
        Optional<String> problem = problem(argument, where + "[]", visited);
        if (problem.isPresent()) {
          return problem;
        }
      }
      return Optional.empty();
    }
    String simpleName = element.getSimpleName().toString();
    if (name.startsWith("java.") || name.startsWith("javax.")) {
      return reason(where, simpleName + " needs a Jackson module the host's mapper does not have. Use a String,"
          + " a number or a record instead");
    }
    if (element.getKind() == ElementKind.INTERFACE) {
      return reason(where, simpleName + " is an interface. Use a record or a concrete class");
    }
    if (element.getModifiers().contains(Modifier.ABSTRACT) && element.getKind() != ElementKind.ENUM) {
      return reason(where, simpleName + " is abstract. Use a record or a concrete class");
    }
    for (Element e = element; e instanceof TypeElement t; e = t.getEnclosingElement()) {
      if (!t.getModifiers().contains(Modifier.PUBLIC)) {
        return reason(where, t.getSimpleName() + " is not public. Make it public");
      }
    }
    if (element.getKind() == ElementKind.CLASS && element.getNestingKind() == NestingKind.MEMBER
        && !element.getModifiers().contains(Modifier.STATIC)) {
      return reason(where, simpleName + " is an inner class. Declare it static");
    }
    if (element.getKind() == ElementKind.ENUM || !visited.add(type.toString())) {
      return Optional.empty();
    }
    if (element.getKind() == ElementKind.RECORD) {
      if (AnnotationValues.find(element, AnnotationNames.JSON_NAMING).isPresent()) {
        return reason(simpleName, "it is annotated @JsonNaming, which the host's mapper follows but its published"
            + " schema, the checks of its declared cases and the fields its validation errors name do not: they"
            + " take each component's snake_case name or its @JsonProperty. Remove @JsonNaming, and give a component"
            + " another name with @JsonProperty(\"...\")");
      }
      Map<String, String> componentByWireName = new HashMap<>();
      for (RecordComponentElement component : element.getRecordComponents()) {
        String wireName = WireNames.property(component);
        String other = componentByWireName.putIfAbsent(wireName, component.getSimpleName().toString());
        if (other != null) {
          return reason(simpleName, "its components " + other + " and " + component.getSimpleName() + " both bind to"
              + " the JSON property \"" + wireName + "\", which Jackson refuses. Rename one, or give it another"
              + " @JsonProperty");
        }
      }
      for (RecordComponentElement component : element.getRecordComponents()) {
        ExecutableType accessor = (ExecutableType) types.asMemberOf(type, component.getAccessor());
        Optional<String> problem =
            problem(accessor.getReturnType(), simpleName + "." + component.getSimpleName(), visited);
        if (problem.isPresent()) {
          return problem;
        }
      }
      return Optional.empty();
    }
    return constructible(element)
        ? Optional.empty()
        : reason(where, simpleName + " has no public no-argument constructor and no @JsonCreator. Add one, or"
            + " make it a record");
  }

  private static boolean constructible(TypeElement element) {
    for (ExecutableElement constructor : ElementFilter.constructorsIn(element.getEnclosedElements())) {
      if (constructor.getParameters().isEmpty() && constructor.getModifiers().contains(Modifier.PUBLIC)) {
        return true;
      }
    }
    return element.getEnclosedElements().stream()
        .filter(member -> member.getKind() == ElementKind.CONSTRUCTOR || member.getKind() == ElementKind.METHOD)
        .anyMatch(member -> AnnotationValues.find(member, AnnotationNames.JSON_CREATOR).isPresent());
  }

  private static Optional<String> reason(String where, String reason) {
    return Optional.of(ErrorMessages.unbindableReason(where, reason));
  }
}
