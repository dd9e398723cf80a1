package com.example.notes;

import dev.nm.route.Services;
import dev.nm.testkit.NmRouteCases;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** The routes' declared cases, against a real server with the application's service. */
class NotesCasesTest {
  @TestFactory
  Stream<DynamicNode> declaredCases() {
    return NmRouteCases.fromClassPath()
        .routes("notes_add", "notes_list", "notes_await_change")
        .services(Services.builder().add(NotesStore.class, new NotesStore()).build())
        .dynamicTests();
  }
}
