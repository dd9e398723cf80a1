package dev.nm.route.processor.validation;

import java.util.Map;
import java.util.Optional;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic;

/**
 * One problem with a route: the message, and where it is written (the element, and the annotation and
 * member when the fault lies in an attribute).
 *
 * @param message the complete text, starting with its bracketed tag
 * @param element where to report
 * @param annotation the annotation at fault, if any
 * @param member the member of {@code annotation} at fault, if any
 */
public record Finding(String message, Element element, Optional<AnnotationMirror> annotation, Optional<String> member) {

  /** A finding about the element as a whole. */
  public static Finding at(Element element, String message) {
    return new Finding(message, element, Optional.empty(), Optional.empty());
  }

  /** A finding about an annotation on {@code element}. */
  public static Finding at(Element element, AnnotationMirror annotation, String message) {
    return new Finding(message, element, Optional.of(annotation), Optional.empty());
  }

  /** A finding about one member of an annotation on {@code element}. */
  public static Finding at(Element element, AnnotationMirror annotation, String member, String message) {
    return new Finding(message, element, Optional.of(annotation), Optional.of(member));
  }

  /**
   * Prints this finding as an error, pointing at the member's value when it is written in source, also in an
   * annotation the compiler cannot place itself (a repeated one, or one nested in another: {@link AnnotationTrees}).
   */
  public void printTo(ProcessingEnvironment env) {
    if (annotation.isPresent()
        && element.getAnnotationMirrors().stream().noneMatch(direct -> direct == annotation.get())
        && AnnotationTrees.report(env, element, annotation.get(), member, message)) {
      return;
    }
    Messager messager = env.getMessager();
    if (annotation.isEmpty()) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, element);
      return;
    }
    Optional<AnnotationValue> value = member.flatMap(name -> writtenValue(annotation.get(), name));
    if (value.isPresent()) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation.get(), value.get());
    } else {
      messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation.get());
    }
  }

  /** The value written in source for {@code member}; empty where it takes its default. */
  static Optional<AnnotationValue> writtenValue(AnnotationMirror annotation, String member) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : annotation.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(member)) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }
}
