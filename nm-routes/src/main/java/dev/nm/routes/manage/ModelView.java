package dev.nm.routes.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nm.host.HomeDirectories;
import dev.nm.routes.models.ModelEntry;

/**
 * A model as {@code models} lists it (OpenAI's model object, with nm's fields).
 *
 * @param kind {@code generation} or {@code embedding}
 * @param isDefault whether a request naming no model of its kind is served by it: the selected default, else
 *     the kind's fallback
 * @param problem why it cannot be used, if it cannot; the user's home written as {@code ~} (a success reaches every
 *     allowed extension, and the home names the user)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelView(
    String id, String object, String ownedBy, String kind, long sizeBytes, boolean loaded, boolean isDefault, String problem) {
  static ModelView of(ModelEntry entry, boolean loaded, boolean isDefault) {
    return new ModelView(
        entry.id(), "model", "local", entry.kind().wireName(), entry.sizeBytes(), loaded, isDefault,
        entry.problem().map(HomeDirectories.forThisUser()::redact).orElse(null));
  }
}
