package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.List;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Runs every per-route rule over a route and gathers the findings in one report. */
public final class RouteValidator {
  private final List<RouteRule> rules;

  public RouteValidator(Elements elements, Types types) {
    this.rules =
        List.of(
            new HandlerRule(elements, types),
            new NameRule(elements),
            new ScopeRule(),
            new DocumentationRule(),
            new RecordTypesRule(),
            new BindableTypesRule(elements, types),
            new RequestValidationRule(elements, types),
            new TestCasesRule(),
            new CaseRule());
  }

  public ValidationReport validate(RouteModel route) {
    return new ValidationReport(rules.stream().flatMap(rule -> rule.check(route).stream()).toList());
  }
}
