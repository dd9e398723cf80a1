package dev.nm.routes.models;

import java.nio.file.Path;

/** No model of that id (and kind) is in the models directory. */
public final class ModelNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String id;

  public ModelNotFoundException(String id, ModelKind kind, Path directory) {
    super("no " + kind.wireName() + " model named '" + id + "' in " + directory + "; call 'models' to list them");
    this.id = id;
  }

  public String id() {
    return id;
  }
}
