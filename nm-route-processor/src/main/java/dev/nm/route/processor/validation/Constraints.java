package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.AnnotationValues;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;

/** Recognises Jakarta Bean Validation annotations by name, built-in and custom. */
final class Constraints {
  private Constraints() {}

  /**
   * A built-in constraint, or an annotation meta-annotated with {@code @Constraint} (custom or Hibernate's), that
   * applies in the default group, the one the host validates.
   */
  static boolean isConstraint(AnnotationMirror mirror) {
    if (!AnnotationValues.inDefaultGroup(mirror)) {
      return false;
    }
    if (AnnotationValues.typeName(mirror).startsWith(AnnotationNames.JAKARTA_CONSTRAINTS_PACKAGE + ".")) {
      return true;
    }
    Element annotationType = mirror.getAnnotationType().asElement();
    return AnnotationValues.find(annotationType, AnnotationNames.JAKARTA_CONSTRAINT).isPresent();
  }

  /** {@code @Valid}: validation cascades into the annotated value. */
  static boolean isCascade(AnnotationMirror mirror) {
    return AnnotationValues.typeName(mirror).equals(AnnotationNames.JAKARTA_VALID);
  }
}
