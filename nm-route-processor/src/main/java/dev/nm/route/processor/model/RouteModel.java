package dev.nm.route.processor.model;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/**
 * One {@code @NativeRoute} class as the processor sees it: the annotation's members, the handler's type
 * arguments and the declared cases. Keeps the class {@link #element} and the annotation mirror so that
 * findings can be reported where the fault is written.
 *
 * @param element the route class
 * @param annotation the {@code @NativeRoute} mirror on it
 * @param name the declared wire name
 * @param declaredDescription {@code description} as written; empty if not written
 * @param javadocDescription the first paragraph of the class Javadoc, whitespace-normalised; empty if none
 * @param tags the declared tags, in source order
 * @param streaming whether the route streams events
 * @param scope the scope a caller needs; empty if none
 * @param optionScopes the scopes that unlock parts of the route beyond {@code scope}, in source order
 * @param rateTier the name of the {@code RateTier} constant
 * @param handlerTypes {@code Q} and {@code R} of the {@code RouteHandler<Q, R>} the class implements, if it
 *     does (directly or through supertypes); they may still be type variables
 * @param validatedType {@code Q} of the {@code RequestValidator<Q>} the class implements, if it does
 * @param validCases the {@code @ValidCase}s, in source order
 * @param invalidCases the {@code @InvalidCase}s, in source order
 */
public record RouteModel(
    TypeElement element,
    AnnotationMirror annotation,
    String name,
    String declaredDescription,
    String javadocDescription,
    List<String> tags,
    boolean streaming,
    String scope,
    List<String> optionScopes,
    String rateTier,
    Optional<HandlerTypes> handlerTypes,
    Optional<TypeMirror> validatedType,
    List<ValidCaseModel> validCases,
    List<InvalidCaseModel> invalidCases) {

  public RouteModel {
    tags = List.copyOf(tags);
    optionScopes = List.copyOf(optionScopes);
    validCases = List.copyOf(validCases);
    invalidCases = List.copyOf(invalidCases);
  }

  /** The description a host shows: the declared one, else the Javadoc's first paragraph; may be empty. */
  public String description() {
    return declaredDescription.isBlank() ? javadocDescription : declaredDescription;
  }

  /** The request and response types of a route's {@code RouteHandler<Q, R>}. */
  public record HandlerTypes(TypeMirror request, TypeMirror response) {}
}
