package dev.nm.routes.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** What {@link GenerationModel} gives an implementation that overrides only what it must. */
class GenerationModelTest {
  private static final List<ChatMessage> CONVERSATION =
      List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"));

  /** Renders "role: content" lines, refusing a system message once the conversation has begun; records its calls. */
  private static final class MinimalModel implements GenerationModel {
    final List<String> calls = new ArrayList<>();
    SamplingParams params;
    TokenListener listener;
    BooleanSupplier cancelled;

    @Override
    public LoadOptions options() {
      return new LoadOptions(512, 2, 1);
    }

    @Override
    public String applyChatTemplate(List<ChatMessage> messages) {
      calls.add("template");
      return PlainChatTemplate.render(messages);
    }

    @Override
    public int[] tokenize(String text) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int countPromptTokens(String prompt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
      calls.add("generate " + prompt);
      this.params = params;
      this.listener = listener;
      this.cancelled = cancelled;
      listener.onText("Hello", 1);
      return new GenerationResult("Hello", FinishReason.STOP, 7, 1, new GenerationTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO));
    }

    @Override
    public void close() {}
  }

  @Test
  void generateChatRendersTheConversationThenGeneratesFromItsPrompt() {
    MinimalModel model = new MinimalModel();
    SamplingParams params = SamplingParams.greedy(8);
    List<String> pieces = new ArrayList<>();
    TokenListener listener = pieces::add;
    BooleanSupplier cancelled = () -> false;

    GenerationResult result = model.generateChat(CONVERSATION, params, listener, cancelled);

    assertEquals(List.of("template", "generate system: Be brief.\nuser: Hi\nassistant:"), model.calls);
    assertSame(params, model.params);
    assertSame(listener, model.listener);
    assertSame(cancelled, model.cancelled, "the caller's cancellation reaches the generation");
    assertEquals(List.of("Hello"), pieces);
    assertEquals("Hello", result.text());
    assertEquals(7, result.promptTokens());
  }

  @Test
  void aConversationTheTemplateRefusesIsAnIllegalArgumentAndNothingIsGenerated() {
    MinimalModel model = new MinimalModel();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.generateChat(
                List.of(new ChatMessage("user", "Hi"), new ChatMessage("system", "Be brief.")),
                SamplingParams.greedy(8), TokenListener.NONE, () -> false));
    assertEquals("system messages must come before user and assistant messages", e.getMessage());
    assertEquals(List.of("template"), model.calls);
  }
}
