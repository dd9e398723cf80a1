package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.List;

/** [NmRouteNoDoc]: a route has a description, declared or from its class Javadoc. */
final class DocumentationRule implements RouteRule {
  @Override
  public List<Finding> check(RouteModel route) {
    return route.description().isBlank()
        ? List.of(Finding.at(route.element(), route.annotation(), ErrorMessages.noDoc(route.name())))
        : List.of();
  }
}
