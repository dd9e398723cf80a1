package com.example.notes;

import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Waits until the notes change (a long poll): an extension's way to follow edits made in the application. */
@NativeRoute(name = "notes_await_change", tags = "notes")
@ValidCase(
    name = "returns the version once the wait is over",
    request = "{\"after_version\": 1000000, \"timeout_ms\": 1}",
    expect = @Expect(path = "/version"))
@InvalidCase(name = "after_version is required", request = "{\"timeout_ms\": 1}", field = "after_version")
@InvalidCase(name = "timeout_ms at most a minute", request = "{\"after_version\": 0, \"timeout_ms\": 60001}", field = "timeout_ms")
public final class AwaitChangeRoute implements RouteHandler<AwaitChangeRoute.Request, AwaitChangeRoute.Reply> {
  /**
   * @param afterVersion the version the caller has seen ({@code notes_list}'s {@code version})
   * @param timeoutMs how long to wait at most, in milliseconds
   */
  public record Request(@NotNull @Min(0) Integer afterVersion, @NotNull @Min(0) @Max(60_000) Integer timeoutMs) {}

  /** @param version the notes' version: above {@code after_version} if they changed */
  public record Reply(int version) {}

  @Override
  public Reply handle(Request request, RouteContext context) throws InterruptedException {
    return new Reply(context.service(NotesStore.class).awaitChange(request.afterVersion(), request.timeoutMs()));
  }
}
