package dev.nm.host.dispatch;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;

/**
 * Field paths as the caller wrote them: snake_case names joined by dots, list indexes in brackets
 * ({@code messages[0].role}). The whole payload is {@code payload}.
 */
final class WirePath {
  static final String ROOT = "payload";
  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  private WirePath() {}

  /** The path of a Jackson binding error; its field names are already wire names. */
  static String of(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        appendName(path, ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? ROOT : path.toString();
  }

  /** The path of a constraint violation, its Java names translated to snake_case. */
  static String of(Path propertyPath) {
    StringBuilder path = new StringBuilder();
    for (Path.Node node : propertyPath) {
      if (node.isInIterable()) {
        path.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
      }
      if (node.getKind() == ElementKind.PROPERTY && node.getName() != null) {
        appendName(path, SNAKE_CASE.translate(node.getName()));
      }
    }
    return path.length() == 0 ? ROOT : path.toString();
  }

  private static void appendName(StringBuilder path, String name) {
    if (path.length() > 0) {
      path.append('.');
    }
    path.append(name);
  }
}
