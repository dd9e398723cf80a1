package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class TestCasesRuleTest {
  @Test
  void routeWithoutInvalidCase() {
    JavaFileObject source = Fixtures.route("Count", "count", List.of(Fixtures.DEFAULT_CASES.get(0)));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noTests("count", 1, 0))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void routeWithoutAnyCase() {
    JavaFileObject source = Fixtures.route("Count", "count", List.of("@Deprecated"));

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.noTests("count", 0, 0))
        .inFile(source)
        .onLineContaining("public final class Count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void routeWithRepeatedCasesOfEachKind() {
    JavaFileObject source =
        Fixtures.route(
            "Count", "count",
            List.of(
                "@ValidCase(name = \"one\", request = \"{\\\"n\\\": 1}\")",
                "@ValidCase(name = \"two\", request = \"{\\\"n\\\": 2}\")",
                "@InvalidCase(name = \"no n\", request = \"{}\", field = \"n\")",
                "@InvalidCase(name = \"null n\", request = \"{\\\"n\\\": null}\", field = \"n\")"));

    assertThat(Fixtures.compile(source)).succeededWithoutWarnings();
  }
}
