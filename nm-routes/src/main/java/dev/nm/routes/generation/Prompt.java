package dev.nm.routes.generation;

import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.GenerationModel;
import java.util.List;

/** What to generate from: a conversation rendered with the model's chat template, or raw text. */
public sealed interface Prompt {
  /** The request field blamed when the prompt does not fit: {@code messages}, {@code prompt} or {@code input}. */
  String field();

  /**
   * The text the model continues.
   *
   * @throws IllegalArgumentException if the conversation cannot be rendered (e.g. a misplaced system message)
   */
  String render(GenerationModel model);

  record Chat(List<ChatMessage> messages, String field) implements Prompt {
    public Chat {
      messages = List.copyOf(messages);
    }

    @Override
    public String render(GenerationModel model) {
      return model.applyChatTemplate(messages);
    }
  }

  record Text(String text, String field) implements Prompt {
    @Override
    public String render(GenerationModel model) {
      return text;
    }
  }
}
