package dev.nm.route;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Container of repeated {@link InvalidCase}s; write the cases directly instead. */
@Retention(RetentionPolicy.CLASS)
@Target(java.lang.annotation.ElementType.TYPE)
public @interface InvalidCases {
  InvalidCase[] value();
}
