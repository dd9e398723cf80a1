package dev.nm.route.processor.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.RecordComponentElement;

/**
 * The annotations written on a record component. Javac propagates each one to the places its
 * {@code @Target} allows (component, accessor, field, constructor parameter, or the type as a type-use
 * annotation), so they are gathered from all of them, once per annotation type.
 */
public final class ComponentAnnotations {
  private ComponentAnnotations() {}

  public static List<AnnotationMirror> of(RecordComponentElement component) {
    Set<String> seen = new HashSet<>();
    List<AnnotationMirror> mirrors = new ArrayList<>();
    Stream.of(
            component.getAnnotationMirrors().stream(),
            component.getAccessor().getAnnotationMirrors().stream(),
            component.asType().getAnnotationMirrors().stream())
        .flatMap(s -> s)
        .filter(mirror -> seen.add(AnnotationValues.typeName(mirror)))
        .forEach(mirrors::add);
    return mirrors;
  }
}
