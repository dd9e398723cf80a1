package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.ComponentAnnotations;
import dev.nm.route.processor.model.RouteModel;
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
import javax.lang.model.util.Types;

/**
 * [NmRouteNoValidation]: a route's request is checked before its handler runs, by a Jakarta constraint
 * somewhere the host's validator reaches (the record's components, type arguments such as
 * {@code List<@NotBlank String>}, records reached through {@code @Valid}), or by the route class
 * implementing {@code RequestValidator} of the request type. A record without components needs neither:
 * binding already refuses every property.
 */
final class RequestValidationRule implements RouteRule {
  private final Types types;

  RequestValidationRule(Types types) {
    this.types = types;
  }

  @Override
  public List<Finding> check(RouteModel route) {
    // A request that is not a record is [NmRouteNotRecord]'s: its fields' constraints are not looked for.
    if (route.handlerTypes().isEmpty() || !RecordTypesRule.isRecord(route.handlerTypes().get().request())) {
      return List.of();
    }
    DeclaredType request = (DeclaredType) route.handlerTypes().get().request();
    TypeElement requestType = (TypeElement) request.asElement();
    boolean empty = requestType.getRecordComponents().isEmpty();
    boolean validator = route.validatedType().filter(validated -> types.isSameType(validated, request)).isPresent();
    if (empty || validator || constrained(requestType, new HashSet<>())) {
      return List.of();
    }
    String requestName = requestType.getSimpleName().toString();
    return List.of(Finding.at(route.element(), ErrorMessages.noValidation(route.name(), requestName)));
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
