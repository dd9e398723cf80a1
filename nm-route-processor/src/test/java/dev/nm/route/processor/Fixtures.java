package dev.nm.route.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Shared compilation setup and small route sources for the processor tests. */
final class Fixtures {
  private Fixtures() {}

  /** Javac with the processor, warnings as errors (all lints but processing's "no processor claimed"). */
  static Compiler javac() {
    return Compiler.javac()
        .withProcessors(new NativeRouteProcessor())
        .withOptions("-Werror", "-Xlint:all,-processing");
  }

  static Compilation compile(JavaFileObject... sources) {
    return javac().compile(sources);
  }

  /**
   * The source of {@code test.<className>}: {@code lines} after a package clause and the imports route
   * sources commonly need (dev.nm.route, ErrorCode, Jakarta constraints, java.util, Jackson).
   */
  static JavaFileObject source(String className, String... lines) {
    List<String> source = new ArrayList<>(IMPORTS);
    source.addAll(List.of(lines));
    return JavaFileObjects.forSourceLines("test." + className, source);
  }

  /**
   * A route {@code test.<className>} named {@code routeName} handling {@code Q -> R}: the class's
   * annotations, then its declaration, then the records Q and R and {@code handle}. {@code annotations}
   * replaces the default description and cases when given.
   */
  static JavaFileObject route(String className, String routeName, List<String> annotations, String... members) {
    List<String> lines = new ArrayList<>();
    lines.add("@NativeRoute(name = \"" + routeName + "\", description = \"Counts.\")");
    lines.addAll(annotations.isEmpty() ? DEFAULT_CASES : annotations);
    lines.add("public final class " + className + " implements RouteHandler<" + className + ".Q, " + className + ".R> {");
    lines.addAll(members.length == 0 ? List.of("  public record Q(@NotNull Integer n) {}") : List.of(members));
    lines.add("  public record R(int n) {}");
    lines.add("  @Override public R handle(Q q, RouteContext context) { return new R(0); }");
    lines.add("}");
    return source(className, lines.toArray(String[]::new));
  }

  /** One valid and one invalid case that fit the default request {@code Q(@NotNull Integer n)}. */
  static final List<String> DEFAULT_CASES =
      List.of(
          "@ValidCase(name = \"counts\", request = \"{\\\"n\\\": 1}\")",
          "@InvalidCase(name = \"no n\", request = \"{}\", field = \"n\")");

  private static final List<String> IMPORTS =
      List.of(
          "package test;",
          "",
          "import com.fasterxml.jackson.annotation.JsonCreator;",
          "import com.fasterxml.jackson.annotation.JsonProperty;",
          "import com.fasterxml.jackson.databind.JsonNode;",
          "import dev.nm.protocol.ErrorCode;",
          "import dev.nm.route.*;",
          "import jakarta.validation.Valid;",
          "import jakarta.validation.constraints.*;",
          "import java.util.*;",
          "");

  /** A clean, Javadoc-described route {@code pkg.className} named {@code routeName}, echoing its text. */
  static JavaFileObject echoRoute(String pkg, String className, String routeName) {
    return JavaFileObjects.forSourceLines(
        pkg + "." + className,
        "package " + pkg + ";",
        "",
        "import dev.nm.route.Expect;",
        "import dev.nm.route.InvalidCase;",
        "import dev.nm.route.NativeRoute;",
        "import dev.nm.route.RouteContext;",
        "import dev.nm.route.RouteHandler;",
        "import dev.nm.route.ValidCase;",
        "import jakarta.validation.constraints.NotBlank;",
        "",
        "/** Returns the text it was sent. */",
        "@NativeRoute(name = \"" + routeName + "\", tags = {\"demo\", \"text\"})",
        "@ValidCase(name = \"echoes\", request = \"{\\\"text\\\": \\\"hi\\\"}\",",
        "    expect = @Expect(path = \"/text\", equalTo = \"\\\"hi\\\"\"))",
        "@InvalidCase(name = \"empty text\", request = \"{\\\"text\\\": \\\"\\\"}\", field = \"text\")",
        "public final class " + className + " implements RouteHandler<" + className + ".Request, " + className + ".Reply> {",
        "  /** @param text what to send back */",
        "  public record Request(@NotBlank String text) {}",
        "",
        "  public record Reply(String text) {}",
        "",
        "  @Override",
        "  public Reply handle(Request request, RouteContext context) {",
        "    return new Reply(request.text());",
        "  }",
        "}");
  }
}
