package dev.nm.routes.settings;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.MessageInterpolator;
import jakarta.validation.Path;
import jakarta.validation.Payload;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.metadata.ConstraintDescriptor;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The range of each sampling parameter, declared once: {@code chat}, {@code generate}, {@code responses} and
 * {@code set_params} annotate their fields with these composed constraints, so a request and a stored default
 * are checked alike, and the routes' JSON Schemas show the same bounds. Ranges follow OpenAI's where it has
 * one. Each reports the violation of the constraint it is made of, naming the field. Defaults read back from the
 * settings database are checked against the same constraints ({@link #outOfRange}).
 */
public final class SamplingRanges {
  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  private SamplingRanges() {}

  /**
   * The parameters of {@code defaults} outside their ranges, by wire name, each with its range as an interval:
   * {@code repeat_penalty -> (0, 2]}. Empty if all are within them.
   */
  static Map<String, String> outOfRange(SamplingDefaults defaults) {
    Map<String, String> outside = new TreeMap<>();
    for (ConstraintViolation<SamplingDefaults> violation : Checks.VALIDATOR.validate(defaults)) {
      String property = null;
      for (Path.Node node : violation.getPropertyPath()) {
        property = node.getName();
      }
      outside.put(SNAKE_CASE.translate(property), range(property));
    }
    return outside;
  }

  /** The range the property's constraint declares, as an interval: {@code [0, 2]}, {@code (0, 2]}. */
  private static String range(String property) {
    String lower = "", upper = "";
    for (ConstraintDescriptor<?> declared :
        Checks.VALIDATOR.getConstraintsForClass(SamplingDefaults.class).getConstraintsForProperty(property).getConstraintDescriptors()) {
      for (ConstraintDescriptor<?> part : declared.getComposingConstraints()) {
        Map<String, Object> bound = part.getAttributes();
        boolean inclusive = !Boolean.FALSE.equals(bound.get("inclusive"));
        if (part.getAnnotation() instanceof Min || part.getAnnotation() instanceof DecimalMin) {
          lower = (inclusive ? "[" : "(") + bound.get("value");
        } else if (part.getAnnotation() instanceof Max || part.getAnnotation() instanceof DecimalMax) {
          upper = bound.get("value") + (inclusive ? "]" : ")");
        }
      }
    }
    return lower + ", " + upper;
  }

  /** Built on first use: most hosts never read a saved default back. */
  private static final class Checks {
    static final Validator VALIDATOR =
        Validation.byDefaultProvider()
            .configure()
            .messageInterpolator(new TemplatesOnly()) // no message is shown: the default one needs Expression Language
            .buildValidatorFactory()
            .getValidator();
  }

  private static final class TemplatesOnly implements MessageInterpolator {
    @Override
    public String interpolate(String template, Context context) {
      return template;
    }

    @Override
    public String interpolate(String template, Context context, Locale locale) {
      return template;
    }
  }

  /** {@code temperature}: 0 (greedy) to 2. */
  @DecimalMin("0")
  @DecimalMax("2")
  @Constraint(validatedBy = {})
  @Documented
  @Target({METHOD, FIELD, ANNOTATION_TYPE, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  public @interface Temperature {
    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** A probability mass cut-off, {@code top_p} or {@code min_p}: 0 to 1. */
  @DecimalMin("0")
  @DecimalMax("1")
  @Constraint(validatedBy = {})
  @Documented
  @Target({METHOD, FIELD, ANNOTATION_TYPE, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  public @interface Probability {
    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** {@code top_k}: 0 (off) to 1000 candidates. */
  @Min(0)
  @Max(1000)
  @Constraint(validatedBy = {})
  @Documented
  @Target({METHOD, FIELD, ANNOTATION_TYPE, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  public @interface TopK {
    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /**
   * {@code repeat_penalty}, a divisor of the logits of tokens seen lately: over 0 (llama.cpp divides by it; 0 would
   * make them infinite), at most 2, 1 being off.
   */
  @DecimalMin(value = "0", inclusive = false)
  @DecimalMax("2")
  @Constraint(validatedBy = {})
  @Documented
  @Target({METHOD, FIELD, ANNOTATION_TYPE, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  public @interface RepeatPenalty {
    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** {@code presence_penalty} or {@code frequency_penalty}, OpenAI's additive penalties: -2 to 2. */
  @DecimalMin("-2")
  @DecimalMax("2")
  @Constraint(validatedBy = {})
  @Documented
  @Target({METHOD, FIELD, ANNOTATION_TYPE, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  public @interface Penalty {
    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** {@code seed}: 0 to 2^31 - 1, what llama.cpp's sampler takes. */
  @Min(0)
  @Max(Integer.MAX_VALUE)
  @Constraint(validatedBy = {})
  @Documented
  @Target({METHOD, FIELD, ANNOTATION_TYPE, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  public @interface Seed {
    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }

  /** {@code max_tokens} or {@code max_output_tokens}: 1 to 32768 generated tokens. */
  @Min(1)
  @Max(32768)
  @Constraint(validatedBy = {})
  @Documented
  @Target({METHOD, FIELD, ANNOTATION_TYPE, PARAMETER, TYPE_USE})
  @Retention(RUNTIME)
  public @interface MaxTokens {
    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
  }
}
