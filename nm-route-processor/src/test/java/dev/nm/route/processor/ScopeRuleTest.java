package dev.nm.route.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.common.truth.Truth;
import com.google.testing.compile.Compilation;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteTable;
import dev.nm.route.processor.validation.ErrorMessages;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class ScopeRuleTest {
  private static JavaFileObject route(String scopes) {
    return Fixtures.source(
        "Purge",
        "@NativeRoute(name = \"purge\", description = \"Purges.\", " + scopes + ")",
        "@ValidCase(name = \"purges\", request = \"{\\\"n\\\": 1}\")",
        "@InvalidCase(name = \"no n\", request = \"{}\", field = \"n\")",
        "public final class Purge implements RouteHandler<Purge.Q, Purge.R> {",
        "  public record Q(@NotNull Integer n) {}",
        "  public record R(int n) {}",
        "  @Override public R handle(Q q, RouteContext context) { return new R(0); }",
        "}");
  }

  @Test
  void scopeThatIsNotAScopeName() {
    JavaFileObject source = route("scope = \"Models Manage\"");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation)
        .hadErrorContaining(ErrorMessages.badScope("purge", "scope", "Models Manage"))
        .inFile(source)
        .onLineContaining("scope = \"Models Manage\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void optionScopesThatAreNotScopeNamesOrRepeatOne() {
    JavaFileObject source = route("scope = \"store.write\", optionScopes = {\"store.\", \"store.write\", \"store.all\", \"store.all\"}");

    Compilation compilation = Fixtures.compile(source);

    assertThat(compilation).hadErrorContaining(ErrorMessages.badScope("purge", "option scope", "store.")).inFile(source);
    assertThat(compilation).hadErrorContaining(ErrorMessages.repeatedScope("purge", "store.write")).inFile(source);
    assertThat(compilation).hadErrorContaining(ErrorMessages.repeatedScope("purge", "store.all")).inFile(source);
    assertThat(compilation).hadErrorCount(3);
  }

  @Test
  void dottedSnakeCaseScopesAndOptionScopesReachTheTable() throws Exception {
    Compilation compilation = Fixtures.compile(route("scope = \"store.write_all\", optionScopes = {\"store.all\", \"audit\"}"));
    assertThat(compilation).succeededWithoutWarnings();

    RouteDescriptor<?, ?> purge =
        new CompiledClasses(compilation).newInstance("test.NmRouteTable", RouteTable.class).routes().get(0);
    Truth.assertThat(purge.scope()).isEqualTo("store.write_all");
    Truth.assertThat(purge.optionScopes()).containsExactly("store.all", "audit").inOrder();
  }
}
