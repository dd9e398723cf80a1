package dev.nm.route.processor.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Adapts a {@code @NativeRoute} class from {@code javax.lang.model} into a {@link RouteModel}. */
public final class RouteModelReader {
  private final Elements elements;
  private final Types types;
  private final AnnotationValues values;

  public RouteModelReader(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.values = new AnnotationValues(elements);
  }

  /**
   * The model of {@code routeClass}, which carries {@code @NativeRoute}; empty if a type it names cannot
   * be resolved yet (another processor may still generate it).
   */
  public Optional<RouteModel> read(TypeElement routeClass) {
    AnnotationMirror annotation = AnnotationValues.find(routeClass, AnnotationNames.NATIVE_ROUTE).orElseThrow();
    Optional<List<? extends TypeMirror>> handlerArguments = supertypeArguments(routeClass, AnnotationNames.ROUTE_HANDLER);
    Optional<List<? extends TypeMirror>> validatorArguments =
        supertypeArguments(routeClass, AnnotationNames.REQUEST_VALIDATOR);
    if (hasErrorType(routeClass.asType()) || handlerArguments.stream().flatMap(List::stream).anyMatch(this::hasErrorType)) {
      return Optional.empty();
    }
    return Optional.of(
        new RouteModel(
            routeClass,
            annotation,
            values.string(annotation, "name"),
            values.string(annotation, "description"),
            DocComments.firstParagraph(elements.getDocComment(routeClass)),
            values.strings(annotation, "tags"),
            values.bool(annotation, "streaming"),
            values.string(annotation, "scope"),
            values.enumConstant(annotation, "rateTier"),
            handlerArguments
                .filter(arguments -> arguments.size() == 2)
                .map(arguments -> new RouteModel.HandlerTypes(arguments.get(0), arguments.get(1))),
            validatorArguments.filter(arguments -> arguments.size() == 1).map(arguments -> arguments.get(0)),
            validCases(routeClass),
            invalidCases(routeClass)));
  }

  /**
   * The type arguments with which {@code routeClass} implements the interface named {@code interfaceName},
   * found through superclasses and superinterfaces with type variables substituted; an empty list for a raw
   * use.
   */
  private Optional<List<? extends TypeMirror>> supertypeArguments(TypeElement routeClass, String interfaceName) {
    Deque<TypeMirror> pending = new ArrayDeque<>(List.of(routeClass.asType()));
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      TypeMirror type = pending.removeFirst();
      if (type instanceof DeclaredType declared && declared.asElement() instanceof TypeElement element) {
        if (element.getQualifiedName().contentEquals(interfaceName)) {
          return Optional.of(declared.getTypeArguments());
        }
        if (seen.add(type.toString())) {
          pending.addAll(types.directSupertypes(type));
        }
      }
    }
    return Optional.empty();
  }

  private boolean hasErrorType(TypeMirror type) {
    if (type.getKind() == TypeKind.ERROR) {
      return true;
    }
    return type instanceof DeclaredType declared && declared.getTypeArguments().stream().anyMatch(this::hasErrorType);
  }

  private List<ValidCaseModel> validCases(TypeElement routeClass) {
    List<ValidCaseModel> cases = new ArrayList<>();
    for (AnnotationMirror mirror : repeated(routeClass, AnnotationNames.VALID_CASE, AnnotationNames.VALID_CASES)) {
      List<ExpectModel> expects =
          values.annotations(mirror, "expect").stream()
              .map(e -> new ExpectModel(e, values.string(e, "path"), values.string(e, "equalTo"), values.string(e, "matches")))
              .toList();
      cases.add(
          new ValidCaseModel(
              mirror, values.string(mirror, "name"), values.string(mirror, "request"), expects,
              (int) values.number(mirror, "minEvents")));
    }
    return cases;
  }

  private List<InvalidCaseModel> invalidCases(TypeElement routeClass) {
    return repeated(routeClass, AnnotationNames.INVALID_CASE, AnnotationNames.INVALID_CASES).stream()
        .map(
            mirror ->
                new InvalidCaseModel(
                    mirror,
                    values.string(mirror, "name"),
                    values.string(mirror, "request"),
                    values.enumConstant(mirror, "code"),
                    values.string(mirror, "field")))
        .toList();
  }

  /** The mirrors of a repeatable annotation, whether written once or gathered in its container. */
  private List<AnnotationMirror> repeated(TypeElement element, String annotation, String container) {
    List<AnnotationMirror> mirrors = new ArrayList<>();
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      String name = AnnotationValues.typeName(mirror);
      if (name.equals(annotation)) {
        mirrors.add(mirror);
      } else if (name.equals(container)) {
        mirrors.addAll(values.annotations(mirror, "value"));
      }
    }
    return mirrors;
  }
}
