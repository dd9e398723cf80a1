package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.List;

/** [NmRouteNoTests]: a route declares at least one {@code @ValidCase} and one {@code @InvalidCase}. */
final class TestCasesRule implements RouteRule {
  @Override
  public List<Finding> check(RouteModel route) {
    int valid = route.validCases().size();
    int invalid = route.invalidCases().size();
    return valid > 0 && invalid > 0
        ? List.of()
        : List.of(Finding.at(route.element(), ErrorMessages.noTests(route.name(), valid, invalid)));
  }
}
