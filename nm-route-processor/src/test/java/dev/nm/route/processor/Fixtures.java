package dev.nm.route.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
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
   * A clean route in {@code pkg}: {@code class} line, route name and the body placed inside the class are
   * the parts tests vary.
   */
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
