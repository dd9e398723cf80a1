package dev.nm.routes.backend;

import java.nio.file.Path;

/**
 * A text-generation engine: loads model files into {@link GenerationModel}s. The reference host uses
 * {@link dev.nm.routes.backend.llama.LlamaCppBackend}; an embedding application may register its own
 * implementation as a service of this type instead.
 */
public interface GenerationBackend {
  /** A short name for logs and {@code model_info}, e.g. {@code llama.cpp}. */
  String name();

  /**
   * Loads {@code file}. Blocks until the model can serve requests.
   *
   * @throws BackendException if the file is not a model this engine can load; the message names the file
   */
  GenerationModel load(Path file, LoadOptions options);

  /**
   * Does ahead of the first {@link #load} what every load needs, such as loading native libraries, so that a
   * process started to serve a model can spend its idle time on it. Optional; a failure here is reported by
   * the loads that follow.
   */
  default void prepare() {}
}
