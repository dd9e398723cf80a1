package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class RecordTypesRuleTest {
  /** Its fields carry constraints the host enforces, but neither the schema nor the case checks could see them. */
  @Test
  void requestThatIsAClass() {
    JavaFileObject source =
        Fixtures.route("Count", "count", List.of(), "  public static final class Q { @NotNull @Max(5) public Integer n; }");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.notRecord("count", "request", "Q", "a class", true))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void replyThatIsAClass() {
    JavaFileObject source =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = \"count\", description = \"Counts.\")",
            Fixtures.DEFAULT_CASES.get(0),
            Fixtures.DEFAULT_CASES.get(1),
            "public final class Count implements RouteHandler<Count.Q, Count.R> {",
            "  public record Q(@NotNull Integer n) {}",
            "  public static final class R { public int n; }",
            "  @Override public R handle(Q q, RouteContext context) { return new R(); }",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.notRecord("count", "reply", "R", "a class", true))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void treeAndLibraryTypes() {
    JavaFileObject source =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = \"count\", description = \"Counts.\")",
            Fixtures.DEFAULT_CASES.get(0),
            Fixtures.DEFAULT_CASES.get(1),
            "public final class Count implements RouteHandler<JsonNode, String>, RequestValidator<JsonNode> {",
            "  @Override public String handle(JsonNode q, RouteContext context) { return \"\"; }",
            "  @Override public void validate(JsonNode q, Violations violations) {}",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.notRecord("count", "request", "JsonNode", "a class", false))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.notRecord("count", "reply", "String", "a class", false))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void recordsIncludingOneWithoutComponentsPass() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"nothing\", request = \"{}\")",
                "@InvalidCase(name = \"stranger\", request = \"{\\\"n\\\": 1}\", field = \"n\")"),
            "  public record Q() {}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }
}
