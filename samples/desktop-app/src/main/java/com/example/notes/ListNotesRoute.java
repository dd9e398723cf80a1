package com.example.notes;

import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;

/** Lists the notes of Acme Notes, oldest first. */
@NativeRoute(name = "notes_list", tags = "notes", rateTier = RateTier.LIGHT)
@ValidCase(name = "lists the notes", request = "{}", expect = @Expect(path = "/notes"))
@InvalidCase(name = "limit at least 1", request = "{\"limit\": 0}", field = "limit")
public final class ListNotesRoute implements RouteHandler<ListNotesRoute.Request, ListNotesRoute.Reply> {
  /** @param limit how many notes to list at most, the oldest; all if absent */
  public record Request(@Min(1) @Max(10_000) Integer limit) {}

  /**
   * @param notes every note, oldest first
   * @param version how many changes the notes have seen
   */
  public record Reply(List<NotesStore.Note> notes, int version) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    NotesStore store = context.service(NotesStore.class);
    synchronized (store) {
      List<NotesStore.Note> notes = store.all();
      int limit = request.limit() == null ? notes.size() : Math.min(request.limit(), notes.size());
      return new Reply(notes.subList(0, limit), store.version());
    }
  }
}
