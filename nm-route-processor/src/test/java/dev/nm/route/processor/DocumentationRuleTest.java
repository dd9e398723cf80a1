package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class DocumentationRuleTest {
  @Test
  void routeWithoutDescriptionOrJavadoc() {
    JavaFileObject source = undocumented("/* A block comment is not Javadoc. */");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation).hadErrorContaining(ErrorMessages.noDoc("count")).inFile(source).onLineContaining("@NativeRoute");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void routeWithBlankDescriptionAndEmptyJavadoc() {
    JavaFileObject source = undocumented("/** @see Object */");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation).hadErrorContaining(ErrorMessages.noDoc("count")).inFile(source).onLineContaining("@NativeRoute");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void routeWithJavadocOnly() {
    assertThat(Fixtures.compile(undocumented("/** Counts to n. */"))).succeededWithoutWarnings();
  }

  private static JavaFileObject undocumented(String comment) {
    return Fixtures.source(
        "Count",
        comment,
        "@NativeRoute(name = \"count\", description = \" \")",
        Fixtures.DEFAULT_CASES.get(0),
        Fixtures.DEFAULT_CASES.get(1),
        "public final class Count implements RouteHandler<Count.Q, Count.R> {",
        "  public record Q(@NotNull Integer n) {}",
        "  public record R(int n) {}",
        "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
        "}");
  }
}
