package dev.nm.host.install;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A native-messaging host manifest, rendered from the nm-manifests templates with Jackson.
 *
 * @param family which template and which caller key ({@code allowed_origins} or {@code allowed_extensions})
 * @param name the host name; also the manifest's file name without {@code .json}
 * @param path the absolute path of the executable the browser starts
 * @param callers the origins (Chromium family) or add-on ids (Firefox) allowed to start it
 */
public record HostManifest(Browser.Family family, String name, Path path, List<String> callers) {
  public HostManifest {
    Objects.requireNonNull(family, "family");
    Callers.hostName(name);
    if (!path.isAbsolute()) {
      throw new InstallException("the host path must be absolute, got '" + path + "'");
    }
    callers = List.copyOf(callers);
  }

  /** This manifest as JSON: the family's template with {@code name}, {@code path} and the callers set. */
  public ObjectNode toJson() {
    ObjectNode json = template(family);
    json.put("name", name);
    json.put("path", path.toString());
    ArrayNode list = json.putArray(family.callersKey());
    callers.forEach(list::add);
    return json;
  }

  /** The file's text: indented JSON and a final newline. */
  public String toText() {
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an ObjectNode always serialises", e);
    }
  }

  /** The callers of this manifest plus {@code more}, in order, without duplicates. */
  public HostManifest withCallers(Collection<String> more) {
    List<String> merged = new ArrayList<>(callers);
    more.stream().filter(caller -> !merged.contains(caller)).forEach(merged::add);
    return new HostManifest(family, name, path, merged);
  }

  /** Parses manifest text; null when the text is not JSON (the caller decides what that means). */
  static JsonNode parse(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The callers listed in a parsed manifest under the family's key; empty when absent or not an array. */
  static List<String> callersOf(JsonNode manifest, Browser.Family family) {
    List<String> callers = new ArrayList<>();
    JsonNode list = manifest.path(family.callersKey());
    if (list.isArray()) {
      list.forEach(caller -> callers.add(caller.asText()));
    }
    return callers;
  }

  private static ObjectNode template(Browser.Family family) {
    try (InputStream in = HostManifest.class.getClassLoader().getResourceAsStream(family.template())) {
      if (in == null) {
        throw new IllegalStateException(
            "manifest template " + family.template() + " is missing: is nm-manifests on the class path?");
      }
      return (ObjectNode) Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read manifest template " + family.template(), e);
    }
  }
}
