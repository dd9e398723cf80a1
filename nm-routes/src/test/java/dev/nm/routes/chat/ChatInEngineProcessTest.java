package dev.nm.routes.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.routes.AiTestHost;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.backend.process.EngineProcessBackend;
import dev.nm.routes.models.ModelSettings;
import dev.nm.testkit.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat routes as the reference host serves them, with the model in an engine process of its own, where a
 * conversation is rendered with the model's chat template in the same call that generates from it.
 */
@Timeout(120)
class ChatInEngineProcessTest {
  private static final Map<String, Object> USER = Map.of("role", "user", "content", "Hi");
  private static final Map<String, Object> SYSTEM = Map.of("role", "system", "content", "Be brief.");

  @TempDir Path home;
  private EngineProcessBackend engines;
  private AiTestHost host;

  @BeforeEach
  void start() throws Exception {
    engines = new EngineProcessBackend(new LlamaCppBackend(), Map.of(), null);
    host = AiTestHost.start(home, engines, new ModelSettings(1, 512, 2, Duration.ZERO), "chrome-extension://engine-chat-test/");
  }

  @AfterEach
  void stop() {
    if (host != null) {
      host.close();
    }
    if (engines != null) {
      engines.close();
    }
  }

  /**
   * A system message after the first turn is rendered where it stands, in chat and in responses; an engine's refusal
   * of the call (here an empty prompt, to a model that adds no start-of-text token) is a VALIDATION_ERROR on its field,
   * and the engine serves on.
   */
  @Test
  void aSystemMessageAfterTheFirstTurnIsRenderedAndARefusalIsAValidationErrorOnItsField() {
    Map<String, Object> question = Map.of("role", "user", "content", "What is the capital of France?");
    JsonNode chat = host.data("chat", Map.of("messages", List.of(USER, SYSTEM, question), "temperature", 0, "max_tokens", 24));
    assertTrue(chat.at("/choices/0/message/content").asText().contains("Paris"), chat.toString());
    JsonNode responses =
        host.data("responses", Map.of("input", List.of(USER, SYSTEM, question), "temperature", 0, "max_output_tokens", 24));
    assertEquals(chat.at("/choices/0/message/content"), responses.at("/output/0/content/0/text"), responses.toString());

    String loadedAt = host.data("get_loaded_models", Map.of()).at("/models/0/loaded_at").asText();
    Reply empty = host.client().call("generate", Map.of("prompt", "", "max_tokens", 4));
    assertEquals(ErrorCode.VALIDATION_ERROR.name(), empty.error().code(), empty.toString());
    assertEquals("prompt", empty.error().details().get("field"));
    host.data("chat", Map.of("messages", List.of(USER), "max_tokens", 2));
    assertEquals(loadedAt, host.data("get_loaded_models", Map.of()).at("/models/0/loaded_at").asText(),
        "the engine process served on, the model not loaded again");
  }

  /**
   * The engine process matches stop sequences as the host's own engine does: text held back as a possible stop
   * sequence ends the answer when none follows, streamed or not.
   */
  @Test
  void textHeldBackAsAPossibleStopSequenceEndsTheAnswerWhenNoneFollows() {
    for (int maxTokens : new int[] {24, 6}) {
      Map<String, Object> request = Map.of(
          "messages", List.of(Map.of("role", "user", "content", "What is the capital of France?")),
          "temperature", 0, "max_tokens", maxTokens);
      InferenceRoutesTest.assertKeptWhenNoStopFollows(
          host.client(), request, maxTokens == 24 ? ".\n" : "Paris!", maxTokens == 24 ? "." : "Paris");
    }
  }

  /**
   * The schema crosses to the engine process with the call, and one llama.cpp cannot keep to comes back as the
   * caller's error on its field: the engine process lives on (java-llama.cpp's own converter would abort it).
   */
  @Test
  void anAnswerHeldToASchemaAndAnUnusableSchemaCrossTheProcessBoundary() {
    Map<String, Object> capital = Map.of(
        "type", "object", "properties", Map.of("capital", Map.of("type", "string")), "required", List.of("capital"));
    String answer =
        host.data("chat", Map.of(
                "messages", List.of(Map.of("role", "user", "content", "What is the capital of France? Answer in JSON.")),
                "temperature", 0, "max_tokens", 40,
                "response_format", Map.of("type", "json_schema", "json_schema", Map.of("name", "capital", "schema", capital))))
            .at("/choices/0/message/content").asText();
    assertTrue(answer.matches("\\{\\s*\"capital\": \"Paris\"\\s*\\}"), answer);
    String loadedAt = host.data("get_loaded_models", Map.of()).at("/models/0/loaded_at").asText();

    Reply refused = host.client().call("chat", Map.of(
        "messages", List.of(USER), "max_tokens", 4,
        "response_format", Map.of("type", "json_schema", "json_schema", Map.of("name", "x", "schema", Map.of("type", "pebble")))));
    assertEquals(ErrorCode.VALIDATION_ERROR.name(), refused.error().code(), refused.toString());
    assertEquals("response_format.json_schema.schema", refused.error().details().get("field"));
    assertEquals(
        "response_format.json_schema.schema: llama.cpp cannot hold its output to this schema: Unrecognized schema:"
            + " {\"type\":\"pebble\"}",
        refused.error().message());
    host.data("chat", Map.of("messages", List.of(USER), "max_tokens", 2));
    assertEquals(loadedAt, host.data("get_loaded_models", Map.of()).at("/models/0/loaded_at").asText(),
        "the engine process served on, the model not loaded again");
  }
}
