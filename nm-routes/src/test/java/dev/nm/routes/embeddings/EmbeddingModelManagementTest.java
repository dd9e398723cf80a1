package dev.nm.routes.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.NativeMessagingServer;
import dev.nm.route.Services;
import dev.nm.routes.AiServices;
import dev.nm.routes.TestModels;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.models.ModelSettings;
import dev.nm.testkit.NmClient;
import dev.nm.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model routes ({@code models}, {@code get_loaded_models}, {@code load_model}, {@code unload_model},
 * {@code health}) see the embedding model as they see a generation model, on the real all-MiniLM-L6-v2.
 */
@Timeout(120)
class EmbeddingModelManagementTest {
  private static final String EMBEDDING = OnnxEmbeddingBackend.DEFAULT_MODEL;
  private static final String CHAT = "SmolLM2-135M-Instruct.Q4_1";

  @TempDir Path home;
  private AiServices ai;
  private OnnxEmbeddingBackend embeddings;
  private NativeMessagingServer server;
  private NmClient client;

  @BeforeEach
  void start() throws Exception {
    Path models = Files.createDirectories(home.resolve("models"));
    Files.createSymbolicLink(models.resolve(TestModels.CHAT_MODEL_FILE), TestModels.chatModel());
    Files.createSymbolicLink(models.resolve(EMBEDDING), TestEmbeddingModel.modelsDir().resolve(EMBEDDING));
    ai = AiServices.create(new HostPaths(home, models), new LlamaCppBackend(), new ModelSettings(1, 512, 2, Duration.ZERO));
    embeddings = new OnnxEmbeddingBackend(models, OnnxEmbeddingBackend.Options.defaults().withThreads(2));
    server =
        NativeMessagingServer.builder()
            .routesFromClassPath(EmbeddingModelManagementTest.class.getClassLoader())
            .config(HostConfig.permissive())
            .services(ai.addTo(Services.builder()).add(EmbeddingBackend.class, embeddings).build())
            .build();
    client = NmClient.connect(server, "chrome-extension://embedding-models-test/");
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
      server.close();
      embeddings.close();
      ai.close();
    }
  }

  @Test
  void anEmbeddingModelIsListedLoadedAndUnloadedLikeAGenerationModel() throws Exception {
    assertEquals(List.of(false, true), loadedAndDefault(EMBEDDING));
    assertEquals(List.of(false, true), loadedAndDefault(CHAT), "the only chat model serves requests naming none");

    embed("first use loads it");
    assertEquals(List.of(true, true), loadedAndDefault(EMBEDDING));
    JsonNode loaded = data("get_loaded_models", Map.of()).get("models");
    assertEquals(1, loaded.size(), loaded.toString());
    assertEquals(EMBEDDING, loaded.get(0).get("id").asText());
    assertEquals("embedding", loaded.get(0).get("kind").asText());
    assertEquals(256, loaded.get(0).get("context_size").asInt());
    assertEquals(2, loaded.get(0).get("threads").asInt());
    assertFalse(loaded.get(0).has("slots"), loaded.toString());
    JsonNode health = data("health", Map.of()).get("models");
    assertEquals(1, health.size(), health.toString());
    assertEquals("embedding", health.get(0).get("kind").asText());
    long weights = Files.size(TestEmbeddingModel.modelsDir().resolve(EMBEDDING).resolve("model.onnx"));
    assertEquals(weights, health.get(0).get("memory_bytes").asLong());
    JsonNode info = data("model_info", Map.of("model", EMBEDDING)).get("loaded");
    assertEquals("embedding", info.get("kind").asText(), "model_info tells it is loaded");
    assertEquals(256, info.get("context_size").asInt());

    assertTrue(data("unload_model", Map.of("model", EMBEDDING)).get("unloaded").asBoolean());
    assertFalse(data("model_info", Map.of("model", EMBEDDING)).has("loaded"));
    assertEquals(List.of(false, true), loadedAndDefault(EMBEDDING));
    assertEquals(0, data("get_loaded_models", Map.of()).get("models").size());
    assertEquals(0, data("health", Map.of()).get("models").size());
    assertFalse(data("unload_model", Map.of("model", EMBEDDING)).get("unloaded").asBoolean());

    JsonNode load = data("load_model", Map.of("model", EMBEDDING));
    assertEquals("embedding", load.get("kind").asText());
    assertEquals(List.of(true, true), loadedAndDefault(EMBEDDING));
    embed("still serves after a reload");
  }

  /** As for generation models: a selected embedding model that was removed gives way to the default. */
  @Test
  void aSelectedEmbeddingModelThatWasRemovedGivesWayToTheDefault() throws Exception {
    Path chosen = Files.createSymbolicLink(home.resolve("models/chosen-minilm"), TestEmbeddingModel.modelsDir().resolve(EMBEDDING));
    assertEquals("chosen-minilm", data("select_model", Map.of("model", "chosen-minilm", "kind", "embedding")).get("model").asText());
    assertEquals("chosen-minilm", data("embeddings", Map.of("input", "hi")).get("model").asText());
    assertEquals(List.of(true, true), loadedAndDefault("chosen-minilm"));
    assertEquals(List.of(false, false), loadedAndDefault(EMBEDDING));
    assertTrue(data("unload_model", Map.of("model", "chosen-minilm")).get("unloaded").asBoolean());
    Files.delete(chosen);

    assertEquals(EMBEDDING, data("embeddings", Map.of("input", "hi")).get("model").asText());
    assertEquals(List.of(true, true), loadedAndDefault(EMBEDDING), "models calls the default the default again");
  }

  /**
   * An embedding model's directory named as the chat model's file: the routes that know the kind take the model of
   * that kind; model_info and load_model, which cannot tell, refuse the name saying which to rename, and models
   * lists the clash as both models' problem.
   */
  @Test
  void aNameAGgufFileAndAnEmbeddingDirectoryShareIsToldApartWhereTheKindIsKnownAndRefusedWhereNot() throws Exception {
    Path twin = Files.createDirectories(home.resolve("models").resolve(CHAT));
    for (String file : List.of("model.onnx", "tokenizer.json")) {
      Files.createSymbolicLink(twin.resolve(file), TestEmbeddingModel.modelsDir().resolve(EMBEDDING).resolve(file));
    }
    String problem = "'" + CHAT + "' names two models in the models directory, the generation model " + CHAT + ".gguf and"
        + " the embedding model " + CHAT + "/, which %s cannot tell apart; rename one of them (" + CHAT + ".gguf to "
        + CHAT + "-chat.gguf, say)";

    List<JsonNode> listed = new ArrayList<>();
    data("models", Map.of()).get("data").forEach(m -> {
      if (m.get("id").asText().equals(CHAT)) {
        listed.add(m);
      }
    });
    assertEquals(List.of("generation", "embedding"), listed.stream().map(m -> m.get("kind").asText()).toList());
    for (JsonNode model : listed) {
      assertEquals(String.format(problem, "model_info and load_model"), model.get("problem").asText());
    }
    for (String route : List.of("model_info", "load_model")) {
      Reply refused = client.call(route, Map.of("model", CHAT));
      assertEquals("VALIDATION_ERROR", refused.error().code(), refused.toString());
      assertEquals("model: " + String.format(problem, route), refused.error().message());
      assertEquals("model", refused.error().field(), refused.toString());
    }

    assertEquals("generation", data("select_model", Map.of("model", CHAT)).get("kind").asText());
    assertEquals("embedding", data("select_model", Map.of("model", CHAT, "kind", "embedding")).get("kind").asText());
    assertEquals(CHAT, data("embeddings", Map.of("input", "hi")).get("model").asText());
  }

  /**
   * A copy of a model's directory, named as a file manager names copies: listed, selected and used alike (the
   * backend took only names of letters, digits, '.', '_' and '-', so every use of it was NOT_FOUND). A name that
   * would reach out of the models directory is no model's, nor is a hidden directory.
   */
  @Test
  void anEmbeddingModelIsUsedByWhateverNameItsDirectoryHas() throws Exception {
    String copy = "all-MiniLM-L6-v2 (copy)";
    Files.createSymbolicLink(home.resolve("models").resolve(copy), TestEmbeddingModel.modelsDir().resolve(EMBEDDING));
    assertEquals(List.of(false, true), loadedAndDefault(EMBEDDING));
    assertEquals(List.of(false, false), loadedAndDefault(copy));
    assertEquals(copy, data("select_model", Map.of("model", copy, "kind", "embedding")).get("model").asText());
    assertEquals(copy, data("embeddings", Map.of("input", "hi")).get("model").asText());
    assertEquals(List.of(true, true), loadedAndDefault(copy));
    assertEquals("embedding", data("load_model", Map.of("model", copy)).get("kind").asText());
    assertEquals(copy, data("model_info", Map.of("model", copy)).get("file").asText());

    Files.createSymbolicLink(home.resolve("models/.hidden"), TestEmbeddingModel.modelsDir().resolve(EMBEDDING));
    List<String> listed = new ArrayList<>();
    data("models", Map.of()).get("data").forEach(m -> listed.add(m.get("id").asText()));
    assertEquals(List.of(CHAT, copy, EMBEDDING), listed, "a hidden directory is no model's, as the backend serves none");
    for (String outside : List.of("../models/" + EMBEDDING, "..", ".", "./" + EMBEDDING, ".hidden")) {
      Reply refused = client.call("embeddings", Map.of("input", "hi", "model", outside));
      assertEquals("NOT_FOUND", refused.error().code(), refused.toString());
    }
  }

  /** A backslash is an ordinary character of a directory's name on Linux: such a model is listed and used alike. */
  @Test
  void aModelWhoseDirectoryNameHoldsABackslashIsUsed() throws Exception {
    String name = "mini\\v2";
    Files.createSymbolicLink(home.resolve("models").resolve(name), TestEmbeddingModel.modelsDir().resolve(EMBEDDING));
    assertEquals(name, data("embeddings", Map.of("input", "hi", "model", name)).get("model").asText());
  }

  @Test
  void unloadingDuringACallNeitherBreaksItNorTheModelsNextUse() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add("A sentence long enough to keep the model busy for a moment, number " + i + ".");
    }
    embed("loaded");
    CompletableFuture<Reply> embedding = CompletableFuture.supplyAsync(() -> client.call("embeddings", Map.of("input", texts)));
    Reply unload = client.call("unload_model", Map.of("model", EMBEDDING));
    Reply embedded = embedding.get();
    assertTrue(unload.succeeded(), unload.toString());
    assertTrue(embedded.succeeded(), embedded.toString());
    assertEquals(200, embedded.data().get("data").size());
    embed("loads again after the unload");
  }

  private void embed(String why) {
    JsonNode data = data("embeddings", Map.of("input", "hello there"));
    assertEquals(384, data.get("data").get(0).get("embedding").size(), why);
  }

  /** [loaded, is_default] of a model in {@code models}. */
  private List<Boolean> loadedAndDefault(String id) {
    for (JsonNode model : data("models", Map.of()).get("data")) {
      if (model.get("id").asText().equals(id)) {
        return List.of(model.get("loaded").asBoolean(), model.get("is_default").asBoolean());
      }
    }
    throw new AssertionError(id + " is not listed");
  }

  private JsonNode data(String route, Map<String, Object> payload) {
    Reply reply = client.call(route, payload);
    assertTrue(reply.succeeded(), reply.toString());
    return reply.data();
  }
}
