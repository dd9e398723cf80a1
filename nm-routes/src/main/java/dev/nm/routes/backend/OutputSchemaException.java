package dev.nm.routes.backend;

/** The engine cannot hold a generation's output to the JSON Schema it was given ({@link SamplingParams#jsonSchema}). */
public class OutputSchemaException extends IllegalArgumentException {
  public OutputSchemaException(String message) {
    super(message);
  }
}
