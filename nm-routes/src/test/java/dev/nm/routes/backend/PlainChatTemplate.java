package dev.nm.routes.backend;

import java.util.List;

/**
 * A chat template for test doubles of {@link GenerationModel}: one "role: content" line a message, then
 * "assistant:". Like llama.cpp's templates, it refuses a system message after the first.
 */
public final class PlainChatTemplate {
  private PlainChatTemplate() {}

  public static String render(List<ChatMessage> messages) {
    StringBuilder prompt = new StringBuilder();
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0 && messages.get(i).role().equals("system")) {
        throw new IllegalArgumentException("system messages must come before user and assistant messages");
      }
      prompt.append(messages.get(i).role()).append(": ").append(messages.get(i).content()).append('\n');
    }
    return prompt.append("assistant:").toString();
  }
}
