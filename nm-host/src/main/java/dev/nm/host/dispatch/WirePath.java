package dev.nm.host.dispatch;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.nm.protocol.Json;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field paths as the caller wrote them: snake_case names joined by dots, list indexes in brackets
 * ({@code messages[0].role}). The whole payload is {@code payload}.
 */
final class WirePath {
  static final String ROOT = "payload";
  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  private static final Map<Class<?>, Map<String, BeanPropertyDefinition>> PROPERTIES = new ConcurrentHashMap<>();

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

  /**
   * The path of a constraint violation on {@code root}, each Java name as the caller writes it: the name Jackson
   * binds the property from ({@code @JsonProperty}'s, else snake_case), found along the values the path goes
   * through.
   */
  static String of(Path propertyPath, Object root) {
    StringBuilder path = new StringBuilder();
    Object value = root;
    for (Path.Node node : propertyPath) {
      if (node.isInIterable()) {
        Object at = node.getIndex() != null ? node.getIndex() : node.getKey();
        path.append('[').append(at).append(']');
        value = element(value, node.getIndex(), node.getKey());
      }
      if (node.getKind() == ElementKind.PROPERTY && node.getName() != null) {
        Map<String, BeanPropertyDefinition> properties = value == null ? Map.of() : properties(value.getClass());
        BeanPropertyDefinition property = properties.get(node.getName());
        appendName(path, property != null ? property.getName() : SNAKE_CASE.translate(node.getName()));
        value = property != null && property.getAccessor() != null ? valueOf(property.getAccessor(), value) : null;
      }
    }
    return path.length() == 0 ? ROOT : path.toString();
  }

  /** A type's properties as the protocol's mapper binds them, by Java name. */
  private static Map<String, BeanPropertyDefinition> properties(Class<?> type) {
    return PROPERTIES.computeIfAbsent(type, t -> {
      SerializationConfig config = Json.mapper().getSerializationConfig();
      Map<String, BeanPropertyDefinition> byJavaName = new HashMap<>();
      for (BeanPropertyDefinition property : config.introspect(config.constructType(t)).findProperties()) {
        byJavaName.put(property.getInternalName(), property);
      }
      return Map.copyOf(byJavaName);
    });
  }

  private static Object valueOf(AnnotatedMember accessor, Object bean) {
    try {
      accessor.fixAccess(true);
      return accessor.getValue(bean);
    } catch (RuntimeException e) {
      return null; // its name is all the path needs; what lies below it is named in snake_case
    }
  }

  private static Object element(Object container, Integer index, Object key) {
    if (index != null && container instanceof List<?> list && index < list.size()) {
      return list.get(index);
    }
    if (index != null && container instanceof Object[] array && index < array.length) {
      return array[index];
    }
    if (key != null && container instanceof Map<?, ?> map) {
      return map.get(key);
    }
    if (index != null && container instanceof Iterable<?> iterable) {
      int i = 0;
      for (Object element : iterable) {
        if (i++ == index) {
          return element;
        }
      }
    }
    return null;
  }

  private static void appendName(StringBuilder path, String name) {
    if (path.length() > 0) {
      path.append('.');
    }
    path.append(name);
  }
}
