package com.example.textstats;

import dev.nm.testkit.NmRouteCases;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Runs text_stats's declared cases, found on the class path through the generated META-INF/services entry. */
class TextStatsCasesTest {
  @TestFactory
  Stream<DynamicNode> declaredCases() {
    return NmRouteCases.fromClassPath().routes("text_stats").dynamicTests();
  }
}
