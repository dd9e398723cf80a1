package dev.nm.route;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a class as a native-messaging route. The class must be public, not abstract, have a public
 * no-argument constructor, and implement {@link RouteHandler} with concrete request and response types.
 *
 * <p>At compile time {@code nm-route-processor} checks the class (a description or Javadoc, a request contract
 * of Jakarta constraints or a {@link RequestValidator}, at least one {@link ValidCase} and one
 * {@link InvalidCase}, a unique name, Jackson-bindable types) and generates the {@link RouteTable} that
 * serves it. Nothing is looked up reflectively at run time, so the annotation is not retained there.
 *
 * <pre>{@code
 * @NativeRoute(name = "echo", description = "Returns the text it was sent.")
 * @ValidCase(name = "echoes", request = "{\"text\": \"hi\"}", expect = @Expect(path = "/text", equalTo = "\"hi\""))
 * @InvalidCase(name = "empty text", request = "{\"text\": \"\"}", code = ErrorCode.VALIDATION_ERROR, field = "text")
 * public final class EchoRoute implements RouteHandler<EchoRoute.Request, EchoRoute.Reply> {
 *   public record Request(@NotBlank String text) {}
 *   public record Reply(String text) {}
 *   public Reply handle(Request request, RouteContext context) { return new Reply(request.text()); }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface NativeRoute {
  /** The wire name: lowercase snake_case ({@code [a-z][a-z0-9_]*}), unique among all routes of a host. */
  String name();

  /** One or more sentences for {@code routes} and the docs. If empty, the class Javadoc is used. */
  String description() default "";

  /** Free-form grouping labels ({@code "chat"}, {@code "models"}), lowercase. */
  String[] tags() default {};

  /** Whether the route emits events through {@link RouteContext#events()} before its final reply. */
  boolean streaming() default false;

  /**
   * The scope an origin must be granted to call this route, e.g. {@code "models.manage"}. Empty means any
   * allowed origin may call it.
   */
  String scope() default "";

  /**
   * Scopes that unlock a part of the route beyond what {@link #scope()} allows, such as a request option that shows
   * other origins' data ({@code stats}' {@code all_origins} needs {@code stats.all}). The handler asks for one with
   * {@link RouteContext#requireScope}, which refuses a scope not declared here; declared, {@code routes} lists them
   * and {@code hello} tells a caller which it holds. Same form as {@link #scope()}.
   */
  String[] optionScopes() default {};

  /** How expensive a call is, for per-origin rate limiting. */
  RateTier rateTier() default RateTier.STANDARD;
}
