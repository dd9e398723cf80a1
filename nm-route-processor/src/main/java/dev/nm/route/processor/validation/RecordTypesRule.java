package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * [NmRouteNotRecord]: a route's request and reply are records. The processor reads everything it checks and
 * publishes from record components: the wire properties (unknown-property and case checks), the constraints
 * (validation and schema keywords) and which properties are required. A class would bind at run time, with
 * its field constraints enforced, while the schema showed an open object and the checks saw nothing. Type
 * variables and other non-class types are [NmRouteNotHandler]'s to report.
 */
final class RecordTypesRule implements RouteRule {
  /** Types the author cannot turn into records: the fix is a record of their own. */
  private static final List<String> LIBRARY_PACKAGES = List.of("java.", "javax.", "jakarta.", "com.fasterxml.jackson.");

  @Override
  public List<Finding> check(RouteModel route) {
    if (route.handlerTypes().isEmpty()) {
      return List.of();
    }
    List<Finding> findings = new ArrayList<>();
    check(route, "request", route.handlerTypes().get().request(), findings);
    check(route, "reply", route.handlerTypes().get().response(), findings);
    return findings;
  }

  private static void check(RouteModel route, String role, TypeMirror type, List<Finding> findings) {
    if (!(type instanceof DeclaredType declared) || declared.asElement().getKind() == ElementKind.RECORD) {
      return;
    }
    TypeElement element = (TypeElement) declared.asElement();
    String kind = switch (element.getKind()) {
      case INTERFACE, ANNOTATION_TYPE -> "an interface";
      case ENUM -> "an enum";
      default -> "a class";
    };
    String name = element.getQualifiedName().toString();
    boolean ownType = LIBRARY_PACKAGES.stream().noneMatch(name::startsWith);
    findings.add(
        Finding.at(
            route.element(),
            ErrorMessages.notRecord(route.name(), role, element.getSimpleName().toString(), kind, ownType)));
  }

  /** Whether {@code type} is a record, the only request or reply type the other rules look into. */
  static boolean isRecord(TypeMirror type) {
    return type instanceof DeclaredType declared && declared.asElement().getKind() == ElementKind.RECORD;
  }
}
