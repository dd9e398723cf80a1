package dev.nm.routes.chat;

/**
 * OpenAI's {@code stream_options}, taken only with {@code stream: true}.
 *
 * @param includeUsage add a last {@code chunk} event whose {@code choices} is empty and whose {@code usage} holds the
 *     call's token counts; every other chunk's {@code usage} is null
 */
public record StreamOptions(Boolean includeUsage) {
  boolean usage() {
    return Boolean.TRUE.equals(includeUsage);
  }
}
