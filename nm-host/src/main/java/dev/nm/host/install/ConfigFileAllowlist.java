package dev.nm.host.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * The allowlist in the host's {@code config.json}: {@code "origins": {"<origin>": {"scopes": [...]}}}. Every
 * other key of the file is kept as it is; the file is replaced atomically.
 */
public final class ConfigFileAllowlist implements OriginAllowlist {
  private final Path configFile;

  public ConfigFileAllowlist(Path configFile) {
    this.configFile = configFile;
  }

  @Override
  public void allow(String origin, Set<String> scopes) throws IOException {
    ObjectNode config = read();
    ObjectNode origins = origins(config);
    ObjectNode entry = origins.get(origin) instanceof ObjectNode existing ? existing : origins.putObject(origin);
    Set<String> granted = new TreeSet<>(scopes);
    entry.path("scopes").forEach(scope -> granted.add(scope.asText()));
    ArrayNode list = entry.putArray("scopes");
    granted.forEach(list::add);
    write(config);
  }

  @Override
  public void revoke(String origin) throws IOException {
    ObjectNode config = read();
    if (origins(config).remove(origin) != null) {
      write(config);
    }
  }

  @Override
  public boolean allows(String origin) throws IOException {
    return read().path("origins").has(origin);
  }

  private ObjectNode read() throws IOException {
    if (!Files.exists(configFile)) {
      return Json.mapper().createObjectNode();
    }
    JsonNode config = Json.mapper().readTree(configFile.toFile());
    if (config == null || !config.isObject()) {
      throw new InstallException(configFile + " is not a JSON object; fix or remove it and run the command again");
    }
    return (ObjectNode) config;
  }

  private static ObjectNode origins(ObjectNode config) {
    JsonNode origins = config.get("origins");
    if (origins == null || !origins.isObject()) {
      return config.putObject("origins");
    }
    return (ObjectNode) origins;
  }

  private void write(ObjectNode config) throws IOException {
    Files.createDirectories(configFile.getParent());
    Path temp = Files.createTempFile(configFile.getParent(), "config", ".json.tmp");
    Files.writeString(temp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
    Files.move(temp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
