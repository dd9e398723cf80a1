package dev.nm.routes.backend;

import java.util.List;

/**
 * A chat template for test doubles of {@link GenerationModel}: one "role: content" line a message, then
 * "assistant:". It refuses a system message after the first, standing for a template that refuses a conversation
 * (a Jinja template may raise an error of its own; llama.cpp's renderer, which the reference host uses, takes such a
 * message where it stands).
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
