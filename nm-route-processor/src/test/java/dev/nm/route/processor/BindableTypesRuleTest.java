package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class BindableTypesRuleTest {
  @Test
  void nonPublicNestedRecord() {
    assertUnbindable(
        "Item.name: Hidden is not public. Make it public",
        "  public record Q(@NotNull Integer n, Item item) {}",
        "  public record Item(Hidden name) {}",
        "  record Hidden(String value) {}");
  }

  @Test
  void twoComponentsWithOneWireName() {
    assertUnbindable(
        "Q: its components maxTokens and max_tokens both bind to the JSON property \"max_tokens\", which Jackson refuses."
            + " Rename one, or give it another @JsonProperty",
        "  public record Q(@NotNull Integer n, Integer maxTokens, Integer max_tokens) {}");
  }

  /**
   * The host's mapper would follow @JsonNaming, while the schema, the case checks and the host's validation
   * fields keep to snake_case: refused, on the request and on any record it reaches.
   */
  @Test
  void recordWithANamingStrategy() {
    String fix = ": it is annotated @JsonNaming, which the host's mapper follows but its published schema, the checks of"
        + " its declared cases and the fields its validation errors name do not: they take each component's snake_case"
        + " name or its @JsonProperty. Remove @JsonNaming, and give a component another name with"
        + " @JsonProperty(\"...\")";
    assertUnbindable(
        "Q" + fix,
        "  @com.fasterxml.jackson.databind.annotation.JsonNaming(",
        "      com.fasterxml.jackson.databind.PropertyNamingStrategies.LowerCamelCaseStrategy.class)",
        "  public record Q(@NotNull Integer n) {}");
    assertUnbindable(
        "Item" + fix,
        "  public record Q(@NotNull Integer n, List<Item> items) {}",
        "  @com.fasterxml.jackson.databind.annotation.JsonNaming(",
        "      com.fasterxml.jackson.databind.PropertyNamingStrategies.KebabCaseStrategy.class)",
        "  public record Item(String itemName) {}");
  }

  @Test
  void interfaceComponent() {
    assertUnbindable(
        "Q.shape: Shape is an interface. Use a record or a concrete class",
        "  public record Q(@NotNull Integer n, Shape shape) {}",
        "  public interface Shape {}");
  }

  @Test
  void abstractClassComponent() {
    assertUnbindable(
        "Q.shape: Shape is abstract. Use a record or a concrete class",
        "  public record Q(@NotNull Integer n, Shape shape) {}",
        "  public abstract static class Shape {}");
  }

  @Test
  void innerClassComponent() {
    assertUnbindable(
        "Q.shape: Shape is an inner class. Declare it static",
        "  public record Q(@NotNull Integer n, Shape shape) {}",
        "  public class Shape {}");
  }

  @Test
  void classWithoutConstructorJacksonCanCall() {
    assertUnbindable(
        "Q.shape: Shape has no public no-argument constructor and no @JsonCreator. Add one, or make it a record",
        "  public record Q(@NotNull Integer n, Shape shape) {}",
        "  public static final class Shape { public Shape(int sides) {} }");
  }

  @Test
  void wildcardBoundedByAnInterface() {
    assertUnbindable(
        "Q.shapes[]: Shape is an interface. Use a record or a concrete class",
        "  public record Q(@NotNull Integer n, List<? extends Shape> shapes) {}",
        "  public interface Shape {}");
  }

  @Test
  void javaTypeWithoutAModule() {
    assertUnbindable(
        "Q.when: Instant needs a Jackson module the host's mapper does not have. Use a String, a number or a"
            + " record instead",
        "  public record Q(@NotNull Integer n, java.time.Instant when) {}");
  }

  /** Jackson finds no key deserializer for a record key: it refuses every request, the map present or not. */
  @Test
  void mapKeysJacksonCannotRead() {
    assertUnbindable(
        "Q.labels: its map keys are test.Count.Point, but Jackson reads a JSON object's keys, which are text, only"
            + " into String, Object, a boxed primitive, BigDecimal, BigInteger, UUID, an enum, or a type made from one"
            + " String (a constructor, valueOf or fromString, or a @JsonCreator). Use String keys",
        "  public record Q(@NotNull Integer n, Map<Point, String> labels) {}",
        "  public record Point(int x, int y) {}");
  }

  @Test
  void genericRequestRecord() {
    JavaFileObject source =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = \"count\", description = \"Counts.\")",
            Fixtures.DEFAULT_CASES.get(0),
            Fixtures.DEFAULT_CASES.get(1),
            "public final class Count implements RouteHandler<Count.Q<String>, Count.R> {",
            "  public record Q<T>(@NotNull Integer n, T extra) {}",
            "  public record R(int n) {}",
            "  @Override public R handle(Q<String> q, RouteContext context) { return new R(0); }",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(
            ErrorMessages.unbindable(
                "count",
                ErrorMessages.unbindableReason(
                    "Q", "it is generic, but a route names its types with class literals. Declare a record without"
                        + " type parameters")))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void everythingJacksonBinds() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count", List.of(),
            "  public record Q(@NotNull Integer n, int[] counts, byte[] blob, List<Map<String, Item>> items,",
            "      Map<Color, Integer> byColor, Map<Long, String> byId, Map<java.util.UUID, Item> byUuid,",
            "      Map<Tag, Integer> byTag,",
            "      Set<Color> colors, JsonNode extra, Object any, java.math.BigDecimal price, Page<Item> page,",
            "      Shape shape, Made made, Node tree) {}",
            "  public record Item(String name) {}",
            "  public record Tag(String value) {}",
            "  public enum Color { RED, GREEN }",
            "  public record Page<T>(List<T> items) {}",
            "  public static final class Shape { public int sides; }",
            "  public static final class Made {",
            "    @JsonCreator public static Made of(int v) { return new Made(); }",
            "    private Made() {}",
            "  }",
            "  public record Node(String name, List<Node> children) {}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }

  private static void assertUnbindable(String reason, String... members) {
    JavaFileObject source = Fixtures.route("Count", "count", List.of(), members);

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.unbindable("count", reason))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }
}
