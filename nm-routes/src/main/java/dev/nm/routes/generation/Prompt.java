package dev.nm.routes.generation;

import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What to generate from: a conversation rendered with the model's chat template, or raw text. */
public sealed interface Prompt {
  /** The request field blamed when the prompt does not fit: {@code messages}, {@code prompt} or {@code input}. */
  String field();

  /**
   * Generates from this prompt with {@code model}: a conversation with {@link GenerationModel#generateChat}, which
   * renders it where the model's engine runs, text with {@link GenerationModel#generate}.
   *
   * @throws IllegalArgumentException if the conversation cannot be rendered (the model's template refuses it), and
   *     as {@link GenerationModel#generate} throws it
   */
  GenerationResult generate(GenerationModel model, SamplingParams params, TokenListener listener, BooleanSupplier cancelled);

  record Chat(List<ChatMessage> messages, String field) implements Prompt {
    public Chat {
      messages = List.copyOf(messages);
    }

    @Override
    public GenerationResult generate(
        GenerationModel model, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
      return model.generateChat(messages, params, listener, cancelled);
    }
  }

  record Text(String text, String field) implements Prompt {
    @Override
    public GenerationResult generate(
        GenerationModel model, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
      return model.generate(text, params, listener, cancelled);
    }
  }
}
