package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * [NmRouteBadScope]: {@code scope} and each of {@code optionScopes} is a scope name (snake_case words joined by dots,
 * as host configs grant them), and no scope is declared twice among them.
 */
final class ScopeRule implements RouteRule {
  private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  @Override
  public List<Finding> check(RouteModel route) {
    List<Finding> findings = new ArrayList<>();
    Set<String> declared = new HashSet<>();
    if (!route.scope().isEmpty()) {
      declared.add(route.scope());
      if (!SCOPE.matcher(route.scope()).matches()) {
        findings.add(
            Finding.at(route.element(), route.annotation(), "scope", ErrorMessages.badScope(route.name(), "scope", route.scope())));
      }
    }
    for (String option : route.optionScopes()) {
      if (!SCOPE.matcher(option).matches()) {
        findings.add(
            Finding.at(
                route.element(), route.annotation(), "optionScopes", ErrorMessages.badScope(route.name(), "option scope", option)));
      } else if (!declared.add(option)) {
        findings.add(
            Finding.at(route.element(), route.annotation(), "optionScopes", ErrorMessages.repeatedScope(route.name(), option)));
      }
    }
    return findings;
  }
}
