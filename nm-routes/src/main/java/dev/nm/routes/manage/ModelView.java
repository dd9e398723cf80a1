package dev.nm.routes.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nm.host.HomeDirectories;
import dev.nm.routes.models.ModelEntry;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A model as {@code models} lists it (OpenAI's model object, with nm's fields).
 *
 * @param kind {@code generation} or {@code embedding}
 * @param isDefault whether a request naming no model of its kind is served by it: the selected default, else
 *     the kind's fallback
 * @param problem why it cannot be used, if it cannot, or why it cannot be named everywhere (an id that a GGUF file
 *     and an embedding directory share); the user's home written as {@code ~} (a success reaches every allowed
 *     extension, and the home names the user)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelView(
    String id, String object, String ownedBy, String kind, long sizeBytes, boolean loaded, boolean isDefault, String problem) {
  /** @param sharedId the problem of an id another model of the directory has too, if it has */
  static ModelView of(ModelEntry entry, boolean loaded, boolean isDefault, Optional<String> sharedId) {
    String problem = Stream.concat(entry.problem().map(HomeDirectories.forThisUser()::redact).stream(), sharedId.stream())
        .collect(Collectors.joining("; "));
    return new ModelView(
        entry.id(), "model", "local", entry.kind().wireName(), entry.sizeBytes(), loaded, isDefault,
        problem.isEmpty() ? null : problem);
  }
}
