package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.nm.route.processor.validation.ErrorMessages;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

class DuplicateNameRuleTest {
  @Test
  void twoRoutesWithOneNameAreReportedAtBoth() {
    JavaFileObject first = Fixtures.route("First", "count", List.of());
    JavaFileObject second = Fixtures.route("Second", "count", List.of());

    Compilation compilation = Fixtures.compile(first, second, Fixtures.route("Other", "other", List.of()));

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.duplicateName("count", "test.Second"))
        .inFile(first)
        .onLineContaining("name = \"count\"");
    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.duplicateName("count", "test.First"))
        .inFile(second)
        .onLineContaining("name = \"count\"");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void distinctNamesPass() {
    Compilation compilation =
        Fixtures.compile(Fixtures.route("First", "count", List.of()), Fixtures.route("Second", "count_again", List.of()));

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/services/dev.nm.route.RouteTable")
        .contentsAsUtf8String()
        .isEqualTo("test.NmRouteTable\n");
  }
}
