package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class CaseRuleTest {
  private static final String INVALID = "@InvalidCase(name = \"no n\", request = \"{}\", field = \"n\")";
  private static final String VALID = "@ValidCase(name = \"counts\", request = \"{\\\"n\\\": 1}\")";

  @Test
  void requestThatIsNotAnObject() {
    JavaFileObject source =
        Fixtures.route("Count", "count", List.of("@ValidCase(name = \"array\", request = \"[1]\")", INVALID));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.requestNotObject("array", "it is a JSON array"))
        .inFile(source)
        .onLineContaining("request = \"[1]\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void invalidCasesThatOnlySendAnUnknownProperty() {
    JavaFileObject source =
        Fixtures.route("Count", "count", List.of(VALID,
            "@InvalidCase(name = \"stranger\", request = \"{\\\"n\\\": 1, \\\"zz\\\": 1}\", field = \"zz\")"));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.onlyUnknownPropertyCases("count"))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void invalidCaseExpectingTheCrashCode() {
    JavaFileObject source =
        Fixtures.route("Count", "count", List.of(VALID,
            "@InvalidCase(name = \"crashes\", request = \"{\\\"n\\\": -1}\", code = ErrorCode.INTERNAL_ERROR)"));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.crashExpected("crashes"))
        .inFile(source)
        .onLineContaining("code = ErrorCode.INTERNAL_ERROR");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void requestThatIsNotJson() {
    JavaFileObject source =
        Fixtures.route("Count", "count", List.of(VALID, "@InvalidCase(name = \"broken\", request = \"{n: 1\", field = \"n\")"));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining("[NmRouteBadCase] Case 'broken': request must be the JSON text of an object, but it is not valid JSON")
        .inFile(source)
        .onLineContaining("request = \"{n: 1\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void expectPathThatIsNotAPointer() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of("@ValidCase(name = \"counts\", request = \"{\\\"n\\\": 1}\",", "    expect = @Expect(path = \"n\"))", INVALID));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.pathNotPointer("counts", "n"))
        .inFile(source)
        .onLineContaining("path = \"n\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void expectPathWithABadEscape() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of("@ValidCase(name = \"counts\", request = \"{\\\"n\\\": 1}\",", "    expect = @Expect(path = \"/a~2\"))", INVALID));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.pathNotPointer("counts", "/a~2"))
        .inFile(source)
        .onLineContaining("path = \"/a~2\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void equalToThatIsNotJson() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"counts\", request = \"{\\\"n\\\": 1}\",",
                "    expect = {@Expect(path = \"/n\", equalTo = \"0\"), @Expect(path = \"/n\", equalTo = \"stop\")})",
                INVALID));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.equalToNotJson("counts", "stop"))
        .inFile(source)
        .onLineContaining("equalTo = \"stop\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void matchesThatIsNotARegex() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"counts\", request = \"{\\\"n\\\": 1}\",",
                "    expect = @Expect(path = \"/n\", matches = \"[0-9\"))",
                INVALID));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining("[NmRouteBadCase] Case 'counts': @Expect matches \"[0-9\" is not a regular expression")
        .inFile(source)
        .onLineContaining("matches = \"[0-9\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void validRequestWithAPropertyTheRecordLacks() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"camel\", request = \"{\\\"maxTokens\\\": 1}\")",
                "@InvalidCase(name = \"zero\", request = \"{\\\"max_tokens\\\": 0}\", field = \"max_tokens\")"),
            "  public record Q(@Positive int maxTokens) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.unknownRequestProperty("camel", "maxTokens", "Q", "[max_tokens]"))
        .inFile(source)
        .onLineContaining("request = \"{\\\"maxTokens\\\": 1}\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void validationErrorWithoutField() {
    JavaFileObject source =
        Fixtures.route("Count", "count", List.of(VALID, "@InvalidCase(name = \"no n\", request = \"{}\")"));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.missingField("no n"))
        .inFile(source)
        .onLineContaining("@InvalidCase(name = \"no n\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void fieldThatNamesNoWireProperty() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"counts\", request = \"{\\\"max_tokens\\\": 1}\")",
                "@InvalidCase(name = \"zero\", request = \"{\\\"max_tokens\\\": 0}\", field = \"maxTokens\")"),
            "  public record Q(@Positive int maxTokens, @JsonProperty(\"t\") String text) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.unknownField("zero", "maxTokens", "Q", "[max_tokens, t]"))
        .inFile(source)
        .onLineContaining("field = \"maxTokens\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void eventsExpectedFromARouteThatDoesNotStream() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count", List.of("@ValidCase(name = \"streams\", request = \"{\\\"n\\\": 1}\", minEvents = 2)", INVALID));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.eventsWithoutStreaming("streams", "count"))
        .inFile(source)
        .onLineContaining("minEvents = 2");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void wellFormedCasesPass() {
    JavaFileObject source =
        Fixtures.source(
            "Stream",
            "@NativeRoute(name = \"stream\", description = \"Streams.\", streaming = true)",
            "@ValidCase(name = \"streams\", request = \"{\\\"max_tokens\\\": 2, \\\"t\\\": \\\"x\\\"}\", minEvents = 2,",
            "    expect = {@Expect(path = \"\"), @Expect(path = \"/n\", equalTo = \"2\"),",
            "              @Expect(path = \"/a~1b/0\", matches = \"[0-9]+\")})",
            "@InvalidCase(name = \"zero\", request = \"{\\\"max_tokens\\\": 0}\", field = \"max_tokens\")",
            "@InvalidCase(name = \"nested\", request = \"{\\\"t\\\": 1}\", field = \"t[0].x\")",
            "@InvalidCase(name = \"busy\", request = \"{}\", code = ErrorCode.BACKEND_ERROR)",
            "@InvalidCase(name = \"unknown property\", request = \"{\\\"maxTokens\\\": 2}\", field = \"maxTokens\")",
            "public final class Stream implements RouteHandler<Stream.Q, Stream.R> {",
            "  public record Q(@Positive int maxTokens, @JsonProperty(\"t\") String text) {}",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(q.maxTokens()); }",
            "}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }
}
