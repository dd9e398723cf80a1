package dev.nm.host;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.nm.protocol.Json;
import dev.nm.route.RateTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What a host allows and how hard it works: the origins that may call it and their scopes, per-tier rate
 * limits, and pool sizes. Stored as {@code $NM_HOST_HOME/config.json} (snake_case keys); immutable, changed
 * through {@code with*} methods.
 *
 * <pre>{@code
 * { "host_name": "nm_host",
 *   "origins": { "chrome-extension://abcdefghijklmnopabcdefghijklmnop/": { "scopes": ["models.manage"] } },
 *   "rate_limits": { "LIGHT": {"capacity": 600, "refill_per_minute": 600}, "STANDARD": {...}, "HEAVY": {...} },
 *   "workers": 8, "max_in_flight_per_connection": 64, "idle_timeout_seconds": 600, "models_dir": null }
 * }</pre>
 *
 * Missing keys take the defaults above; unknown keys are refused so that a typo cannot silently weaken the
 * policy.
 *
 * @param hostName the native-messaging host name written into browser manifests
 * @param origins the allowed caller origins, each with the scopes it holds
 * @param rateLimits one token bucket per origin and tier; {@link RateTier#UNLIMITED} is never limited
 * @param workers threads of each request pool (one pool for HEAVY routes, one for all others)
 * @param maxInFlightPerConnection requests a connection may have running; later ones wait their turn
 * @param idleTimeoutSeconds how long a resident host with no connections stays up
 * @param modelsDir overrides the default models directory (a relative one is taken from the home, where this file is); null
 *     keeps it
 * @param allowsAnyOrigin true only for {@link #permissive()}; never read from or written to a file
 */
public record HostConfig(
    String hostName,
    Map<String, OriginGrant> origins,
    Map<RateTier, RateLimit> rateLimits,
    Integer workers,
    Integer maxInFlightPerConnection,
    Integer idleTimeoutSeconds,
    String modelsDir,
    @JsonIgnore boolean allowsAnyOrigin) implements AccessPolicy {

  /** The record component that {@link #permissive()} sets; kept out of files. */
  private static final String PERMISSIVE_KEY = "allows_any_origin";

  // The file never carries allows_any_origin, so the primitive must be allowed to be absent. A key given twice is
  // refused, as the protocol refuses it: which one counts would be the reader's guess, and a grant could ride on it.
  private static final ObjectMapper MAPPER =
      Json.newMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** The host name browsers know when none is configured. */
  public static final String DEFAULT_HOST_NAME = "nm_host";

  private static final Map<RateTier, RateLimit> DEFAULT_RATE_LIMITS =
      Collections.unmodifiableMap(
          new EnumMap<>(
              Map.of(
                  RateTier.LIGHT, new RateLimit(600, 600),
                  RateTier.STANDARD, new RateLimit(300, 300),
                  RateTier.HEAVY, new RateLimit(60, 60))));

  public HostConfig {
    hostName = hostName == null ? DEFAULT_HOST_NAME : hostName;
    if (!hostName.matches("[a-z0-9_]+(\\.[a-z0-9_]+)*")) {
      throw new IllegalArgumentException(
          "host_name '" + hostName + "' is not a valid native-messaging host name: use lowercase letters, digits, '_' and '.'");
    }
    origins = Collections.unmodifiableMap(new TreeMap<>(origins == null ? Map.of() : origins));
    origins.forEach((origin, grant) -> {
      if (grant == null) {
        throw new IllegalArgumentException(
            "origins." + origin + " is null: give it {\"scopes\": [...]} ({} for no scopes), or remove it to refuse it");
      }
    });
    EnumMap<RateTier, RateLimit> limits = new EnumMap<>(DEFAULT_RATE_LIMITS);
    if (rateLimits != null) {
      if (rateLimits.containsKey(RateTier.UNLIMITED)) {
        throw new IllegalArgumentException("rate_limits.UNLIMITED: the UNLIMITED tier is never limited; remove the key");
      }
      rateLimits.forEach((tier, limit) -> {
        if (limit == null) {
          // A null must not lift the limit: a typo never weakens the policy.
          throw new IllegalArgumentException(
              "rate_limits." + tier + " is null: give it {\"capacity\": N, \"refill_per_minute\": M}, or remove it for"
                  + " the default");
        }
      });
      limits.putAll(rateLimits);
    }
    rateLimits = Collections.unmodifiableMap(limits);
    workers = workers == null ? 8 : requirePositive("workers", workers);
    maxInFlightPerConnection =
        maxInFlightPerConnection == null ? 64 : requirePositive("max_in_flight_per_connection", maxInFlightPerConnection);
    idleTimeoutSeconds = idleTimeoutSeconds == null ? 600 : requirePositive("idle_timeout_seconds", idleTimeoutSeconds);
  }

  /** The scopes one origin holds. */
  public record OriginGrant(List<String> scopes) {
    public OriginGrant {
      scopes = scopes == null ? List.of() : List.copyOf(new TreeSet<>(scopes));
    }
  }

  /** A token bucket: {@code capacity} calls at once, refilled by {@code refillPerMinute} a minute. */
  public record RateLimit(long capacity, long refillPerMinute) {
    public RateLimit {
      requirePositive("capacity", capacity);
      requirePositive("refill_per_minute", refillPerMinute);
    }
  }

  /** A config with every default and no allowed origin: a fresh install. */
  public static HostConfig defaults() {
    return new HostConfig(null, null, null, null, null, null, null, false);
  }

  /**
   * A config that lets any origin call any route with every scope, for tests and trusted embedders. It cannot
   * be saved.
   */
  public static HostConfig permissive() {
    return new HostConfig(null, null, null, null, null, null, null, true);
  }

  @Override
  public boolean allows(String origin) {
    return allowsAnyOrigin || origins.containsKey(origin);
  }

  @Override
  public boolean grants(String origin, String scope) {
    if (!allows(origin)) {
      return false;
    }
    return scope.isEmpty() || allowsAnyOrigin || origins.get(origin).scopes().contains(scope);
  }

  /** The rate limit of a tier; empty for {@link RateTier#UNLIMITED}. */
  public Optional<RateLimit> rateLimit(RateTier tier) {
    return Optional.ofNullable(rateLimits.get(tier));
  }

  /** This config with {@code origin} allowed and holding exactly {@code scopes}. */
  public HostConfig withOrigin(String origin, List<String> scopes) {
    Objects.requireNonNull(origin, "origin");
    Map<String, OriginGrant> next = new LinkedHashMap<>(origins);
    next.put(origin, new OriginGrant(scopes));
    return withOrigins(next);
  }

  /** This config without {@code origin}. */
  public HostConfig withoutOrigin(String origin) {
    Map<String, OriginGrant> next = new LinkedHashMap<>(origins);
    next.remove(origin);
    return withOrigins(next);
  }

  public HostConfig withOrigins(Map<String, OriginGrant> origins) {
    return new HostConfig(
        hostName, origins, rateLimits, workers, maxInFlightPerConnection, idleTimeoutSeconds, modelsDir, allowsAnyOrigin);
  }

  public HostConfig withRateLimit(RateTier tier, RateLimit limit) {
    Map<RateTier, RateLimit> next = new EnumMap<>(rateLimits);
    next.put(tier, limit);
    return new HostConfig(
        hostName, origins, next, workers, maxInFlightPerConnection, idleTimeoutSeconds, modelsDir, allowsAnyOrigin);
  }

  public HostConfig withHostName(String hostName) {
    return new HostConfig(
        hostName, origins, rateLimits, workers, maxInFlightPerConnection, idleTimeoutSeconds, modelsDir, allowsAnyOrigin);
  }

  public HostConfig withWorkers(int workers) {
    return new HostConfig(
        hostName, origins, rateLimits, workers, maxInFlightPerConnection, idleTimeoutSeconds, modelsDir, allowsAnyOrigin);
  }

  public HostConfig withMaxInFlightPerConnection(int max) {
    return new HostConfig(hostName, origins, rateLimits, workers, max, idleTimeoutSeconds, modelsDir, allowsAnyOrigin);
  }

  public HostConfig withIdleTimeoutSeconds(int seconds) {
    return new HostConfig(
        hostName, origins, rateLimits, workers, maxInFlightPerConnection, seconds, modelsDir, allowsAnyOrigin);
  }

  public HostConfig withModelsDir(String modelsDir) {
    return new HostConfig(
        hostName, origins, rateLimits, workers, maxInFlightPerConnection, idleTimeoutSeconds, modelsDir, allowsAnyOrigin);
  }

  /**
   * Reads a config file; a missing file reads as {@link #defaults()}.
   *
   * @throws InvalidConfigException if the file is not a valid config: the message names the file, the offending key
   *     or line and what is allowed, and {@link InvalidConfigException#fix()} says what to change
   * @throws IOException if the file cannot be read
   */
  public static HostConfig load(Path file) throws IOException {
    if (!Files.exists(file)) {
      return defaults();
    }
    return parse(readTree(file), file);
  }

  /** The file's JSON, refusing text that is not JSON with the line and column where it stops being JSON. */
  private static JsonNode readTree(Path file) throws IOException {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JacksonException e) {
      throw syntaxError(file, e);
    }
  }

  /** The config {@code root} holds; {@code file} names it in errors. */
  private static HostConfig parse(JsonNode root, Path file) throws InvalidConfigException {
    try {
      if (root == null || !root.isObject()) {
        String holds = holds(root);
        boolean nothing = root == null || root.isMissingNode() || root.isNull();
        throw new InvalidConfigException(
            file + (root == null || root.isMissingNode() ? " is empty" : " holds " + holds) + ": it must be a JSON object,"
                + " e.g. {}",
            nothing
                ? "write {} into " + file + " (no origin allowed, every other setting its default)"
                : "edit " + file + ": put the settings in one JSON object, e.g. {\"idle_timeout_seconds\": 600}");
      }
      if (root.has(PERMISSIVE_KEY)) {
        throw new InvalidConfigException(
            file + ": unknown key '" + PERMISSIVE_KEY + "' at the top level; a config file cannot allow every origin, list them under origins",
            "edit " + file + ": remove the key '" + PERMISSIVE_KEY + "' and list the callers under origins");
      }
      return MAPPER.treeToValue(root, HostConfig.class);
    } catch (UnrecognizedPropertyException e) {
      List<String> known = new ArrayList<>();
      e.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
      known.remove(PERMISSIVE_KEY);
      Collections.sort(known);
      throw new InvalidConfigException(
          file + ": unknown key '" + e.getPropertyName() + "' at " + location(e) + "; known keys there: " + String.join(", ", known),
          "edit " + file + ": remove or rename the key '" + e.getPropertyName() + "' at " + location(e),
          e);
    } catch (InvalidFormatException e) {
      throw new InvalidConfigException(
          file + ": " + location(e) + " has value " + e.getValue() + ", which is not a " + e.getTargetType().getSimpleName(),
          "edit " + file + ": give " + location(e) + " a " + e.getTargetType().getSimpleName(),
          e);
    } catch (ValueInstantiationException e) {
      throw new InvalidConfigException(
          file + ": " + e.getCause().getMessage(), "edit " + file + ": " + e.getCause().getMessage(), e);
    } catch (JacksonException e) {
      throw syntaxError(file, e);
    }
  }

  private static InvalidConfigException syntaxError(Path file, JacksonException e) {
    String line = e.getLocation() == null || e.getLocation().getLineNr() < 1
        ? null
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    return new InvalidConfigException(
        file + " is not a valid host config: " + e.getOriginalMessage() + (line == null ? "" : " (" + line + ")"),
        "edit " + file + (line == null ? "" : " at " + line) + ": " + e.getOriginalMessage(),
        e);
  }

  /** A change {@link #edit} made: the config before and after it. */
  public record Change(HostConfig before, HostConfig after) {
    public boolean changed() {
      return !before.equals(after);
    }
  }

  /**
   * Changes the config file through its JSON: reads it (an absent file reads as {@code {}}), lets {@code change}
   * change the tree, binds the result to a config, which must be valid, and writes the tree back when the config
   * differs. So only what {@code change} touches changes: the user's keys stay as they are, in their order, and no
   * default is written in. The write is {@link #save}'s: atomic, through a symbolic link to its target, keeping the
   * file's permissions.
   *
   * @throws InvalidConfigException if the file, or the tree as changed, is not a valid config
   */
  public static Change edit(Path file, Consumer<ObjectNode> change) throws IOException {
    Path target = writeTarget(file);
    ObjectNode root;
    HostConfig before;
    if (Files.exists(target)) {
      JsonNode read = readTree(target);
      before = parse(read, file);
      root = (ObjectNode) read;
    } else {
      before = defaults();
      root = MAPPER.createObjectNode();
    }
    change.accept(root);
    HostConfig after = parse(root, file);
    if (!after.equals(before)) {
      writeAtomically(target, MAPPER.writeValueAsBytes(root));
    }
    return new Change(before, after);
  }

  /** What a top level that is not an object holds, in words. */
  private static String holds(JsonNode root) {
    if (root == null || root.isMissingNode()) {
      return "nothing";
    }
    if (root.isNull()) {
      return "null";
    }
    if (root.isArray()) {
      return "an array";
    }
    if (root.isTextual()) {
      return "a string";
    }
    if (root.isNumber()) {
      return "a number";
    }
    return root.isBoolean() ? root.asText() : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * A config file that is not a valid config. The message names the file, the offending key or line and what is
   * allowed; {@link #fix()} says what to change, for {@code nm-host doctor}.
   */
  public static final class InvalidConfigException extends IOException {
    private final String fix;

    InvalidConfigException(String message, String fix) {
      super(message);
      this.fix = fix;
    }

    InvalidConfigException(String message, String fix, Throwable cause) {
      super(message, cause);
      this.fix = fix;
    }

    /** What to change in the file, naming it and the key or line: {@code edit FILE: remove or rename the key 'x' at ...}. */
    public String fix() {
      return fix;
    }
  }

  /**
   * Writes this config, every setting, to {@code file} atomically (temporary file, flushed to the disk, then rename),
   * creating its directory. Without the flush a crash or power loss soon after the rename can leave an empty file (the
   * rename reaches the disk before the data), which no host loads: every caller is refused until the file is
   * written again by hand. A symbolic link stays one: its target is written. An existing file keeps its permissions.
   * {@link #edit} changes a file keeping what its user wrote instead.
   *
   * @throws IllegalStateException for a {@link #permissive()} config, which must never reach a file
   */
  public void save(Path file) throws IOException {
    if (allowsAnyOrigin) {
      throw new IllegalStateException("a permissive config allows any origin and is never saved");
    }
    writeAtomically(writeTarget(file), MAPPER.writeValueAsBytes(this));
  }

  /**
   * The file to write for {@code file}: where its symbolic links lead (a link replaced by a rename would be lost, and
   * with it the file the user keeps elsewhere), else {@code file}.
   */
  private static Path writeTarget(Path file) throws IOException {
    Path path = file.toAbsolutePath();
    if (Files.exists(path)) {
      return path.toRealPath();
    }
    for (int links = 0; Files.isSymbolicLink(path); links++) { // a link to a file not made yet
      if (links == 40) {
        throw new IOException(file + ": too many levels of symbolic links");
      }
      path = path.resolveSibling(Files.readSymbolicLink(path)).normalize();
    }
    return path;
  }

  /** Replaces {@code file} with {@code text} and a final newline, keeping the file's permissions. */
  private static void writeAtomically(Path file, byte[] text) throws IOException {
    byte[] withNewline = Arrays.copyOf(text, text.length + 1);
    withNewline[text.length] = '\n';
    AtomicFiles.replace(file, withNewline, null);
  }

  private static String location(UnrecognizedPropertyException e) {
    List<JsonMappingException.Reference> path = e.getPath();
    return location(path.subList(0, path.size() - 1));
  }

  private static String location(InvalidFormatException e) {
    return location(e.getPath());
  }

  private static String location(List<JsonMappingException.Reference> refs) {
    StringBuilder path = new StringBuilder();
    for (var ref : refs) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "the top level" : "'" + path + "'";
  }

  private static Integer requirePositive(String key, Integer value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
    return value;
  }

  private static long requirePositive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
    return value;
  }
}
