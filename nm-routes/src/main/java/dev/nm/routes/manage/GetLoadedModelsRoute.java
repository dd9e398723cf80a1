package dev.nm.routes.manage;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.routes.embeddings.EmbeddingBackend;
import dev.nm.routes.models.ModelManager;
import jakarta.validation.constraints.Size;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Lists the models loaded now, shared by every connection. */
@NativeRoute(
    name = "get_loaded_models",
    description = "Lists the models loaded now, with their context size, slots, memory (a lower bound, and what the"
        + " engine process holds, measured), load time, last use and active requests.",
    tags = {"ai", "models"},
    rateTier = RateTier.LIGHT)
@ValidCase(name = "lists", request = "{}", expect = @Expect(path = "/models"))
@InvalidCase(name = "empty model", request = "{\"model\": \"\"}", code = ErrorCode.VALIDATION_ERROR, field = "model")
public final class GetLoadedModelsRoute implements RouteHandler<GetLoadedModelsRoute.Request, GetLoadedModelsRoute.Reply> {
  /** @param model only this model, if it is loaded; all if absent */
  public record Request(@Size(min = 1, max = 256) String model) {}

  public record Reply(List<LoadedModelView> models) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    Stream<LoadedModelView> generation = LoadedModelView.of(context.service(ModelManager.class));
    Stream<LoadedModelView> embedding =
        context.findService(EmbeddingBackend.class).stream().flatMap(b -> b.loaded().stream()).map(LoadedModelView::of);
    return new Reply(
        Stream.concat(generation, embedding)
            .filter(m -> request.model() == null || m.id().equals(request.model()))
            .sorted(Comparator.comparing(LoadedModelView::id))
            .toList());
  }
}
