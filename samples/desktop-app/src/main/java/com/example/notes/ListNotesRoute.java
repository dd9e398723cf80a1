package com.example.notes;

import dev.nm.route.Expect;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import java.util.List;

/** Lists the notes of Acme Notes, oldest first. */
@NativeRoute(name = "notes_list", tags = "notes", rateTier = RateTier.LIGHT)
@ValidCase(name = "lists the notes", request = "{}", expect = @Expect(path = "/notes"))
public final class ListNotesRoute implements RouteHandler<ListNotesRoute.Request, ListNotesRoute.Reply> {
  /** Takes nothing. */
  public record Request() {}

  /**
   * @param notes every note, oldest first
   * @param version how many changes the notes have seen
   */
  public record Reply(List<NotesStore.Note> notes, int version) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    NotesStore store = context.service(NotesStore.class);
    synchronized (store) {
      return new Reply(store.all(), store.version());
    }
  }
}
