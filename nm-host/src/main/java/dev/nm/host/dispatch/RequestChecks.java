package dev.nm.host.dispatch;

import dev.nm.route.RequestValidator;
import dev.nm.route.RouteException;
import dev.nm.route.Violations;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a bound request: first its Jakarta constraints (Hibernate Validator), then the handler's own
 * {@link RequestValidator}, if it has one. Violations become one {@code VALIDATION_ERROR}: {@code field}
 * names the first by wire path, {@code violations} lists them all.
 */
final class RequestChecks {
  private static final ValidatorFactory FACTORY =
      Validation.byDefaultProvider()
          .configure()
          // Message parameters only: no Expression Language implementation is needed or wanted.
          .messageInterpolator(new ParameterMessages())
          .buildValidatorFactory();

  private final Validator validator = FACTORY.getValidator();

  @SuppressWarnings("unchecked")
  <Q> void check(Q request, Object handler) {
    Set<Violations.Violation> found = new LinkedHashSet<>();
    for (ConstraintViolation<Q> violation : validator.validate(request)) {
      found.add(new Violations.Violation(WirePath.of(violation.getPropertyPath(), request), violation.getMessage()));
    }
    if (found.isEmpty() && handler instanceof RequestValidator<?> custom) {
      Violations violations = new Violations();
      ((RequestValidator<Q>) custom).validate(request, violations);
      found.addAll(violations.list());
    }
    if (found.isEmpty()) {
      return;
    }
    List<Violations.Violation> sorted =
        found.stream().sorted(Comparator.comparing(Violations.Violation::field).thenComparing(Violations.Violation::message)).toList();
    Violations.Violation first = sorted.get(0);
    String more = sorted.size() > 1 ? " (and " + (sorted.size() - 1) + " more in details.violations)" : "";
    throw RouteException.validation(first.field(), first.message() + more)
        .withDetail(
            "violations",
            sorted.stream().map(v -> Map.of("field", v.field(), "message", v.message())).toList());
  }
}
