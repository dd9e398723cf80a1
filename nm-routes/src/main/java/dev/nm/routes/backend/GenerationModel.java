package dev.nm.routes.backend;

import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * A loaded model. Thread-safe: up to {@link LoadOptions#parallelSlots()} generations run at once, further
 * callers wait their turn in arrival order. {@link #close()} unloads it.
 */
public interface GenerationModel extends AutoCloseable {
  LoadOptions options();

  /**
   * Renders a conversation into a prompt with the model's own chat template, ending where the assistant speaks.
   * To generate from a conversation, call {@link #generateChat}, which may spare a model this separate call.
   *
   * @throws IllegalArgumentException if the model's template refuses the conversation (a system message after the
   *     first turn is no reason: it is rendered where it stands, as OpenAI reads it)
   * @throws BackendException if the chat template fails
   */
  String applyChatTemplate(List<ChatMessage> messages);

  /** The tokens of {@code text}, without the special tokens a prompt may be given. */
  int[] tokenize(String text);

  /** How many tokens {@code prompt} occupies when generated from, special tokens included. */
  int countPromptTokens(String prompt);

  /**
   * Generates a continuation of {@code prompt}, passing each piece of text to {@code listener} as it is
   * decoded. Returns when the model stops, reaches the token limit, or {@code cancelled} turns true (checked
   * while waiting for a slot and after every token).
   *
   * @throws ContextOverflowException if the prompt leaves no room in a slot's context
   * @throws IllegalArgumentException if the prompt is no tokens at all (empty, and the model adds no BOS token)
   * @throws BackendException if the engine fails
   */
  GenerationResult generate(String prompt, SamplingParams params, TokenListener listener, BooleanSupplier cancelled);

  /**
   * Generates the next turn of a conversation: renders {@code messages} with the model's chat template, as
   * {@link #applyChatTemplate} does, and continues that prompt as {@link #generate} does, with the same
   * listener, cancellation and result. The chat routes call this, never the two apart, so that a model whose
   * engine runs elsewhere (another process, another machine) can do both in one call to it. The default renders,
   * then generates; an override must behave the same, also when {@code cancelled} turns true while the template
   * is being rendered (the generation then ends with finish reason cancelled, as if it had turned true while
   * waiting for a slot). A message's content is text: where it spells one of the model's control tokens (an
   * end-of-turn marker, say), an implementation keeps that spelling text, so that no message can end its turn and
   * speak as another role, or refuses the conversation with {@code IllegalArgumentException} where it cannot. The default, which generates from the rendered text, is for engines whose prompts are
   * never read for control tokens.
   *
   * @throws IllegalArgumentException if the model's template refuses the conversation (as {@link #applyChatTemplate}),
   *     or the prompt it renders to is no tokens at all
   * @throws ContextOverflowException if the prompt leaves no room in a slot's context
   * @throws BackendException if the chat template or the engine fails
   */
  default GenerationResult generateChat(
      List<ChatMessage> messages, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
    return generate(applyChatTemplate(messages), params, listener, cancelled);
  }

  /**
   * The memory the model's engine holds now, where it can be told apart: the resident set of a process that runs
   * only this model. Empty for an engine in the host's own process.
   */
  default OptionalLong residentBytes() {
    return OptionalLong.empty();
  }

  /**
   * False once the model cannot serve any more, such as when the process that ran its engine is gone: the host
   * then loads it again for its next use.
   */
  default boolean isUsable() {
    return true;
  }

  /** Unloads the model. Generations in progress are cancelled. */
  @Override
  void close();
}
