package dev.nm.route;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One assertion on the {@code data} of a {@link ValidCase}'s reply. With neither {@link #equalTo} nor
 * {@link #matches}, the value must merely be present and not null.
 */
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Expect {
  /** A JSON Pointer (RFC 6901) into the reply's {@code data}: {@code "/choices/0/finish_reason"}; {@code ""} is the whole value. */
  String path();

  /** JSON text the value must equal: {@code "\"stop\""}, {@code "4"}, {@code "[1,2]"}. */
  String equalTo() default "";

  /** A regular expression the value's text must match in full: {@code "[0-9]+\\.[0-9]+"}. */
  String matches() default "";
}
