package com.example.notes;

import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Adds a note to Acme Notes. */
@NativeRoute(name = "notes_add", tags = "notes", rateTier = RateTier.LIGHT)
@ValidCase(name = "adds a note", request = "{\"text\": \"buy milk\"}", expect = @Expect(path = "/text", equalTo = "\"buy milk\""))
@InvalidCase(name = "text is required", request = "{}", field = "text")
@InvalidCase(name = "text is not blank", request = "{\"text\": \" \"}", field = "text")
public final class AddNoteRoute implements RouteHandler<AddNoteRoute.Request, NotesStore.Note> {
  /** @param text the note */
  public record Request(@NotBlank @Size(max = 10_000) String text) {}

  @Override
  public NotesStore.Note handle(Request request, RouteContext context) {
    return context.service(NotesStore.class).add(request.text());
  }
}
