package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.nm.route.processor.validation.ErrorMessages;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class NameRuleTest {
  @Test
  void nameThatIsNotSnakeCase() {
    JavaFileObject source = Fixtures.route("Count", "countTokens", List.of());

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.badName("countTokens"))
        .inFile(source)
        .onLineContaining("name = \"countTokens\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void messageSuggestsASnakeCaseName() {
    assertThat(ErrorMessages.badName("countTokens")).endsWith("Rename it, e.g. to 'count_tokens'.");
    assertThat(ErrorMessages.badName("2count-v2")).endsWith("Rename it, e.g. to 'count_v2'.");
    assertThat(ErrorMessages.badName("42")).endsWith("Rename it.");
  }

  @Test
  void nameStartingWithADigitOrHoldingADash() {
    JavaFileObject digit = Fixtures.route("Count", "2count", List.of());
    JavaFileObject dash = Fixtures.route("Dash", "count-tokens", List.of());

    Compilation compilation = Fixtures.compile(digit, dash);

    assertThat(compilation).hadErrorContaining(ErrorMessages.badName("2count")).inFile(digit).onLineContaining("@NativeRoute");
    assertThat(compilation).hadErrorContaining(ErrorMessages.badName("count-tokens")).inFile(dash).onLineContaining("@NativeRoute");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void reservedNameOutsideTheHost() {
    JavaFileObject source = Fixtures.route("Hello", "hello", List.of());

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.reservedName("hello"))
        .inFile(source)
        .onLineContaining("name = \"hello\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void reservedNameInsideTheHostAndSnakeCaseNamesElsewhere() {
    JavaFileObject builtIn =
        JavaFileObjects.forSourceLines(
            "dev.nm.host.Cancel",
            "package dev.nm.host;",
            "import dev.nm.route.*;",
            "import jakarta.validation.constraints.NotNull;",
            "@NativeRoute(name = \"cancel\", description = \"Cancels a request.\")",
            "@ValidCase(name = \"cancels\", request = \"{\\\"id\\\": \\\"1\\\"}\")",
            "@InvalidCase(name = \"no id\", request = \"{}\", field = \"id\")",
            "public final class Cancel implements RouteHandler<Cancel.Q, Cancel.R> {",
            "  public record Q(@NotNull String id) {}",
            "  public record R(boolean cancelled) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(true); }",
            "}");

    assertThat(Fixtures.compile(builtIn, Fixtures.route("Count", "count_tokens_v2", List.of())))
        .succeededWithoutWarnings();
  }
}
