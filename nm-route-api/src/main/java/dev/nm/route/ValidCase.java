package dev.nm.route;

import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request the route must answer successfully, and what its reply must contain. The processor requires at
 * least one per route; {@code nm-testkit} runs each one against the generated dispatcher.
 */
@Repeatable(ValidCases.class)
@Retention(RetentionPolicy.CLASS)
@Target(java.lang.annotation.ElementType.TYPE)
public @interface ValidCase {
  /** Shown as the test's name. */
  String name();

  /** The request's {@code payload}, as JSON text (a JSON object). */
  String request();

  /** Assertions on the reply's {@code data}; all must hold. */
  Expect[] expect() default {};

  /** For streaming routes: the least number of events that must precede the reply. */
  int minEvents() default 0;
}
