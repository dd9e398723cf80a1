package dev.nm.route.processor.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.VariableElement;

/**
 * The names record components and enum constants have on the wire, by the rule {@code Json.mapper()} binds
 * with: Jackson's own {@code SNAKE_CASE} strategy, overridden by a non-empty {@code @JsonProperty}.
 */
public final class WireNames {
  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

  private WireNames() {}

  /** {@code maxTokens} is {@code max_tokens}; {@code @JsonProperty("n") int count} is {@code n}. */
  public static String property(RecordComponentElement component) {
    return jsonProperty(ComponentAnnotations.of(component))
        .orElseGet(() -> SNAKE_CASE.translate(component.getSimpleName().toString()));
  }

  /** An enum constant's name as written (naming strategies do not apply), unless {@code @JsonProperty} renames it. */
  public static String enumConstant(VariableElement constant) {
    return jsonProperty(constant.getAnnotationMirrors()).orElse(constant.getSimpleName().toString());
  }

  private static Optional<String> jsonProperty(List<? extends AnnotationMirror> mirrors) {
    return AnnotationValues.find(mirrors, AnnotationNames.JSON_PROPERTY).stream()
        .flatMap(mirror -> mirror.getElementValues().entrySet().stream())
        .filter(entry -> entry.getKey().getSimpleName().contentEquals("value"))
        .map(entry -> String.valueOf(entry.getValue().getValue()))
        .filter(name -> !name.isEmpty())
        .findFirst();
  }
}
