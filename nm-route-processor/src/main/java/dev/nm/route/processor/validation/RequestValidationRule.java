package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.ComponentAnnotations;
import dev.nm.route.processor.model.RouteModel;
import dev.nm.route.processor.model.Subtypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * [NmRouteNoValidation]: a route's request is checked before its handler runs, by a Jakarta constraint
 * somewhere the host's validator reaches (the record's components, type arguments such as
 * {@code List<@NotBlank String>}, records reached through {@code @Valid}), or by the route class
 * implementing {@code RequestValidator} of the request type. A record without components needs neither:
 * binding already refuses every property.
 *
 * <p>[NmRouteNoCascade]: a record whose components carry constraints, held by a component (or its elements)
 * that validation does not cascade into with {@code @Valid}: its constraints would never run, while the published
 * schema lists them.
 */
final class RequestValidationRule implements RouteRule {
  private final Types types;
  private final Subtypes subtypes;

  RequestValidationRule(Elements elements, Types types) {
    this.types = types;
    this.subtypes = new Subtypes(elements, types);
  }

  @Override
  public List<Finding> check(RouteModel route) {
    // A request that is not a record is [NmRouteNotRecord]'s: its fields' constraints are not looked for.
    if (route.handlerTypes().isEmpty() || !RecordTypesRule.isRecord(route.handlerTypes().get().request())) {
      return List.of();
    }
    DeclaredType request = (DeclaredType) route.handlerTypes().get().request();
    TypeElement requestType = (TypeElement) request.asElement();
    List<Finding> uncascaded = new ArrayList<>();
    uncascaded(route, (TypeElement) request.asElement(), new HashSet<>(), uncascaded);
    if (!uncascaded.isEmpty()) {
      return uncascaded;
    }
    boolean empty = requestType.getRecordComponents().isEmpty();
    boolean validator = route.validatedType().filter(validated -> types.isSameType(validated, request)).isPresent();
    if (empty || validator || constrained(requestType, new HashSet<>())) {
      return List.of();
    }
    String requestName = requestType.getSimpleName().toString();
    return List.of(Finding.at(route.element(), ErrorMessages.noValidation(route.name(), requestName)));
  }

  /**
   * Adds a finding for each component of {@code record}, and of the records validation cascades into from it,
   * that holds a constrained record without {@code @Valid} on the way.
   */
  private void uncascaded(RouteModel route, TypeElement record, Set<String> visited, List<Finding> findings) {
    if (record.getKind() != ElementKind.RECORD || !visited.add(record.getQualifiedName().toString())) {
      return;
    }
    for (RecordComponentElement component : record.getRecordComponents()) {
      boolean cascade = ComponentAnnotations.of(component).stream().anyMatch(Constraints::isCascade);
      List<TypeElement> uncascadedRecords = new ArrayList<>();
      List<TypeElement> cascadedRecords = new ArrayList<>();
      recordsIn(component.asType(), cascade, uncascadedRecords, cascadedRecords);
      for (TypeElement held : uncascadedRecords) {
        if (!held.equals(record) && constrained(held, new HashSet<>())) {
          // At the record: javac gives a record component no source position of its own.
          findings.add(Finding.at(record, ErrorMessages.noCascade(
              route.name(), record.getSimpleName().toString(), component.getSimpleName().toString(),
              held.getSimpleName().toString(), withValid(component.asType(), held))));
        }
      }
      cascadedRecords.forEach(held -> uncascaded(route, held, visited, findings));
    }
  }

  /** {@code type} as its author writes it, simple names only, with {@code @Valid} before {@code held}: {@code List<@Valid Item>}. */
  private static String withValid(TypeMirror type, TypeElement held) {
    if (type.getKind() == TypeKind.ARRAY) {
      return withValid(((ArrayType) type).getComponentType(), held) + "[]";
    }
    if (!(type instanceof DeclaredType declared)) {
      return type.getKind().isPrimitive() ? type.getKind().name().toLowerCase(java.util.Locale.ROOT) : "?";
    }
    List<String> arguments = new ArrayList<>();
    declared.getTypeArguments().forEach(argument -> arguments.add(withValid(argument, held)));
    return (declared.asElement().equals(held) ? "@Valid " : "") + declared.asElement().getSimpleName()
        + (arguments.isEmpty() ? "" : "<" + String.join(", ", arguments) + ">");
  }

  /** The record types a value of {@code type} holds (itself, its elements, its type arguments), by whether validation cascades into them. */
  private void recordsIn(TypeMirror type, boolean cascade, List<TypeElement> uncascaded, List<TypeElement> cascaded) {
    boolean cascading = cascade || type.getAnnotationMirrors().stream().anyMatch(Constraints::isCascade);
    if (type.getKind() == TypeKind.ARRAY) {
      recordsIn(((ArrayType) type).getComponentType(), cascading, uncascaded, cascaded);
      return;
    }
    if (!(type instanceof DeclaredType declared)) {
      return;
    }
    if (isContainer(declared)) {
      for (TypeMirror argument : declared.getTypeArguments()) {
        recordsIn(argument, cascading, uncascaded, cascaded);
      }
    }
    TypeElement element = (TypeElement) declared.asElement();
    if (element.getKind() == ElementKind.RECORD) {
      (cascading ? cascaded : uncascaded).add(element);
    }
  }

  /**
   * Whether the validator reaches into {@code type}'s type arguments: the JDK containers it has value extractors
   * for. A record of the author's own ({@code Page<T>}) is entered only through its components.
   */
  private boolean isContainer(DeclaredType type) {
    return subtypes.isA(type, "java.lang.Iterable") || subtypes.isA(type, "java.util.Map")
        || subtypes.isA(type, "java.util.Optional");
  }

  private boolean constrained(TypeElement type, Set<String> visited) {
    if (!visited.add(type.getQualifiedName().toString())) {
      return false;
    }
    if (type.getAnnotationMirrors().stream().anyMatch(Constraints::isConstraint)) {
      return true;
    }
    if (type.getKind() != ElementKind.RECORD) {
      return false;
    }
    for (RecordComponentElement component : type.getRecordComponents()) {
      List<AnnotationMirror> annotations = ComponentAnnotations.of(component);
      if (annotations.stream().anyMatch(Constraints::isConstraint)) {
        return true;
      }
      boolean cascade = annotations.stream().anyMatch(Constraints::isCascade);
      if (reachesConstraint(component.asType(), cascade, visited)) {
        return true;
      }
    }
    return false;
  }

  /** Whether validation reaches a constraint inside a value of {@code type}: its type arguments, elements, or (cascading) its record. */
  private boolean reachesConstraint(TypeMirror type, boolean cascade, Set<String> visited) {
    if (type.getAnnotationMirrors().stream().anyMatch(Constraints::isConstraint)) {
      return true;
    }
    boolean cascading = cascade || type.getAnnotationMirrors().stream().anyMatch(Constraints::isCascade);
    if (type.getKind() == TypeKind.ARRAY) {
      return reachesConstraint(((ArrayType) type).getComponentType(), cascading, visited);
    }
    if (!(type instanceof DeclaredType declared)) {
      return false;
    }
    for (TypeMirror argument : declared.getTypeArguments()) {
      if (reachesConstraint(argument, cascading, visited)) {
        return true;
      }
    }
    return cascading && constrained((TypeElement) declared.asElement(), visited);
  }
}
