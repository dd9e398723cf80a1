package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class RequestValidationRuleTest {
  private static final List<String> CASES =
      List.of(
          "@ValidCase(name = \"ok\", request = \"{\\\"items\\\": []}\")",
          "@InvalidCase(name = \"bad\", request = \"{\\\"items\\\": [{}]}\", field = \"items\")");

  @Test
  void requestWithoutAnyConstraint() {
    JavaFileObject source = Fixtures.route("Count", "count", CASES, "  public record Q(List<String> items, Integer n) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noValidation("count", "Q"))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  /** The host validates the default group only: a constraint of another group checks nothing. */
  @Test
  void constraintOfAnotherGroupOnly() {
    JavaFileObject source =
        Fixtures.route("Count", "count", CASES,
            "  public interface Strict {}",
            "  public record Q(@NotNull(groups = Strict.class) List<String> items) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noValidation("count", "Q"))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void constraintOfTheDefaultGroupNamedExplicitly() {
    JavaFileObject source =
        Fixtures.route("Count", "count", CASES,
            "  public interface Strict {}",
            "  public record Q(@NotNull(groups = {Strict.class, jakarta.validation.groups.Default.class}) List<String> items) {}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }

  /**
   * Bean Validation enters a record only through @Valid: an Item's @NotBlank would never run, while the schema
   * published for the route lists it. The component is named with where @Valid goes.
   */
  @Test
  void constraintsInANestedRecordThatValidationDoesNotCascadeInto() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count", CASES,
            "  public record Q(@NotNull List<Item> items, Item first) {}",
            "  public record Item(@NotBlank String name) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noCascade("count", "Q", "items", "Item", "List<@Valid Item>"))
        .inFile(source)
        .onLineContaining("public record Q(");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noCascade("count", "Q", "first", "Item", "@Valid Item"))
        .inFile(source)
        .onLineContaining("public record Q(");
    assertThat(compilation).hadErrorCount(2);
  }

  /** Within a record reached through @Valid, a record it holds needs @Valid of its own. */
  @Test
  void aRecordTwoLevelsDownNeedsValidOnEachLevel() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"ok\", request = \"{\\\"order\\\": {\\\"items\\\": []}}\")",
                "@InvalidCase(name = \"no order\", request = \"{}\", field = \"order\")"),
            "  public record Q(@NotNull @Valid Order order) {}",
            "  public record Order(@NotNull List<Item> items) {}",
            "  public record Item(@NotBlank String name) {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noCascade("count", "Order", "items", "Item", "List<@Valid Item>"))
        .inFile(source)
        .onLineContaining("public record Order(");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void constraintOnAComponent() {
    assertThat(Fixtures.compile(Fixtures.route("Count", "count", CASES, "  public record Q(@Size(max = 3) List<String> items) {}")))
        .succeededWithoutWarnings();
  }

  @Test
  void constraintOnATypeArgument() {
    assertThat(Fixtures.compile(Fixtures.route("Count", "count", CASES, "  public record Q(List<@NotBlank String> items) {}")))
        .succeededWithoutWarnings();
  }

  @Test
  void constraintInARecordReachedThroughValid() {
    assertThat(
            Fixtures.compile(
                Fixtures.route(
                    "Count", "count", CASES,
                    "  public record Q(List<@Valid Item> items) {}",
                    "  public record Item(@NotBlank String name) {}")))
        .succeededWithoutWarnings();
    assertThat(
            Fixtures.compile(
                Fixtures.route(
                    "Count", "count", CASES,
                    "  public record Q(@Valid Map<String, Item> items) {}",
                    "  public record Item(@NotBlank String name) {}")))
        .succeededWithoutWarnings();
  }

  @Test
  void recordWithoutComponentsNeedsNoConstraint() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"ok\", request = \"{}\")",
                "@InvalidCase(name = \"unknown\", request = \"{\\\"x\\\": 1}\", field = \"x\")"),
            "  public record Q() {}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }

  @Test
  void routeThatImplementsRequestValidator() {
    JavaFileObject source =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = \"count\", description = \"Counts.\")",
            CASES.get(0),
            CASES.get(1),
            "public final class Count implements RouteHandler<Count.Q, Count.R>, RequestValidator<Count.Q> {",
            "  public record Q(List<String> items) {}",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
            "  @Override public void validate(Q q, Violations violations) {",
            "    if (q.items() == null) violations.add(\"items\", \"is required\");",
            "  }",
            "}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }
}
