package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * [NmRouteNotHandler]: a route class is a public, concrete, top-level or static nested class in a named package
 * (the generated table imports it) implementing {@code RouteHandler<Q, R>} with concrete type arguments.
 * [NmRouteNoConstructor]: it has a public no-argument constructor that throws no checked exception, which the
 * generated table calls through a {@code Supplier}.
 */
final class HandlerRule implements RouteRule {
  private final Elements elements;
  private final Types types;

  HandlerRule(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  @Override
  public List<Finding> check(RouteModel route) {
    TypeElement type = route.element();
    String name = type.getQualifiedName().toString();
    List<Finding> findings = new ArrayList<>();
    if (type.getKind() != ElementKind.CLASS && type.getKind() != ElementKind.RECORD) {
      findings.add(Finding.at(type, ErrorMessages.handlerShape(name, "is an " + kindName(type), "Make it a final class")));
      return findings;
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      findings.add(Finding.at(type, ErrorMessages.handlerShape(name, "is abstract", "Make it a concrete class")));
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)
        && type.getKind() == ElementKind.CLASS) {
      findings.add(Finding.at(type, ErrorMessages.handlerShape(name, "is an inner class", "Declare it static")));
    }
    if (packageOf(type).isUnnamed()) {
      findings.add(Finding.at(type, ErrorMessages.handlerShape(name, "is in the unnamed package, which the generated"
          + " table cannot import", "Move it into a package")));
    }
    boolean accessible = true;
    for (Element e = type; accessible && e instanceof TypeElement t; e = t.getEnclosingElement()) {
      if (!t.getModifiers().contains(Modifier.PUBLIC)) {
        String where = t == type ? "is not public" : "is nested in " + t.getSimpleName() + ", which is not public";
        findings.add(Finding.at(type, ErrorMessages.handlerShape(name, where, "Make " + t.getSimpleName() + " public")));
        accessible = false;
      }
    }
    if (route.handlerTypes().isEmpty()) {
      findings.add(Finding.at(type, ErrorMessages.notHandler(name)));
    } else {
      List<TypeMirror> arguments = List.of(route.handlerTypes().get().request(), route.handlerTypes().get().response());
      if (arguments.stream().anyMatch(argument -> argument.getKind() != TypeKind.DECLARED)) {
        String written = arguments.stream().map(TypeMirror::toString).collect(Collectors.joining(", "));
        findings.add(Finding.at(type, ErrorMessages.handlerNotConcrete(name, written)));
      }
    }
    if (accessible) {
      publicNoArgConstructor(type).ifPresentOrElse(
          constructor -> checkedExceptions(constructor).ifPresent(
              thrown -> findings.add(Finding.at(constructor, ErrorMessages.constructorThrows(name, thrown)))),
          () -> findings.add(Finding.at(type, ErrorMessages.noConstructor(name))));
    }
    return findings;
  }

  private static Optional<ExecutableElement> publicNoArgConstructor(TypeElement type) {
    return ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .filter(c -> c.getParameters().isEmpty() && c.getModifiers().contains(Modifier.PUBLIC))
        .findFirst();
  }

  /** The checked exceptions a constructor declares, joined; empty if it declares none. */
  private Optional<String> checkedExceptions(ExecutableElement constructor) {
    TypeMirror runtime = elements.getTypeElement(RuntimeException.class.getName()).asType();
    TypeMirror error = elements.getTypeElement(Error.class.getName()).asType();
    List<String> checked = constructor.getThrownTypes().stream()
        .filter(thrown -> !types.isAssignable(thrown, runtime) && !types.isAssignable(thrown, error))
        .map(TypeMirror::toString)
        .toList();
    return checked.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", checked));
  }

  private static PackageElement packageOf(Element element) {
    Element e = element;
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return (PackageElement) e;
  }

  private static String kindName(TypeElement type) {
    return switch (type.getKind()) {
      case INTERFACE -> "interface";
      case ENUM -> "enum";
      case ANNOTATION_TYPE -> "annotation type";
      default -> type.getKind().toString().toLowerCase();
    };
  }
}
