package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class HandlerRuleTest {
  private static final String[] ANNOTATIONS = {
    "@NativeRoute(name = \"count\", description = \"Counts.\")",
    "@ValidCase(name = \"counts\", request = \"{\\\"n\\\": 1}\")",
    "@InvalidCase(name = \"no n\", request = \"{}\", field = \"n\")",
  };

  @Test
  void classThatIsNoHandler() {
    JavaFileObject source = route("public final class Count {", "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.notHandler("test.Count"))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void handlerWithTypeVariables() {
    JavaFileObject source =
        route(
            "public class Count<T> implements RouteHandler<T, Count.R> {",
            "  public record R(int n) {}",
            "  @Override public R handle(T q, RouteContext context) { return new R(0); }",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.handlerNotConcrete("test.Count", "T, test.Count.R"))
        .inFile(source)
        .onLineContaining("public class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void abstractClassWithoutPublicConstructor() {
    JavaFileObject source =
        route(
            "public abstract class Count implements RouteHandler<Count.Q, Count.R> {",
            "  Count(int size) {}",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(int n) {}",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.handlerShape("test.Count", "is abstract", "Make it a concrete class"))
        .inFile(source)
        .onLineContaining("public abstract class Count");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noConstructor("test.Count"))
        .inFile(source)
        .onLineContaining("public abstract class Count");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void classWithOnlyAConstructorTakingArguments() {
    JavaFileObject source =
        route(
            "public final class Count implements RouteHandler<Count.Q, Count.R> {",
            "  private final int base;",
            "  public Count(int base) { this.base = base; }",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(base); }",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noConstructor("test.Count"))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void nonPublicClassAndInnerClass() {
    JavaFileObject source =
        Fixtures.source(
            "Outer",
            "public class Outer {",
            ANNOTATIONS[0], ANNOTATIONS[1], ANNOTATIONS[2],
            "  public class Inner implements RouteHandler<Q, R> {",
            "    @Override public R handle(Q q, RouteContext context) { return new R(0); }",
            "  }",
            "  @NativeRoute(name = \"hidden\", description = \"Hides.\")",
            ANNOTATIONS[1], ANNOTATIONS[2],
            "  static final class Hidden implements RouteHandler<Q, R> {",
            "    @Override public R handle(Q q, RouteContext context) { return new R(0); }",
            "  }",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(int n) {}",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.handlerShape("test.Outer.Inner", "is an inner class", "Declare it static"))
        .inFile(source)
        .onLineContaining("public class Inner");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.handlerShape("test.Outer.Hidden", "is not public", "Make Hidden public"))
        .inFile(source)
        .onLineContaining("static final class Hidden");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void interfaceIsNoRouteClass() {
    JavaFileObject source =
        route("public interface Count extends RouteHandler<Count.Q, Count.R> {",
            "  record Q(@NotNull Integer n) {}",
            "  record R(int n) {}",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.handlerShape("test.Count", "is an interface", "Make it a final class"))
        .inFile(source)
        .onLineContaining("public interface Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void handlerThroughAGenericSuperclassAndStaticNestedRoute() {
    JavaFileObject base =
        Fixtures.source(
            "Base",
            "public abstract class Base<Q> implements RouteHandler<Q, Base.R> {",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
            "}");
    JavaFileObject routes =
        Fixtures.source(
            "Routes",
            "public final class Routes {",
            "  private Routes() {}",
            ANNOTATIONS[0], ANNOTATIONS[1], ANNOTATIONS[2],
            "  public static final class Count extends Base<Count.Q> {",
            "    public record Q(@NotNull Integer n) {}",
            "  }",
            "}");

    Compilation compilation = Fixtures.compile(base, routes);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.NmRouteTable")
        .contentsAsUtf8String()
        .contains("RouteDescriptor.builder(\"count\", Routes.Count.Q.class, Base.R.class, Routes.Count::new)");
  }

  @Test
  void constructorThatThrowsACheckedException() {
    JavaFileObject source = countWithConstructor("  public Count() throws java.io.IOException {}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.constructorThrows("test.Count", "java.io.IOException"))
        .inFile(source)
        .onLineContaining("public Count() throws");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void constructorThatThrowsOnlyUncheckedExceptionsIsAccepted() {
    JavaFileObject source = countWithConstructor("  public Count() throws IllegalStateException {}");

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }

  @Test
  void routeInTheUnnamedPackage() {
    JavaFileObject source =
        com.google.testing.compile.JavaFileObjects.forSourceLines(
            "Count",
            "import dev.nm.route.*;",
            "import jakarta.validation.constraints.*;",
            ANNOTATIONS[0], ANNOTATIONS[1], ANNOTATIONS[2],
            "public final class Count implements RouteHandler<Count.Q, Count.R> {",
            "  public record Q(@NotNull Integer n) {}",
            "  public record R(int n) {}",
            "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
            "}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.handlerShape(
            "Count", "is in the unnamed package, which the generated table cannot import", "Move it into a package"))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  private static JavaFileObject countWithConstructor(String constructor) {
    return route(
        "public final class Count implements RouteHandler<Count.Q, Count.R> {",
        constructor,
        "  public record Q(@NotNull Integer n) {}",
        "  public record R(int n) {}",
        "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
        "}");
  }

  private static JavaFileObject route(String... body) {
    String[] lines = new String[ANNOTATIONS.length + body.length];
    System.arraycopy(ANNOTATIONS, 0, lines, 0, ANNOTATIONS.length);
    System.arraycopy(body, 0, lines, ANNOTATIONS.length, body.length);
    return Fixtures.source("Count", lines);
  }
}
