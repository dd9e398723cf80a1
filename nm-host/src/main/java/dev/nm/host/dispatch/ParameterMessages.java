package dev.nm.host.dispatch;

import jakarta.validation.MessageInterpolator;
import java.util.Locale;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Hibernate Validator's {@link ParameterMessageInterpolator} (message parameters, no Expression Language), except
 * for the two default messages that hold an expression: those of {@code @DecimalMin} and {@code @DecimalMax}
 * choose "or equal to" on the constraint's {@code inclusive} attribute, which without Expression Language would
 * reach the caller as {@code ${inclusive == true ? 'or equal to ' : ''}}. This one makes that choice itself.
 */
final class ParameterMessages implements MessageInterpolator {
  private static final String DECIMAL_MIN = "{jakarta.validation.constraints.DecimalMin.message}";
  private static final String DECIMAL_MAX = "{jakarta.validation.constraints.DecimalMax.message}";

  private final ParameterMessageInterpolator parameters = new ParameterMessageInterpolator();

  @Override
  public String interpolate(String template, Context context) {
    return parameters.interpolate(withoutExpression(template, context), context);
  }

  @Override
  public String interpolate(String template, Context context, Locale locale) {
    return parameters.interpolate(withoutExpression(template, context), context, locale);
  }

  private static String withoutExpression(String template, Context context) {
    boolean min = template.equals(DECIMAL_MIN);
    if (!min && !template.equals(DECIMAL_MAX)) {
      return template;
    }
    boolean inclusive = !Boolean.FALSE.equals(context.getConstraintDescriptor().getAttributes().get("inclusive"));
    return (min ? "must be greater than " : "must be less than ") + (inclusive ? "or equal to " : "") + "{value}";
  }
}
