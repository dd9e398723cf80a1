package dev.nm.routes.manage;

/**
 * An id that names two models of the models directory: a GGUF file and an embedding model's directory of one name
 * ({@code x.gguf} beside {@code x/}). The routes that know the kind they want (chat, embeddings, select_model) take
 * the model of that kind; those that do not ({@code model_info}, {@code load_model}) refuse the id, and
 * {@code models} lists it as both models' problem.
 */
final class SharedModelId {
  private SharedModelId() {}

  /** Why {@code routes} cannot take {@code id}, and how to rename one of its models. */
  static String problem(String id, String routes) {
    return "'" + id + "' names two models in the models directory, the generation model " + id + ".gguf and the"
        + " embedding model " + id + "/, which " + routes + " cannot tell apart; rename one of them (" + id + ".gguf to "
        + id + "-chat.gguf, say)";
  }
}
