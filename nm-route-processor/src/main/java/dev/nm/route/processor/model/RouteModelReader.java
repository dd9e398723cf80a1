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
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.ArrayType;
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
    Set<String> visited = new HashSet<>();
    boolean unresolved =
        routeClass.getSuperclass().getKind() == TypeKind.ERROR
            || routeClass.getInterfaces().stream().anyMatch(type -> type.getKind() == TypeKind.ERROR)
            || handlerArguments.stream().flatMap(List::stream).anyMatch(type -> unresolved(type, visited));
    if (unresolved) {
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
            values.strings(annotation, "optionScopes"),
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

  /**
   * Whether {@code type}, or a type it is built from (type arguments, array elements, record components),
   * cannot be resolved yet.
   */
  private static boolean unresolved(TypeMirror type, Set<String> visited) {
    switch (type.getKind()) {
      case ERROR:
        return true;
      case ARRAY:
        return unresolved(((ArrayType) type).getComponentType(), visited);
      case DECLARED:
        DeclaredType declared = (DeclaredType) type;
        if (declared.getTypeArguments().stream().anyMatch(argument -> unresolved(argument, visited))) {
          return true;
        }
        TypeElement element = (TypeElement) declared.asElement();
        return element.getKind() == ElementKind.RECORD
            && visited.add(element.getQualifiedName().toString())
            && element.getRecordComponents().stream().anyMatch(component -> unresolved(component.asType(), visited));
      default:
        return false;
    }
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
