package dev.nm.routes.backend.llama;

import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link NothingReachesStdoutTest}: loads a model, generates, unloads, exits. It exits
 * explicitly because java-llama.cpp attaches its engine thread to the JVM as a non-daemon thread and never
 * detaches it, so a JVM that has loaded a model does not end when {@code main} returns.
 */
public final class StdoutProbe {
  private StdoutProbe() {}

  public static void main(String[] args) {
    try (GenerationModel model = new LlamaCppBackend().load(Path.of(args[0]), new LoadOptions(512, 1, 1))) {
      String prompt = model.applyChatTemplate(List.of(new ChatMessage("user", "Hi")));
      model.generate(prompt, SamplingParams.greedy(4), TokenListener.NONE, () -> false);
    }
    System.exit(0);
  }
}
