package dev.nm.routes.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.protocol.Json;
import dev.nm.routes.models.ModelKind;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What callers chose and the host remembers across restarts: the default model of each kind, and sampling
 * defaults globally and per session. A session belongs to the origin that names it: two extensions that both
 * use session {@code "main"} have a session each. Kept in a {@link SettingsStore}.
 *
 * <p>Saved defaults are read leniently: another version of the host shares the database (a retired daemon
 * beside its successor, or a downgrade), so a parameter this version does not know is skipped, and a value it
 * cannot read at all is logged and read as unset, left in place for the version that wrote it. A parameter outside
 * the range {@code set_params} allows now ({@link SamplingRanges}: saved by an older version that allowed it, or
 * edited by hand) is logged and read as unset the same way, the others of the entry applying. Either way
 * generations go on; failing them would fail every chat of every caller until someone replaced the value.
 */
public final class AiPreferences {
  private static final Logger LOG = LoggerFactory.getLogger(AiPreferences.class);
  private static final String GLOBAL = "params.global";
  private static final ObjectReader SAVED_DEFAULTS =
      Json.mapper().readerFor(SamplingDefaults.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final SettingsStore store;
  /**
   * The value last logged as unreadable or out of range for each key: every generation reads it, the log says it
   * once.
   */
  private final Map<String, String> loggedUnreadable = new ConcurrentHashMap<>();

  public AiPreferences(SettingsStore store) {
    this.store = store;
  }

  public Optional<String> defaultModel(ModelKind kind) {
    return store.get(modelKey(kind));
  }

  public void selectModel(ModelKind kind, String id) {
    store.put(modelKey(kind), id);
  }

  /** The global defaults; {@link SamplingDefaults#NONE} if none were set. */
  public SamplingDefaults globalDefaults() {
    return read(GLOBAL);
  }

  /** The origin's session's own defaults, without the global ones. */
  public SamplingDefaults sessionDefaults(String origin, String sessionId) {
    return read(sessionKey(origin, sessionId));
  }

  /** What applies to a request of the origin's session (or none): the session's, then the global defaults. */
  public SamplingDefaults effectiveDefaults(String origin, String sessionId) {
    SamplingDefaults global = globalDefaults();
    return sessionId == null ? global : sessionDefaults(origin, sessionId).or(global);
  }

  /**
   * Replaces the global defaults, or the origin's session's if {@code sessionId} is not null. Defaults of no
   * parameter remove the entry: a client that clears each conversation's session leaves nothing behind.
   */
  public void setDefaults(String origin, String sessionId, SamplingDefaults defaults) {
    String key = sessionId == null ? GLOBAL : sessionKey(origin, sessionId);
    if (defaults.equals(SamplingDefaults.NONE)) {
      store.remove(key);
      return;
    }
    try {
      store.put(key, Json.mapper().writeValueAsString(defaults));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + defaults, e);
    }
  }

  private SamplingDefaults read(String key) {
    return store
        .get(key)
        .map(
            json -> {
              try {
                return withinRanges(key, json, SAVED_DEFAULTS.<SamplingDefaults>readValue(json));
              } catch (JsonProcessingException e) {
                if (!json.equals(loggedUnreadable.put(key, json))) {
                  LOG.warn("setting '{}' holds defaults this version cannot read, applied as unset: {} ({})",
                      key.replace('\n', ' '), json, e.getOriginalMessage());
                }
                return SamplingDefaults.NONE;
              }
            })
        .orElse(SamplingDefaults.NONE);
  }

  /** {@code defaults} without the parameters outside their ranges, which are logged once per saved value. */
  private SamplingDefaults withinRanges(String key, String json, SamplingDefaults defaults) throws JsonProcessingException {
    Map<String, String> outside = SamplingRanges.outOfRange(defaults);
    if (outside.isEmpty()) {
      return defaults;
    }
    ObjectNode fields = Json.mapper().valueToTree(defaults);
    if (!json.equals(loggedUnreadable.put(key, json))) {
      StringJoiner which = new StringJoiner("; ");
      outside.forEach((name, range) -> which.add(name + " " + fields.get(name) + " is outside its range " + range));
      LOG.warn("setting '{}' holds defaults out of range, applied as unset (the others apply; set_params replaces them): {}",
          key.replace('\n', ' '), which);
    }
    outside.keySet().forEach(fields::remove);
    return Json.mapper().treeToValue(fields, SamplingDefaults.class);
  }

  private static String modelKey(ModelKind kind) {
    return "default_model." + kind.wireName();
  }

  /** Origins hold no line break (they are URLs): the key cannot be read as another origin's. */
  private static String sessionKey(String origin, String sessionId) {
    return "params.session." + origin + "\n" + sessionId;
  }
}
