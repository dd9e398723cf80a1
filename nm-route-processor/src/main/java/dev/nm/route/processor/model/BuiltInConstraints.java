package dev.nm.route.processor.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;

/**
 * The built-in Jakarta constraints that apply to a value when the host validates (the default group), those
 * written on it and those a composed constraint is made of; and what they make of a record component: the
 * properties a request must carry, which the schema lists as {@code required}.
 */
public final class BuiltInConstraints {
  private BuiltInConstraints() {}

  /**
   * Whether a request must carry {@code component}, neither absent nor null: the host's mapper refuses a
   * primitive without a value, and validation a {@code @NotNull}, {@code @NotBlank} or {@code @NotEmpty} one.
   */
  public static boolean required(RecordComponentElement component) {
    return component.asType().getKind().isPrimitive() || requiresPresence(ComponentAnnotations.of(component));
  }

  /**
   * Whether a request must carry {@code component}, though it may be null: {@code @JsonProperty(required = true)},
   * which the host's mapper enforces on a record's properties ("Missing required creator property") and which lets
   * an explicit null through.
   */
  public static boolean requiredByJackson(RecordComponentElement component) {
    return AnnotationValues.find(ComponentAnnotations.of(component), AnnotationNames.JSON_PROPERTY).stream()
        .flatMap(mirror -> mirror.getElementValues().entrySet().stream())
        .anyMatch(entry -> entry.getKey().getSimpleName().contentEquals("required")
            && Boolean.TRUE.equals(entry.getValue().getValue()));
  }

  /**
   * Whether one of {@code annotations}, or a constraint one of them is composed of, makes a property required:
   * {@code @NotNull}, {@code @NotBlank}, {@code @NotEmpty}.
   */
  public static boolean requiresPresence(List<? extends AnnotationMirror> annotations) {
    return of(annotations).stream()
        .map(AnnotationValues::typeName)
        .anyMatch(name -> name.equals(constraint("NotNull")) || name.equals(constraint("NotBlank"))
            || name.equals(constraint("NotEmpty")));
  }

  /**
   * The built-in Jakarta constraints among {@code annotations} and, through composed constraints (an
   * annotation of the author's, or Hibernate's, meta-annotated with {@code @Constraint}), those they are made
   * of, each composed constraint expanded once; only those of the default group, the one the host validates.
   */
  public static List<AnnotationMirror> of(List<? extends AnnotationMirror> annotations) {
    List<AnnotationMirror> builtIns = new ArrayList<>();
    collect(annotations, new HashSet<>(), builtIns);
    return builtIns;
  }

  private static void collect(
      List<? extends AnnotationMirror> annotations, Set<String> composedSeen, List<AnnotationMirror> builtIns) {
    for (AnnotationMirror mirror : annotations) {
      List<AnnotationMirror> repeated = repeatedIn(mirror);
      if (!repeated.isEmpty()) {
        // @Size(min = 2) @Size(max = 5) reaches the processor as one @Size.List holding both.
        collect(repeated, composedSeen, builtIns);
        continue;
      }
      if (!AnnotationValues.inDefaultGroup(mirror)) {
        continue; // the host validates the default group only
      }
      String name = AnnotationValues.typeName(mirror);
      Element type = mirror.getAnnotationType().asElement();
      if (name.startsWith(AnnotationNames.JAKARTA_CONSTRAINTS_PACKAGE + ".")) {
        builtIns.add(mirror);
      } else if (AnnotationValues.find(type, AnnotationNames.JAKARTA_CONSTRAINT).isPresent() && composedSeen.add(name)) {
        collect(type.getAnnotationMirrors(), composedSeen, builtIns);
      }
    }
  }

  /**
   * The annotations {@code mirror} holds if it is the container of a repeated annotation (its {@code value} an array
   * of an annotation type {@code @Repeatable} with this container); empty otherwise.
   */
  private static List<AnnotationMirror> repeatedIn(AnnotationMirror mirror) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> member : mirror.getElementValues().entrySet()) {
      if (!member.getKey().getSimpleName().contentEquals("value") || !(member.getValue().getValue() instanceof List<?> items)) {
        continue;
      }
      List<AnnotationMirror> held = new ArrayList<>();
      for (Object item : items) {
        if (!(((AnnotationValue) item).getValue() instanceof AnnotationMirror element)
            || !containerOf(element).equals(AnnotationValues.typeName(mirror))) {
          return List.of();
        }
        held.add(element);
      }
      return held;
    }
    return List.of();
  }

  /** The qualified name of the container {@code @Repeatable} names on the mirror's annotation type; "" if none. */
  private static String containerOf(AnnotationMirror mirror) {
    return AnnotationValues.find(mirror.getAnnotationType().asElement(), "java.lang.annotation.Repeatable")
        .flatMap(repeatable -> repeatable.getElementValues().values().stream().findFirst())
        .map(container -> ((javax.lang.model.type.DeclaredType) container.getValue()).asElement())
        .map(element -> ((javax.lang.model.element.TypeElement) element).getQualifiedName().toString())
        .orElse("");
  }

  private static String constraint(String simpleName) {
    return AnnotationNames.JAKARTA_CONSTRAINTS_PACKAGE + "." + simpleName;
  }
}
