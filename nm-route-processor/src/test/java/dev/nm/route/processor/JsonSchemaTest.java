package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.testing.compile.Compilation;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsonSchemaTest {
  private static JsonNode schema;
  private static JsonNode properties;

  @BeforeAll
  static void compileRouteWithEveryShape() throws Exception {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.source(
                "Shapes",
                "@NativeRoute(name = \"shapes\", description = \"Takes every shape.\")",
                "@ValidCase(name = \"ok\", request = \"{\\\"name\\\": \\\"a\\\", \\\"max_tokens\\\": 1, \\\"temperature\\\": 1, \\\"ratio\\\": 0.5, \\\"stop\\\": [\\\"x\\\"], \\\"item\\\": {\\\"id\\\": \\\"i\\\"}, \\\"top_p\\\": 0.5}\")",
                "@InvalidCase(name = \"blank\", request = \"{\\\"name\\\": \\\"\\\"}\", field = \"name\")",
                "public final class Shapes implements RouteHandler<Shapes.Q, Shapes.R> {",
                "  /**",
                "   * A request with every supported shape.",
                "   *",
                "   * @param maxTokens how many tokens,",
                "   *     at most",
                "   * @param name who asks",
                "   */",
                "  public record Q(",
                "      @NotBlank @Size(max = 20) @Pattern(regexp = \"[a-z]+\") String name,",
                "      @Min(1) @Max(4096) int maxTokens,",
                "      @DecimalMin(value = \"0.0\", inclusive = false) @DecimalMax(\"2.5\") double temperature,",
                "      @Positive Long seed,",
                "      @PositiveOrZero Integer offset,",
                "      @AssertFalse Boolean stream,",
                "      float ratio,",
                "      @NotEmpty @Size(max = 8) List<@NotBlank String> stop,",
                "      Set<Color> colors,",
                "      String[] labels,",
                "      @Size(min = 1) Map<String, Integer> counts,",
                "      @JsonProperty(\"kind\") Color color,",
                "      @Valid @NotNull Item item,",
                "      Node tree,",
                "      JsonNode extra,",
                "      Object anything,",
                "      byte[] blob,",
                "      @Email String email,",
                "      Page<Item> page,",
                "      @Probability Double topP) {}",
                "  /** A constraint composed of others, as Bean Validation lets authors name a range once. */",
                "  @NotNull @DecimalMin(\"0\") @DecimalMax(\"1\")",
                "  @jakarta.validation.Constraint(validatedBy = {})",
                "  @java.lang.annotation.Target({java.lang.annotation.ElementType.FIELD, java.lang.annotation.ElementType.METHOD,",
                "      java.lang.annotation.ElementType.PARAMETER, java.lang.annotation.ElementType.TYPE_USE})",
                "  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)",
                "  public @interface Probability {",
                "    String message() default \"must be a probability\";",
                "    Class<?>[] groups() default {};",
                "    Class<? extends jakarta.validation.Payload>[] payload() default {};",
                "  }",
                "  public record Page<T>(List<T> items) {}",
                "  public enum Color { RED, @JsonProperty(\"verdant\") GREEN }",
                "  public record Item(@NotNull String id) {}",
                "  public record Node(String name, List<Node> children) {}",
                "  public record R(int n) {}",
                "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    List<RouteDescriptor<?, ?>> routes =
        new CompiledClasses(compilation).newInstance("test.NmRouteTable", RouteTable.class).routes();
    schema = new ObjectMapper().readTree(routes.get(0).requestSchema());
    properties = schema.get("properties");
  }

  @Test
  void recordIsAClosedObjectWithItsJavadocAndRequiredComponents() {
    assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("type").asText()).isEqualTo("object");
    assertThat(schema.get("description").asText()).isEqualTo("A request with every supported shape.");
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(texts(schema.get("required")))
        .containsExactly("name", "max_tokens", "temperature", "ratio", "stop", "item", "top_p")
        .inOrder();
    assertThat(names(properties))
        .containsExactly(
            "name", "max_tokens", "temperature", "seed", "offset", "stream", "ratio", "stop", "colors", "labels",
            "counts", "kind", "item", "tree", "extra", "anything", "blob", "email", "page", "top_p")
        .inOrder();
  }

  /**
   * A constraint given twice reaches the processor as its container (@Size.List): each still shapes the schema, every
   * bound holding, as the host's validator enforces them all.
   */
  @Test
  void repeatedConstraintsEachShapeTheSchema() throws Exception {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.route(
                "Repeated",
                "repeated",
                List.of(),
                "  public record Q(@NotNull Integer n, @Size(min = 2) @Size(max = 5) @Size(min = 3) String s,"
                    + " @Pattern(regexp = \"a+\") @Pattern(regexp = \"[ab]{2}\") String t) {}"));
    assertThat(compilation).succeeded();
    JsonNode repeated =
        new ObjectMapper()
            .readTree(new CompiledClasses(compilation).newInstance("test.NmRouteTable", RouteTable.class).routes().get(0).requestSchema())
            .get("properties");
    assertThat(repeated.get("s").get("minLength").asInt()).isEqualTo(3);
    assertThat(repeated.get("s").get("maxLength").asInt()).isEqualTo(5);
    String pattern = repeated.get("t").get("pattern").asText();
    assertThat(pattern).isEqualTo("^(?=(?:a+)$)(?:[ab]{2})$");
    java.util.regex.Pattern both = java.util.regex.Pattern.compile(pattern);
    assertThat(both.matcher("aa").matches()).isTrue();
    assertThat(both.matcher("ab").matches()).isFalse();
    assertThat(both.matcher("aaa").matches()).isFalse();
  }

  @Test
  void stringConstraints() {
    JsonNode name = properties.get("name");
    assertThat(name.get("description").asText()).isEqualTo("who asks");
    assertThat(name.get("type").asText()).isEqualTo("string");
    assertThat(name.get("minLength").asInt()).isEqualTo(1);
    assertThat(name.get("maxLength").asInt()).isEqualTo(20);
    assertThat(name.get("pattern").asText()).isEqualTo("^(?:[a-z]+)$");
    assertThat(properties.get("email").get("format").asText()).isEqualTo("email");
    assertThat(type(properties.get("blob"))).isEqualTo("string|null");
    assertThat(properties.get("blob").get("contentEncoding").asText()).isEqualTo("base64");
  }

  @Test
  void numberConstraints() {
    JsonNode maxTokens = properties.get("max_tokens");
    assertThat(maxTokens.get("description").asText()).isEqualTo("how many tokens, at most");
    assertThat(maxTokens.get("type").asText()).isEqualTo("integer");
    assertThat(maxTokens.get("minimum").asLong()).isEqualTo(1);
    assertThat(maxTokens.get("maximum").asLong()).isEqualTo(4096);
    JsonNode temperature = properties.get("temperature");
    assertThat(temperature.get("type").asText()).isEqualTo("number");
    assertThat(temperature.get("exclusiveMinimum").asDouble()).isEqualTo(0.0);
    assertThat(temperature.has("minimum")).isFalse();
    assertThat(temperature.get("maximum").asDouble()).isEqualTo(2.5);
    assertThat(type(properties.get("seed"))).isEqualTo("integer|null");
    assertThat(properties.get("seed").get("exclusiveMinimum").asInt()).isEqualTo(0);
    assertThat(properties.get("offset").get("minimum").asInt()).isEqualTo(0);
    assertThat(type(properties.get("stream"))).isEqualTo("boolean|null");
    assertThat(properties.get("stream").get("enum").toString()).isEqualTo("[false,null]");
    assertThat(properties.get("ratio").get("type").asText()).isEqualTo("number");
  }

  @Test
  void composedConstraintContributesTheConstraintsItIsMadeOf() {
    JsonNode topP = properties.get("top_p");
    assertThat(topP.get("type").asText()).isEqualTo("number");
    assertThat(topP.get("minimum").asDouble()).isEqualTo(0.0);
    assertThat(topP.get("maximum").asDouble()).isEqualTo(1.0);
  }

  @Test
  void collections() {
    JsonNode stop = properties.get("stop");
    assertThat(stop.get("type").asText()).isEqualTo("array");
    assertThat(stop.get("minItems").asInt()).isEqualTo(1);
    assertThat(stop.get("maxItems").asInt()).isEqualTo(8);
    assertThat(stop.get("items").get("type").asText()).isEqualTo("string");
    assertThat(stop.get("items").get("minLength").asInt()).isEqualTo(1);
    JsonNode colors = properties.get("colors");
    assertThat(colors.get("uniqueItems").asBoolean()).isTrue();
    assertThat(texts(colors.get("items").get("enum"))).containsExactly("RED", "verdant").inOrder();
    assertThat(properties.get("labels").get("items").get("type").asText()).isEqualTo("string");
    JsonNode counts = properties.get("counts");
    assertThat(type(counts)).isEqualTo("object|null");
    assertThat(counts.get("minProperties").asInt()).isEqualTo(1);
    assertThat(counts.get("additionalProperties").get("type").asText()).isEqualTo("integer");
  }

  @Test
  void enumsNestedRecordsAndOpenValues() {
    assertThat(type(properties.get("kind"))).isEqualTo("string|null");
    assertThat(properties.get("kind").get("enum").toString()).isEqualTo("[\"RED\",\"verdant\",null]");
    JsonNode item = properties.get("item");
    assertThat(item.get("type").asText()).isEqualTo("object");
    assertThat(item.get("properties").get("id").get("type").asText()).isEqualTo("string");
    assertThat(texts(item.get("required"))).containsExactly("id");
    assertThat(item.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(properties.get("extra").size()).isEqualTo(0);
    assertThat(properties.get("anything").size()).isEqualTo(0);
  }

  @Test
  void genericRecordHasItsTypeArgumentsSubstituted() {
    JsonNode items = properties.get("page").get("properties").get("items");
    assertThat(type(items)).isEqualTo("array|null");
    assertThat(items.get("items").get("properties").get("id").get("type").asText()).isEqualTo("string");
  }

  @Test
  void recursiveRecordIsReferencedThroughDefs() {
    JsonNode tree = properties.get("tree");
    assertThat(type(tree)).isEqualTo("object|null");
    assertThat(tree.get("properties").get("children").get("items").get("$ref").asText())
        .isEqualTo("#/$defs/test.Shapes.Node");
    JsonNode node = schema.get("$defs").get("test.Shapes.Node");
    assertThat(type(node.get("properties").get("name"))).isEqualTo("string|null");
    assertThat(node.get("properties").get("children").get("items").get("$ref").asText())
        .isEqualTo("#/$defs/test.Shapes.Node");
    assertThat(names(schema.get("$defs"))).containsExactly("test.Shapes.Node");
  }

  /**
   * A property's type: {@code "string"}, or {@code "string|null"} where the host's mapper also reads and writes
   * {@code null} (a property neither primitive nor required).
   */
  private static String type(JsonNode property) {
    JsonNode type = property.get("type");
    return type.isArray() ? String.join("|", texts(type)) : type.asText();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(element -> texts.add(element.asText()));
    return texts;
  }

  /** The request schema of the one route {@code compilation} compiled, without a warning. */
  private static JsonNode requestSchema(Compilation compilation) throws Exception {
    assertThat(compilation).succeededWithoutWarnings();
    return new ObjectMapper().readTree(
        new CompiledClasses(compilation).newInstance("test.NmRouteTable", RouteTable.class).routes().get(0).requestSchema());
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** {@code @Size String[]}: javac puts the annotation on the element type too, Bean Validation on the array only. */
  @Test
  void anArraysConstraintsStayOnTheArray() throws Exception {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.route("Tags", "tags", List.of(
                    "@ValidCase(name = \"ok\", request = \"{\\\"tags\\\": [\\\"a\\\"]}\")",
                    "@InvalidCase(name = \"none\", request = \"{\\\"tags\\\": []}\", field = \"tags\")"),
                "  public record Q(@NotEmpty @Size(max = 3) String[] tags, List<@NotBlank String> names) {}"));
    JsonNode request = requestSchema(compilation);
    JsonNode tags = request.at("/properties/tags");
    assertThat(tags.get("minItems").asInt()).isEqualTo(1);
    assertThat(tags.get("maxItems").asInt()).isEqualTo(3);
    assertThat(tags.get("items").toString()).isEqualTo("{\"type\":\"string\"}");
    assertThat(request.at("/properties/names/items").toString()).isEqualTo("{\"type\":\"string\",\"minLength\":1}");
  }

  /**
   * A {@code byte[]} travels as base64: its {@code @Size} counts bytes, its schema characters (16 bytes are 24). A
   * {@code @Pattern} with flags has no form in JSON Schema's regular expressions: left out, not made stricter.
   */
  @Test
  void bytesAreBoundedAsBase64AndPatternsWithFlagsAreLeftOut() throws Exception {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.route("Key", "key", List.of(
                    "@ValidCase(name = \"ok\", request = \"{\\\"key\\\": \\\"AAAA\\\", \\\"word\\\": \\\"ABC\\\"}\")",
                    "@InvalidCase(name = \"none\", request = \"{\\\"word\\\": \\\"a\\\"}\", field = \"key\")"),
                "  public record Q(@NotNull @Size(min = 1, max = 16) byte[] key,",
                "      @Pattern(regexp = \"[a-z]+\", flags = Pattern.Flag.CASE_INSENSITIVE) String word) {}"));
    JsonNode request = requestSchema(compilation);
    JsonNode key = request.at("/properties/key");
    assertThat(key.get("contentEncoding").asText()).isEqualTo("base64");
    assertThat(key.get("minLength").asInt()).isEqualTo(4);
    assertThat(key.get("maxLength").asInt()).isEqualTo(24);
    assertThat(request.at("/properties/word").has("pattern")).isFalse();
  }

  /**
   * Jackson reads and writes an enum with a @JsonValue as that value, never by the constants' names, and one
   * with a @JsonCreator as its creator decides: neither gets an "enum" list of names the host would refuse.
   */
  @Test
  void enumsWithTheirOwnJsonFormHaveNoListOfNames() throws Exception {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.route("Pick", "pick", List.of(
                    "@ValidCase(name = \"ok\", request = \"{\\\"n\\\": 1, \\\"level\\\": \\\"low\\\", \\\"rank\\\": 2}\")",
                    "@InvalidCase(name = \"none\", request = \"{}\", field = \"n\")"),
                "  public record Q(@NotNull Integer n, Level level, @NotNull Rank rank, Mode mode, List<Level> levels,",
                "      Color color) {}",
                "  public enum Level {",
                "    LOW(\"low\"), HIGH(\"high\");",
                "    private final String wire;",
                "    Level(String wire) { this.wire = wire; }",
                "    @com.fasterxml.jackson.annotation.JsonValue public String wire() { return wire; }",
                "  }",
                "  public enum Rank {",
                "    FIRST, SECOND;",
                "    @com.fasterxml.jackson.annotation.JsonValue public int number() { return ordinal() + 1; }",
                "  }",
                "  public enum Mode {",
                "    FAST, SLOW;",
                "    @JsonCreator public static Mode of(String text) { return valueOf(text.toUpperCase(Locale.ROOT)); }",
                "  }",
                "  public enum Color { RED, @JsonProperty(\"verdant\") GREEN }"));
    JsonNode request = requestSchema(compilation);
    assertThat(request.at("/properties/level").toString()).isEqualTo("{\"type\":[\"string\",\"null\"]}");
    assertThat(request.at("/properties/rank").toString()).isEqualTo("{\"type\":\"integer\"}");
    assertThat(request.at("/properties/mode").toString()).isEqualTo("{}");
    assertThat(request.at("/properties/levels/items").toString()).isEqualTo("{\"type\":\"string\"}");
    assertThat(request.at("/properties/color/enum").toString()).isEqualTo("[\"RED\",\"verdant\",null]");
  }

  /**
   * JSON Schema patterns are ECMA-262 regular expressions, and a client that cannot compile one fails on the whole
   * schema: Java-only syntax is left out (the host still enforces it), syntax both read alike is kept.
   */
  @Test
  void patternsOnlyJavaCanReadAreLeftOut() throws Exception {
    List<String> javaOnly =
        List.of("(?i)[a-z]+", "(?i:abc)", "[a-z]+\\\\z", "[a-z]+\\\\Z", "\\\\A[a-z]+", "a*+", "a++b", "a?+", "a{2}+",
            "\\\\p{Alpha}+", "[a-z&&[^aeiou]]", "(?>ab)", "\\\\Qa.b\\\\E", "a]b", "[\\\\w-z]", "\\\\h", "\\\\#");
    List<String> portable =
        List.of("[a-z]+", "\\\\d{3}-\\\\d{4}", "[\\\\w.-]+@[\\\\w-]+\\\\.[a-z]{2,}", "(?<y>\\\\d{4})-\\\\k<y>",
            "(?=x)x(?!y)", "[\\\\-a]", "\\\\x41\\\\u0042", "\\\\.\\\\/");
    List<String> components = new ArrayList<>();
    for (int i = 0; i < javaOnly.size(); i++) {
      components.add("@Pattern(regexp = \"" + javaOnly.get(i) + "\") String j" + i);
    }
    for (int i = 0; i < portable.size(); i++) {
      components.add("@Pattern(regexp = \"" + portable.get(i) + "\") String p" + i);
    }
    Compilation compilation =
        Fixtures.compile(
            Fixtures.route("Match", "match", List.of(
                    "@ValidCase(name = \"ok\", request = \"{\\\"n\\\": 1}\")",
                    "@InvalidCase(name = \"none\", request = \"{}\", field = \"n\")"),
                "  public record Q(@NotNull Integer n, " + String.join(", ", components) + ") {}"));
    JsonNode request = requestSchema(compilation);
    List<String> leftOut = new ArrayList<>();
    for (int i = 0; i < javaOnly.size(); i++) {
      if (request.at("/properties/j" + i).has("pattern")) {
        leftOut.add("kept " + request.at("/properties/j" + i + "/pattern").asText());
      }
    }
    assertThat(leftOut).isEmpty();
    List<String> kept = new ArrayList<>();
    request.at("/properties").forEach(property -> {
      if (property.has("pattern")) {
        kept.add(property.get("pattern").asText());
      }
    });
    assertThat(kept)
        .containsExactly("^(?:[a-z]+)$", "^(?:\\d{3}-\\d{4})$", "^(?:[\\w.-]+@[\\w-]+\\.[a-z]{2,})$",
            "^(?:(?<y>\\d{4})-\\k<y>)$", "^(?:(?=x)x(?!y))$", "^(?:[\\-a])$", "^(?:\\x41\\u0042)$", "^(?:\\.\\/)$")
        .inOrder();
  }

  /** {@code @JsonProperty(required = true)}: the mapper refuses the property's absence, not its null. */
  @Test
  void aPropertyJacksonRequiresIsRequiredAndMayBeNull() throws Exception {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.route("Pick", "pick", List.of(
                    "@ValidCase(name = \"ok\", request = \"{\\\"model\\\": null, \\\"n\\\": 1}\")",
                    "@InvalidCase(name = \"none\", request = \"{\\\"model\\\": \\\"m\\\"}\", field = \"n\")"),
                "  public record Q(@JsonProperty(required = true) String model, @NotNull Integer n) {}"));
    JsonNode request = requestSchema(compilation);
    assertThat(request.get("required").toString()).isEqualTo("[\"model\",\"n\"]");
    assertThat(request.at("/properties/model/type").toString()).isEqualTo("[\"string\",\"null\"]");
    assertThat(request.at("/properties/n/type").toString()).isEqualTo("\"integer\"");
  }

  /** Null where the mapper reads or writes it: a referenced record takes null beside it; NON_NULL records write none. */
  @Test
  void nullWhereTheMapperReadsOrWritesIt() throws Exception {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.source(
                "Tree",
                "@NativeRoute(name = \"tree\", description = \"Grows.\")",
                "@ValidCase(name = \"ok\", request = \"{\\\"name\\\": \\\"a\\\"}\")",
                "@InvalidCase(name = \"blank\", request = \"{\\\"name\\\": \\\"\\\"}\", field = \"name\")",
                "public final class Tree implements RouteHandler<Tree.Node, Tree.R> {",
                "  public record Node(@NotBlank String name, Node parent) {}",
                "  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)",
                "  public record R(String note) {}",
                "  @Override public R handle(Node q, RouteContext context) { return new R(null); }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    RouteDescriptor<?, ?> route = new CompiledClasses(compilation).newInstance("test.NmRouteTable", RouteTable.class).routes().get(0);
    JsonNode request = new ObjectMapper().readTree(route.requestSchema());
    assertThat(request.at("/properties/parent/anyOf").toString())
        .isEqualTo("[{\"$ref\":\"#/$defs/test.Tree.Node\"},{\"type\":\"null\"}]");
    assertThat(request.at("/properties/name/type").asText()).isEqualTo("string");
    JsonNode response = new ObjectMapper().readTree(route.responseSchema());
    assertThat(response.at("/properties/note/type").asText()).isEqualTo("string");
  }
}
