package dev.nm.routes.system;

import dev.nm.host.HomeDirectories;
import dev.nm.host.HostStatus;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.routes.embeddings.EmbeddingBackend;
import dev.nm.routes.embeddings.LoadedEmbeddingModel;
import dev.nm.routes.generation.GenerationService;
import dev.nm.routes.models.LoadedModel;
import dev.nm.routes.models.ModelEntry;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelManager;
import dev.nm.routes.models.ModelRegistry;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Says whether the host is up, and how busy: for monitors and for an extension deciding whether to start a
 * long request. When the host serves models it also lists the loaded ones, and the {@code ready} probe passes
 * only if a request naming no model has a model file to run on, and that model's latest load did not fail.
 */
@NativeRoute(
    name = "health",
    description = "Reports that the host is up: status, version, uptime, process id, mode, open connections, in-flight calls and loaded models; the ready probe also checks that a default chat model is available and its latest load did not fail.",
    tags = {"system"},
    rateTier = RateTier.LIGHT)
@ValidCase(
    name = "is up",
    request = "{}",
    expect = {
      @Expect(path = "/status", equalTo = "\"ok\""),
      @Expect(path = "/probe", equalTo = "\"live\""),
      @Expect(path = "/daemon_pid", matches = "[0-9]+"),
      @Expect(path = "/in_flight", matches = "[0-9]+"),
      @Expect(path = "/models")
    })
@ValidCase(
    name = "readiness probe",
    request = "{\"probe\": \"ready\"}",
    expect = {@Expect(path = "/probe", equalTo = "\"ready\""), @Expect(path = "/status", matches = "ok|unavailable")})
@InvalidCase(name = "unknown probe", request = "{\"probe\": \"deep\"}", code = ErrorCode.VALIDATION_ERROR, field = "probe")
public final class HealthRoute implements RouteHandler<HealthRoute.Request, HealthRoute.Reply> {
  /**
   * @param probe {@code live} (default): the host answers; {@code ready}: it can also serve work now, that is,
   *     if it serves models, the default chat model's file is present and readable, and its latest load (if any)
   *     did not fail
   */
  public record Request(@Pattern(regexp = "live|ready", message = "must be live or ready") String probe) {}

  /**
   * @param status {@code ok} when the probe passes, {@code unavailable} when it does not
   * @param uptimeSeconds whole seconds since the host started
   * @param daemonPid the host process's id
   * @param mode {@code daemon}, {@code standalone} or {@code embedded}
   * @param connections connections open now, this one included
   * @param inFlight calls being served now on every connection, this one included
   * @param models the models loaded now, sorted by name; empty if the host serves none
   * @param problem why the probe failed and what to do about it; null when it passed
   */
  public record Reply(
      String status,
      String probe,
      String version,
      long uptimeSeconds,
      long daemonPid,
      String mode,
      int connections,
      int inFlight,
      List<Model> models,
      String problem) {}

  /**
   * A loaded model.
   *
   * @param kind {@code generation} or {@code embedding}
   * @param memoryBytes a lower bound on its memory: weights plus KV cache (an embedding model: its weights)
   * @param loadedAt and {@code last_used}: ISO-8601 instants
   */
  public record Model(String name, String kind, long memoryBytes, String loadedAt, String lastUsed) {
    static Model of(LoadedModel model) {
      return new Model(
          model.id(),
          ModelKind.GENERATION.wireName(),
          model.memory().totalBytes(),
          model.loadedAt().toString(),
          model.lastUsedAt().toString());
    }

    static Model of(LoadedEmbeddingModel model) {
      return new Model(
          model.id(),
          ModelKind.EMBEDDING.wireName(),
          model.memoryBytes(),
          model.loadedAt().toString(),
          model.lastUsedAt().toString());
    }
  }

  @Override
  public Reply handle(Request request, RouteContext context) {
    HostStatus host = context.service(HostStatus.class);
    String probe = request.probe() == null ? "live" : request.probe();
    // The user's home written as ~: a success reaches every allowed extension.
    String problem = probe.equals("ready") ? notReady(context).map(HomeDirectories.forThisUser()::redact).orElse(null) : null;
    return new Reply(
        problem == null ? "ok" : "unavailable",
        probe,
        host.hostVersion(),
        host.uptime().toSeconds(),
        host.pid(),
        host.mode().name().toLowerCase(Locale.ROOT),
        host.openConnections(),
        host.inFlightCalls(),
        loadedModels(context),
        problem);
  }

  /** The generation and embedding models loaded now, sorted by name. */
  private static List<Model> loadedModels(RouteContext context) {
    Stream<Model> generation = context.findService(ModelManager.class).stream().flatMap(m -> m.loaded().stream()).map(Model::of);
    Stream<Model> embedding =
        context.findService(EmbeddingBackend.class).stream().flatMap(b -> b.loaded().stream()).map(Model::of);
    return Stream.concat(generation, embedding).sorted(Comparator.comparing(Model::name)).toList();
  }

  /**
   * Why a chat request naming no model could not run now, if the host serves models and it could not: no chat model,
   * or the default one's latest load failed.
   */
  private static Optional<String> notReady(RouteContext context) {
    Optional<GenerationService> generation = context.findService(GenerationService.class);
    Optional<ModelRegistry> registry = context.findService(ModelRegistry.class);
    if (generation.isEmpty() || registry.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> model = generation.get().defaultModel();
    if (model.isPresent()) {
      return context.findService(ModelManager.class)
          .flatMap(manager -> manager.lastLoadFailure(model.get()))
          .map(why -> "the default chat model '" + model.get() + "' failed to load: " + why + " (the next chat tries again)");
    }
    Path directory = registry.get().directory();
    Optional<String> selected = generation.get().selectedModel();
    if (selected.isPresent()) {
      String why = registry.get().find(selected.get(), ModelKind.GENERATION).flatMap(ModelEntry::problem)
          .map(problem -> "is unreadable (" + problem + ")")
          .orElse("is not in " + directory);
      return Optional.of("the default chat model '" + selected.get() + "' " + why
          + ", and no other chat model is there; copy it back or add a .gguf file there");
    }
    return Optional.of("no chat model in " + directory + "; run scripts/models/fetch-chat-model.sh or copy a .gguf file there");
  }
}
