package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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

  /**
   * Two invalid cases are held in a container javac synthesises, which it cannot place: the fault in the second is
   * still reported on the line of its member.
   */
  @Test
  void aFaultInOneOfSeveralRepeatedCasesIsReportedOnItsOwnLine() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(VALID, INVALID, "@InvalidCase(name = \"array\",", "    request = \"[2]\", field = \"n\")"));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.requestNotObject("array", "it is a JSON array"))
        .inFile(source)
        .onLineContaining("request = \"[2]\"");
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

  /**
   * A misspelt wire name in an invalid case's request is refused as an unknown property before @Min runs: the
   * case would pass without testing the rule it names.
   */
  @Test
  void invalidCaseSendingAMisspeltWireName() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"counts\", request = \"{\\\"max_tokens\\\": 1}\")",
                "@InvalidCase(name = \"max_tokens below 1\", request = \"{\\\"maxTokens\\\": 0}\", field = \"maxTokens\")"),
            "  public record Q(@NotNull @Min(1) Integer maxTokens) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.misspeltRequestProperty("max_tokens below 1", "maxTokens", "max_tokens", "Q"))
        .inFile(source)
        .onLineContaining("request = \"{\\\"maxTokens\\\": 0}\"");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.onlyUnknownPropertyCases("count"))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(2);
  }

  /** Case, '_' and '-' aside, the name is the wire name; beside a case that breaks a rule, it is still refused. */
  @Test
  void misspeltWireNamesAreFoundWhateverTheirSpelling() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"counts\", request = \"{\\\"max_tokens\\\": 1, \\\"t\\\": \\\"x\\\"}\")",
                "@InvalidCase(name = \"shouted\", request = \"{\\\"t\\\": \\\"\\\", \\\"MAX-TOKENS\\\": 0}\","
                    + " field = \"t\")"),
            "  public record Q(@NotNull @Min(1) Integer maxTokens, @JsonProperty(\"t\") @NotBlank String text) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.misspeltRequestProperty("shouted", "MAX-TOKENS", "max_tokens", "Q"))
        .inFile(source)
        .onLineContaining("@InvalidCase(name = \"shouted\"");
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

  /** Jackson's parse errors name tokens and character codes; the processor says what is wrong, and where. */
  @Test
  void aJsonSyntaxErrorIsDescribedInPlainWords() {
    assertEquals("a single quote at character 2; JSON quotes names and strings with double quotes", problem("{'text': 'hi'}"));
    assertEquals("'}' where a quoted name belongs at character 15; JSON quotes names with double quotes and allows no"
        + " comma before '}'", problem("{\"text\": \"hi\",}"));
    assertEquals("it ends before its last string, array or object is closed", problem("{\"a\": 1"));
    assertEquals("the word 'tru' ending at character 9; JSON's words are true, false and null, and strings take double"
        + " quotes", problem("{\"a\": tru}"));
    assertEquals("unexpected ':' at character 7", problem("{\"a\": :}"));
    assertEquals("more text follows the object's closing '}'", problem("{\"a\": 1} 2"));
  }

  private static String problem(String json) {
    try {
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build().readTree(json);
      throw new AssertionError("valid JSON: " + json);
    } catch (JsonProcessingException e) {
      return ErrorMessages.jsonSyntax(json, e);
    }
  }

  @Test
  void requestThatIsNotJson() {
    JavaFileObject source =
        Fixtures.route("Count", "count", List.of(VALID, "@InvalidCase(name = \"broken\", request = \"{n: 1\", field = \"n\")"));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining("[NmRouteBadCase] Case 'broken': request must be the JSON text of an object, but it is not valid"
            + " JSON: an unquoted name at character 2; JSON quotes names with double quotes")
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
            "  public record Q(@Positive Integer maxTokens) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.unknownRequestProperty("camel", "maxTokens", "Q", "[max_tokens]"))
        .inFile(source)
        .onLineContaining("request = \"{\\\"maxTokens\\\": 1}\"");
    assertThat(compilation).hadErrorCount(1);
  }

  /** The host refuses a request without a primitive (binding) or a @NotNull one (validation): the case cannot pass. */
  @Test
  void validRequestWithoutARequiredProperty() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of("@ValidCase(name = \"empty\", request = \"{\\\"text\\\": null, \\\"note\\\": \\\"x\\\", \\\"kept\\\": null}\")", INVALID),
            "  public record Q(@NotNull Integer n, @NotBlank String text, int maxTokens, String note, Integer max,",
            "      @JsonProperty(required = true) String model, @JsonProperty(required = true) String kept) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.missingRequiredProperties("empty", "Q", "[max_tokens, model, n, text]"))
        .inFile(source)
        .onLineContaining("@ValidCase(name = \"empty\"");
    assertThat(compilation).hadErrorCount(1);
  }

  /** The host converts no JSON type into another (and never a fraction into an integer): the case cannot pass. */
  @Test
  void validRequestWithValuesOfTheWrongJsonType() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"typed\",",
                "    request = \"{\\\"n\\\": \\\"7\\\", \\\"text\\\": 5, \\\"flag\\\": {}, \\\"count\\\": 2.0, \\\"ratio\\\": 2,"
                    + " \\\"id\\\": 3000000000}\")",
                INVALID),
            "  public record Q(@NotNull Integer n, String text, Boolean flag, Long count, double ratio, int id) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.wrongJsonType("typed", "n", "a string", "Q.n", "an integer"))
        .inFile(source)
        .onLineContaining("3000000000");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.wrongJsonType("typed", "text", "a number", "Q.text", "a string"))
        .inFile(source)
        .onLineContaining("3000000000");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.wrongJsonType("typed", "flag", "an object", "Q.flag", "a boolean"))
        .inFile(source)
        .onLineContaining("3000000000");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.wrongJsonType("typed", "count", "a number with a fraction or exponent", "Q.count", "an integer"))
        .inFile(source)
        .onLineContaining("3000000000");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.wrongJsonType("typed", "id", "an integer out of int's range", "Q.id", "an integer"))
        .inFile(source)
        .onLineContaining("3000000000");
    assertThat(compilation).hadErrorCount(5);
  }

  /**
   * Only what the host certainly refuses is reported: a required property an invalid case leaves out, values
   * for types whose JSON form is not plain (enums, collections, records, JsonNode, Object) or that a record's
   * own @JsonCreator reads, are left to the testkit.
   */
  @Test
  void valuesTheProcessorCannotJudgeAreLeftAlone() {
    JavaFileObject source =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = \"count\", description = \"Counts.\")",
            "@ValidCase(name = \"loose\", request = \"{\\\"n\\\": 1, \\\"color\\\": \\\"red\\\", \\\"tags\\\": [], \\\"any\\\": 5,"
                + " \\\"tree\\\": \\\"x\\\", \\\"ratio\\\": 2, \\\"t\\\": \\\"s\\\"}\")",
            "@ValidCase(name = \"made\", request = \"{\\\"n\\\": 1, \\\"made\\\": {\\\"v\\\": \\\"1\\\"}}\")",
            "@InvalidCase(name = \"no n\", request = \"{}\", field = \"n\")",
            "public final class Count implements RouteHandler<Count.Q, Count.R> {",
            "  public record Q(@NotNull Integer n, Color color, List<String> tags, Object any, JsonNode tree,",
            "      java.math.BigDecimal ratio, @JsonProperty(\"t\") String text, Made made) {}",
            "  public enum Color { RED, GREEN }",
            "  public record Made(int v) {",
            "    @JsonCreator public static Made of(@JsonProperty(\"v\") String v) { return new Made(Integer.parseInt(v)); }",
            "  }",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
            "}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }

  @Test
  void requestRecordWithItsOwnCreatorIsNotJudged() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of("@ValidCase(name = \"made\", request = \"{\\\"n\\\": \\\"1\\\"}\")", INVALID),
            "  public record Q(@NotNull Integer n, int limit) {",
            "    @JsonCreator public static Q of(@JsonProperty(\"n\") String n) { return new Q(Integer.valueOf(n), 1); }",
            "  }");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }

  /** The testkit looks the path up in the reply's data, which the host writes with the reply record's wire names. */
  @Test
  void expectPathNamingNoPropertyOfTheReply() {
    JavaFileObject source =
        Fixtures.source(
            "Shout",
            "@NativeRoute(name = \"shout\", description = \"Shouts.\")",
            "@ValidCase(name = \"shouts\", request = \"{\\\"n\\\": 1}\",",
            "    expect = {@Expect(path = \"/shouted_text\"), @Expect(path = \"/shoutedText\", equalTo = \"\\\"HI\\\"\")})",
            Fixtures.DEFAULT_CASES.get(1),
            "public final class Shout implements RouteHandler<Shout.Q, Shout.R> {",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(String shoutedText, @JsonProperty(\"n\") int count) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(\"HI\", 1); }",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.unknownReplyProperty("shouts", "/shoutedText", "shoutedText", "R", "[n, shouted_text]"))
        .inFile(source)
        .onLineContaining("path = \"/shoutedText\"");
    assertThat(compilation).hadErrorCount(1);
  }

  /**
   * Only a reply record Jackson writes from its components alone is judged: a getter or a Jackson annotation
   * that adds, drops or renames properties leaves the path to the testkit; so does an array index.
   */
  @Test
  void expectPathIntoAReplyThatIsNotPlainlyWritten() {
    JavaFileObject source =
        Fixtures.source(
            "Shout",
            "@NativeRoute(name = \"shout\", description = \"Shouts.\")",
            "@ValidCase(name = \"shouts\", request = \"{\\\"n\\\": 1}\", expect = @Expect(path = \"/loud/0\"))",
            Fixtures.DEFAULT_CASES.get(1),
            "public final class Shout implements RouteHandler<Shout.Q, Shout.R> {",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(String text) { public boolean getLoud() { return true; } }",
            "  @Override public R handle(Q q, RouteContext context) { return new R(\"HI\"); }",
            "}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
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

  /**
   * The host reports a refusal of the request as a whole (its record's constructor throws, a class-level
   * constraint fails) at field "payload", so an invalid case can expect it.
   */
  @Test
  void fieldOfTheWholeRequestIsPayload() {
    JavaFileObject source =
        Fixtures.route(
            "Range", "range",
            List.of(
                "@ValidCase(name = \"ordered\", request = \"{\\\"from\\\": 1, \\\"to\\\": 2}\")",
                "@InvalidCase(name = \"reversed\", request = \"{\\\"from\\\": 2, \\\"to\\\": 1}\", field = \"payload\")"),
            "  public record Q(@NotNull Integer from, @NotNull Integer to) {",
            "    public Q {",
            "      if (from != null && to != null && from > to) throw new IllegalArgumentException(\"from must not exceed to\");",
            "    }",
            "  }");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
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
            "@InvalidCase(name = \"unknown property\", request = \"{\\\"colour\\\": 2}\", field = \"colour\")",
            "public final class Stream implements RouteHandler<Stream.Q, Stream.R> {",
            "  public record Q(@Positive int maxTokens, @JsonProperty(\"t\") String text) {}",
            "  public record R(int n, @JsonProperty(\"a/b\") List<String> ab) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(q.maxTokens(), List.of()); }",
            "}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }
}
