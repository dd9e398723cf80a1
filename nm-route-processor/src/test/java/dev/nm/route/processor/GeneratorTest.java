package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.DeclaredCase;
import dev.nm.route.RateTier;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  private static final String SERVICES = "META-INF/services/dev.nm.route.RouteTable";

  @Test
  void writesOneTableWithADescriptorPerRoute() {
    Compilation compilation = Fixtures.compile(Fixtures.echoRoute("com.example.echo", "EchoRoute", "echo"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("com.example.echo.NmRouteTable")
        .hasSourceEquivalentTo(
            JavaFileObjects.forSourceLines(
                "com.example.echo.NmRouteTable",
                "package com.example.echo;",
                "",
                "import dev.nm.protocol.ErrorCode;",
                "import dev.nm.route.DeclaredCase;",
                "import dev.nm.route.RateTier;",
                "import dev.nm.route.RouteDescriptor;",
                "import dev.nm.route.RouteTable;",
                "import java.util.List;",
                "import javax.annotation.processing.Generated;",
                "",
                "@Generated(\"dev.nm.route.processor.NativeRouteProcessor\")",
                "@SuppressWarnings({\"deprecation\", \"removal\"})",
                "public final class NmRouteTable implements RouteTable {",
                "  private static final List<RouteDescriptor<?, ?>> ROUTES = List.of(",
                "      RouteDescriptor.builder(\"echo\", EchoRoute.Request.class, EchoRoute.Reply.class, EchoRoute::new)",
                "          .handlerType(EchoRoute.class)",
                "          .description(\"Returns the text it was sent.\")",
                "          .tags(\"demo\", \"text\")",
                "          .streaming(false)",
                "          .scope(\"\")",
                "          .optionScopes()",
                "          .rateTier(RateTier.STANDARD)",
                "          .requestSchema(\"{\\\"$schema\\\":\\\"https://json-schema.org/draft/2020-12/schema\\\","
                    + "\\\"type\\\":\\\"object\\\",\\\"properties\\\":{\\\"text\\\":{\\\"description\\\":\\\"what to send"
                    + " back\\\",\\\"type\\\":\\\"string\\\",\\\"minLength\\\":1}},\\\"required\\\":[\\\"text\\\"],"
                    + "\\\"additionalProperties\\\":false}\")",
                "          .responseSchema(\"{\\\"$schema\\\":\\\"https://json-schema.org/draft/2020-12/schema\\\","
                    + "\\\"type\\\":\\\"object\\\",\\\"properties\\\":{\\\"text\\\":{\\\"type\\\":[\\\"string\\\",\\\"null\\\"]}},"
                    + "\\\"additionalProperties\\\":false}\")",
                "          .validCase(\"echoes\", \"{\\\"text\\\": \\\"hi\\\"}\", 0,"
                    + " new DeclaredCase.Expectation(\"/text\", \"\\\"hi\\\"\", \"\"))",
                "          .invalidCase(\"empty text\", \"{\\\"text\\\": \\\"\\\"}\", ErrorCode.VALIDATION_ERROR, \"text\")",
                "          .build());",
                "",
                "  /** Called by {@link java.util.ServiceLoader}. */",
                "  public NmRouteTable() {}",
                "",
                "  @Override",
                "  public List<RouteDescriptor<?, ?>> routes() {",
                "    return ROUTES;",
                "  }",
                "}"));
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, SERVICES)
        .contentsAsUtf8String()
        .isEqualTo("com.example.echo.NmRouteTable\n");
  }

  @Test
  void generatedTableServesTheRoutesItDescribes() throws Exception {
    Compilation compilation = Fixtures.compile(Fixtures.echoRoute("com.example.echo", "EchoRoute", "echo"));
    assertThat(compilation).succeededWithoutWarnings();

    CompiledClasses classes = new CompiledClasses(compilation);
    List<RouteDescriptor<?, ?>> routes =
        classes.newInstance("com.example.echo.NmRouteTable", RouteTable.class).routes();

    assertThat(routes).hasSize(1);
    RouteDescriptor<?, ?> echo = routes.get(0);
    assertThat(echo.name()).isEqualTo("echo");
    assertThat(echo.description()).isEqualTo("Returns the text it was sent.");
    assertThat(echo.tags()).containsExactly("demo", "text").inOrder();
    assertThat(echo.streaming()).isFalse();
    assertThat(echo.scope()).isEmpty();
    assertThat(echo.optionScopes()).isEmpty();
    assertThat(echo.rateTier()).isEqualTo(RateTier.STANDARD);
    assertThat(echo.handlerType().getName()).isEqualTo("com.example.echo.EchoRoute");
    assertThat(echo.requestType().getName()).isEqualTo("com.example.echo.EchoRoute$Request");
    assertThat(echo.responseType().getName()).isEqualTo("com.example.echo.EchoRoute$Reply");
    assertThat(echo.newHandler().getClass()).isEqualTo(echo.handlerType());
    assertThat(echo.cases())
        .containsExactly(
            new DeclaredCase.Valid(
                "echoes", "{\"text\": \"hi\"}", List.of(new DeclaredCase.Expectation("/text", "\"hi\"", "")), 0),
            new DeclaredCase.Invalid("empty text", "{\"text\": \"\"}", ErrorCode.VALIDATION_ERROR, "text"))
        .inOrder();
  }

  @Test
  void tableGoesToThePackageOfTheFirstRouteByNameAndListsRoutesSortedByName() {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.echoRoute("com.example.b", "ZetaRoute", "zeta"),
            Fixtures.echoRoute("com.example.c", "MidRoute", "mid"),
            Fixtures.echoRoute("com.example.a", "AlphaRoute", "alpha"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("com.example.a.NmRouteTable")
        .contentsAsUtf8String()
        .containsMatch("(?s)builder\\(\"alpha\".*builder\\(\"mid\".*builder\\(\"zeta\"");
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, SERVICES)
        .contentsAsUtf8String()
        .isEqualTo("com.example.a.NmRouteTable\n");
  }

  @Test
  void deprecatedRoutesAndRecordsDrawNoWarningFromTheTable() {
    Compilation compilation =
        Fixtures.compile(
            Fixtures.source(
                "Old",
                "/** Old. */",
                "@Deprecated(forRemoval = true)",
                "@NativeRoute(name = \"old\")",
                Fixtures.DEFAULT_CASES.get(0),
                Fixtures.DEFAULT_CASES.get(1),
                "public final class Old implements RouteHandler<Old.Q, Old.R> {",
                "  @Deprecated public record Q(@NotNull Integer n) {}",
                "  @Deprecated public record R(int n) {}",
                "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
                "}"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void optionNamesTheTable() {
    Compilation compilation =
        Fixtures.javac()
            .withOptions("-Werror", "-Xlint:all,-processing", "-Anm.routeTable=com.acme.routes.AcmeRoutes")
            .compile(Fixtures.echoRoute("com.example.echo", "EchoRoute", "echo"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("com.acme.routes.AcmeRoutes")
        .containsElementsIn(
            JavaFileObjects.forSourceLines(
                "com.acme.routes.AcmeRoutes",
                "package com.acme.routes;",
                "",
                "import dev.nm.route.RouteTable;",
                "import javax.annotation.processing.Generated;",
                "",
                "@Generated(\"dev.nm.route.processor.NativeRouteProcessor\")",
                "@SuppressWarnings({\"deprecation\", \"removal\"})",
                "public final class AcmeRoutes implements RouteTable {",
                "  public AcmeRoutes() {}",
                "}"));
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, SERVICES)
        .contentsAsUtf8String()
        .isEqualTo("com.acme.routes.AcmeRoutes\n");
  }

  @Test
  void optionThatIsNotAClassNameIsReported() {
    Compilation compilation =
        Fixtures.javac()
            .withOptions("-Anm.routeTable=com.acme.1routes")
            .compile(Fixtures.echoRoute("com.example.echo", "EchoRoute", "echo"));

    assertThat(compilation).hadErrorContaining("[NmRouteBadOption] -Anm.routeTable=com.acme.1routes");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void declaredDescriptionWinsOverJavadocAndJavadocFallsBackToItsFirstParagraph() throws Exception {
    JavaFileObject declared = route("Declared", "description = \"Says what is declared.\"", "/** Javadoc text. */");
    JavaFileObject documented =
        route(
            "Documented",
            "",
            "/**",
            " * Counts the {@code tokens} of a\n * prompt, exactly.",
            " *",
            " * <p>Second paragraph.",
            " */");

    Compilation compilation = Fixtures.compile(declared, documented);

    assertThat(compilation).succeededWithoutWarnings();
    List<RouteDescriptor<?, ?>> routes =
        new CompiledClasses(compilation).newInstance("com.example.NmRouteTable", RouteTable.class).routes();
    assertThat(routes.stream().map(RouteDescriptor::description).toList())
        .containsExactly("Says what is declared.", "Counts the tokens of a prompt, exactly.")
        .inOrder();
  }

  private static JavaFileObject route(String name, String attributes, String... javadoc) {
    String routeName = name.toLowerCase();
    String[] lines = {
      "package com.example;",
      "",
      "import dev.nm.route.*;",
      "import jakarta.validation.constraints.NotNull;",
      "",
    };
    String[] rest = {
      "@NativeRoute(name = \"" + routeName + "\"" + (attributes.isEmpty() ? "" : ", " + attributes) + ")",
      "@ValidCase(name = \"ok\", request = \"{\\\"n\\\": 1}\")",
      "@InvalidCase(name = \"missing n\", request = \"{}\", field = \"n\")",
      "public final class " + name + " implements RouteHandler<" + name + ".Q, " + name + ".R> {",
      "  public record Q(@NotNull Integer n) {}",
      "  public record R(int n) {}",
      "  @Override public R handle(Q q, RouteContext context) { return new R(q.n()); }",
      "}",
    };
    List<String> source = new java.util.ArrayList<>(List.of(lines));
    source.addAll(List.of(javadoc));
    source.addAll(List.of(rest));
    return JavaFileObjects.forSourceLines("com.example." + name, source);
  }
}
