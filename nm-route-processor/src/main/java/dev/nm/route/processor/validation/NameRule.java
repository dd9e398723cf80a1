package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.util.Elements;

/**
 * [NmRouteBadName]: a route name is lowercase snake_case. [NmRouteReservedName]: only the host itself
 * (package {@code dev.nm.host}) declares the built-in routes' names.
 */
final class NameRule implements RouteRule {
  private static final Pattern WIRE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Set<String> RESERVED = Set.of("hello", "routes", "cancel");
  private static final String HOST_PACKAGE = "dev.nm.host";

  private final Elements elements;

  NameRule(Elements elements) {
    this.elements = elements;
  }

  @Override
  public List<Finding> check(RouteModel route) {
    String name = route.name();
    if (!WIRE_NAME.matcher(name).matches()) {
      return List.of(Finding.at(route.element(), route.annotation(), "name", ErrorMessages.badName(name)));
    }
    String pkg = elements.getPackageOf(route.element()).getQualifiedName().toString();
    if (RESERVED.contains(name) && !(pkg.equals(HOST_PACKAGE) || pkg.startsWith(HOST_PACKAGE + "."))) {
      return List.of(Finding.at(route.element(), route.annotation(), "name", ErrorMessages.reservedName(name)));
    }
    return List.of();
  }
}
