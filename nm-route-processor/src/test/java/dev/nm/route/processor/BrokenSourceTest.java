package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Sources javac itself rejects: the processor must add no noise, and never fail. */
class BrokenSourceTest {
  @Test
  void undefinedConstantsInTheAnnotation() {
    JavaFileObject source =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = NAME, rateTier = RateTier.EXPENSIVE, tags = {\"a\", MISSING})",
            "@ValidCase(name = \"counts\", request = REQUEST)",
            "@InvalidCase(name = \"no n\", request = \"{}\", code = ErrorCode.NOPE, field = \"n\")",
            "public final class Count implements RouteHandler<Count.Q, Count.R> {",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
            "}");

    assertOnlyJavacErrors(Fixtures.compile(source));
  }

  @Test
  void missingAnnotationMembersAndBrokenBody() {
    JavaFileObject source =
        Fixtures.source(
            "Count",
            "@NativeRoute",
            "@ValidCase(request = \"{}\")",
            "public final class Count implements RouteHandler<Count.Q, Count.R> {",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return q.missing(); }",
            "}");

    assertOnlyJavacErrors(Fixtures.compile(source));
  }

  private static void assertOnlyJavacErrors(Compilation compilation) {
    assertThat(compilation).failed();
    assertThat(
            compilation.errors().stream()
                .map(error -> error.getMessage(null))
                .filter(message -> message.startsWith("[NmRoute"))
                .toList())
        .isEmpty();
    assertThat(compilation.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).count())
        .isGreaterThan(0L);
  }
}
