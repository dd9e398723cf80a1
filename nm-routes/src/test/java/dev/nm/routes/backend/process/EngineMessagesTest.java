package dev.nm.routes.backend.process;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.process.EngineMessages.Call;
import dev.nm.routes.backend.process.EngineMessages.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineMessagesTest {
  @Test
  void aChatsGenerateCallCarriesTheConversationAndNoPrompt() throws Exception {
    List<ChatMessage> conversation = List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"));
    Call call = Call.generateChat(7, conversation, SamplingParams.greedy(8));
    byte[] json = Json.mapper().writerFor(Call.class).writeValueAsBytes(call);

    JsonNode tree = Json.mapper().readTree(json);
    assertEquals("GENERATE", tree.get("op").asText());
    assertEquals(2, tree.get("messages").size());
    assertFalse(tree.has("text"), tree.toString());
    assertEquals(call, Json.mapper().readerFor(Call.class).readValue(json));
  }

  @Test
  void aConversationTheTemplateRefusedComesBackAsAnIllegalArgument() throws Exception {
    Reply reply = Reply.failure(7, new IllegalArgumentException("system messages must come before user and assistant messages"));
    Reply read =
        Json.mapper().readerFor(Reply.class).readValue(Json.mapper().writerFor(Reply.class).writeValueAsBytes(reply));
    RuntimeException e = read.failure().toException();
    assertInstanceOf(IllegalArgumentException.class, e);
    assertEquals("system messages must come before user and assistant messages", e.getMessage());
  }

  @Test
  void everyRehearsedCallAndReplySurvivesJson() {
    assertDoesNotThrow(() -> EngineMessages.rehearse(Json.mapper(), 1));
  }
}
