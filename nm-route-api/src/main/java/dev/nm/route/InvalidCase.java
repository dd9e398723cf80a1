package dev.nm.route;

import dev.nm.protocol.ErrorCode;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request the route must refuse, with the code (and for validation errors the field) of the refusal. The
 * processor requires at least one per route; {@code nm-testkit} runs each one.
 */
@Repeatable(InvalidCases.class)
@Retention(RetentionPolicy.CLASS)
@Target(java.lang.annotation.ElementType.TYPE)
public @interface InvalidCase {
  /** Shown as the test's name. */
  String name();

  /** The request's {@code payload}, as JSON text. */
  String request();

  /** The expected {@code error.code}. */
  ErrorCode code() default ErrorCode.VALIDATION_ERROR;

  /** The expected {@code error.details.field}; required when {@link #code} is {@code VALIDATION_ERROR}. */
  String field() default "";
}
