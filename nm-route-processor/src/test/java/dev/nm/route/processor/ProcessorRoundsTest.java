package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.nm.route.processor.validation.ErrorMessages;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorRoundsTest {
  private static final String GENERATED_REQUEST =
      String.join(
          "\n",
          "package test;",
          "public record GeneratedRequest(@jakarta.validation.constraints.NotNull Integer n) {}");

  private static final String GENERATED_ROUTE =
      String.join(
          "\n",
          "package test;",
          "import dev.nm.route.*;",
          "@NativeRoute(name = \"late\", description = \"Arrives late.\")",
          "@ValidCase(name = \"ok\", request = \"{\\\"n\\\": 1}\")",
          "@InvalidCase(name = \"no n\", request = \"{}\", field = \"n\")",
          "public final class Late implements RouteHandler<GeneratedRequest, GeneratedRequest> {",
          "  @Override public GeneratedRequest handle(GeneratedRequest q, RouteContext c) { return q; }",
          "}");

  @Test
  void routeNamingATypeAnotherProcessorGeneratesIsDeferredUntilItExists() {
    JavaFileObject route =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = \"count\", description = \"Counts.\")",
            Fixtures.DEFAULT_CASES.get(0),
            Fixtures.DEFAULT_CASES.get(1),
            "public final class Count implements RouteHandler<GeneratedRequest, GeneratedRequest> {",
            "  @Override public GeneratedRequest handle(GeneratedRequest q, RouteContext c) { return q; }",
            "}");

    Compilation compilation =
        javac(new SourceWriter("test.GeneratedRequest", GENERATED_REQUEST)).compile(route);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.NmRouteTable")
        .contentsAsUtf8String()
        .contains("RouteDescriptor.builder(\"count\", GeneratedRequest.class, GeneratedRequest.class, Count::new)");
  }

  @Test
  void routeWhoseRequestContainsAGeneratedTypeWaitsForIt() {
    JavaFileObject route =
        Fixtures.route(
            "Count", "count", List.of(),
            "  public record Q(@jakarta.validation.Valid @NotNull GeneratedRequest n) {}");

    Compilation compilation =
        javac(new SourceWriter("test.GeneratedRequest", GENERATED_REQUEST)).compile(route);

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.NmRouteTable")
        .contentsAsUtf8String()
        .contains("\\\"n\\\":{\\\"type\\\":\\\"object\\\",\\\"properties\\\":{\\\"n\\\":{\\\"type\\\":\\\"integer\\\"}}");
  }

  @Test
  void routeNamingATypeThatNeverExistsIsReported() {
    JavaFileObject route =
        Fixtures.source(
            "Count",
            "@NativeRoute(name = \"count\", description = \"Counts.\")",
            Fixtures.DEFAULT_CASES.get(0),
            Fixtures.DEFAULT_CASES.get(1),
            "public final class Count implements RouteHandler<Missing, Missing> {",
            "  @Override public Missing handle(Missing q, RouteContext c) { return q; }",
            "}");

    Compilation compilation = Fixtures.compile(route);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.unresolved("test.Count"))
        .inFile(route)
        .onLineContaining("public final class Count");
  }

  @Test
  void routeGeneratedAfterTheTableIsReported() {
    Compilation compilation =
        javac(new SourceWriter("test.GeneratedRequest", GENERATED_REQUEST), new SourceWriter("test.Late", GENERATED_ROUTE))
            .compile(Fixtures.route("Count", "count", List.of()));

    assertThat(compilation).hadErrorContaining(ErrorMessages.lateRound("test.Late"));
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void routesThatOnlyAppearInALaterRoundStillGetATable() {
    Compilation compilation =
        javac(new SourceWriter("test.GeneratedRequest", GENERATED_REQUEST), new SourceWriter("test.Late", GENERATED_ROUTE))
            .compile(Fixtures.source("Plain", "public final class Plain {}"));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.NmRouteTable").contentsAsUtf8String().contains("\"late\"");
  }

  /**
   * An incremental compilation (plain javac or an IDE recompiling one route, the earlier classes on the class
   * path) sees only the routes it compiles: the table it writes would silently drop the others, so it is an error
   * naming them. Compiling them all together again is clean.
   */
  @Test
  void recompilingSomeRoutesOfATableIsReported(@TempDir Path earlierBuild) throws IOException {
    JavaFileObject alpha = Fixtures.echoRoute("a", "AlphaRoute", "alpha");
    JavaFileObject beta = Fixtures.echoRoute("a", "BetaRoute", "beta");
    Compilation full = Fixtures.compile(alpha, beta);
    assertThat(full).succeededWithoutWarnings();
    assertThat(full)
        .generatedFile(StandardLocation.CLASS_OUTPUT, "a", "NmRouteTable.routes")
        .contentsAsUtf8String()
        .isEqualTo("a.AlphaRoute\na.BetaRoute\n");
    writeClassOutput(full, earlierBuild);

    Compilation partial = onClassPath(earlierBuild).compile(alpha);

    assertThat(partial).hadErrorContaining(ErrorMessages.routesLeftOut("a.NmRouteTable", "[a.BetaRoute]"));
    assertThat(partial).hadErrorCount(1);

    Compilation again = onClassPath(earlierBuild).compile(alpha, beta);

    assertThat(again).succeededWithoutWarnings();
    assertThat(again).generatedSourceFile("a.NmRouteTable").contentsAsUtf8String().contains("\"beta\"");
  }

  /** Javac with the processor and {@code dir} before this test's class path (path lint off: the running JVM's class path may name entries that do not exist). */
  private static Compiler onClassPath(Path dir) {
    List<File> classPath = new ArrayList<>(List.of(dir.toFile()));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classPath.add(new File(entry));
    }
    return Compiler.javac()
        .withProcessors(new NativeRouteProcessor())
        .withOptions("-Werror", "-Xlint:all,-processing,-path")
        .withClasspath(classPath);
  }

  /** Writes what {@code compilation} put in its class output under {@code dir}, as a build's output directory. */
  private static void writeClassOutput(Compilation compilation, Path dir) throws IOException {
    String prefix = "/" + StandardLocation.CLASS_OUTPUT.getName() + "/";
    for (JavaFileObject file : compilation.generatedFiles()) {
      String path = file.toUri().getPath();
      if (path.startsWith(prefix)) {
        Path target = dir.resolve(path.substring(prefix.length()));
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.write(target, in.readAllBytes());
        }
      }
    }
  }

  private static Compiler javac(SourceWriter... writers) {
    List<Processor> processors = new ArrayList<>(List.of(writers));
    processors.add(0, new NativeRouteProcessor());
    return Compiler.javac().withProcessors(processors).withOptions("-Werror", "-Xlint:all,-processing");
  }

  /** Writes one source in the first round, as a code-generating processor would. */
  private static final class SourceWriter extends AbstractProcessor {
    private final String name;
    private final String source;
    private boolean written;

    SourceWriter(String name, String source) {
      this.name = name;
      this.source = source;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!written) {
        written = true;
        try (Writer writer = processingEnv.getFiler().createSourceFile(name).openWriter()) {
          writer.write(source);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }
}
