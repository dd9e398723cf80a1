package dev.nm.route.processor.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * Reads annotation members through {@link AnnotationMirror}, defaults included, so that no annotation proxy
 * (and no user class) is ever touched.
 */
public final class AnnotationValues {
  private static final String DEFAULT_GROUP = "jakarta.validation.groups.Default";

  private final Elements elements;

  public AnnotationValues(Elements elements) {
    this.elements = elements;
  }

  /** The mirror of the annotation named {@code qualifiedName} on {@code element}, if present. */
  public static Optional<AnnotationMirror> find(Element element, String qualifiedName) {
    return find(element.getAnnotationMirrors(), qualifiedName);
  }

  /** The mirror among {@code mirrors} whose type is named {@code qualifiedName}, if any. */
  public static Optional<AnnotationMirror> find(List<? extends AnnotationMirror> mirrors, String qualifiedName) {
    for (AnnotationMirror mirror : mirrors) {
      if (typeName(mirror).equals(qualifiedName)) {
        return Optional.of(mirror);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a constraint applies when the host validates, in Bean Validation's default group: its
   * {@code groups} are unset, empty, or include {@code jakarta.validation.groups.Default}.
   */
  public static boolean inDefaultGroup(AnnotationMirror constraint) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> member : constraint.getElementValues().entrySet()) {
      if (member.getKey().getSimpleName().contentEquals("groups") && member.getValue().getValue() instanceof List<?> groups) {
        return groups.isEmpty() || groups.stream()
            .anyMatch(group -> String.valueOf(((AnnotationValue) group).getValue()).equals(DEFAULT_GROUP));
      }
    }
    return true;
  }

  /** The qualified name of the mirror's annotation type. */
  public static String typeName(AnnotationMirror mirror) {
    return ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
  }

  /** The value of member {@code name}, its default if not written. */
  public AnnotationValue value(AnnotationMirror mirror, String name) {
    Map<? extends ExecutableElement, ? extends AnnotationValue> values =
        elements.getElementValuesWithDefaults(mirror);
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : values.entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    throw new IllegalArgumentException("@" + typeName(mirror) + " has no member " + name);
  }

  public String string(AnnotationMirror mirror, String name) {
    return String.valueOf(value(mirror, name).getValue());
  }

  public boolean bool(AnnotationMirror mirror, String name) {
    return Boolean.TRUE.equals(value(mirror, name).getValue());
  }

  public long number(AnnotationMirror mirror, String name) {
    return value(mirror, name).getValue() instanceof Number n ? n.longValue() : 0;
  }

  /** The simple name of an enum constant member. */
  public String enumConstant(AnnotationMirror mirror, String name) {
    Object value = value(mirror, name).getValue();
    return value instanceof VariableElement constant ? constant.getSimpleName().toString() : String.valueOf(value);
  }

  public List<String> strings(AnnotationMirror mirror, String name) {
    return list(mirror, name).stream().map(v -> String.valueOf(v.getValue())).toList();
  }

  public List<AnnotationMirror> annotations(AnnotationMirror mirror, String name) {
    return list(mirror, name).stream()
        .map(AnnotationValue::getValue)
        .filter(AnnotationMirror.class::isInstance)
        .map(AnnotationMirror.class::cast)
        .toList();
  }

  private List<? extends AnnotationValue> list(AnnotationMirror mirror, String name) {
    Object value = value(mirror, name).getValue();
    if (value instanceof List<?> list) {
      return list.stream().map(AnnotationValue.class::cast).toList();
    }
    return List.of();
  }
}
