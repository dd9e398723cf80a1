package dev.nm.route.processor.model;

import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Whether a type is, or is a subtype of, a type named by its qualified name, type arguments aside. */
public final class Subtypes {
  private final Elements elements;
  private final Types types;

  public Subtypes(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /** False too where no type of that name is on the compilation's class path. */
  public boolean isA(TypeMirror type, String qualifiedName) {
    TypeElement target = elements.getTypeElement(qualifiedName);
    return target != null && types.isAssignable(types.erasure(type), types.erasure(target.asType()));
  }
}
