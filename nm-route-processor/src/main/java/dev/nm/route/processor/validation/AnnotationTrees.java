package dev.nm.route.processor.validation;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.nm.route.processor.model.AnnotationValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic;

/**
 * Reports a finding where an annotation the compiler cannot place is written: one a repeatable annotation's
 * container holds (javac synthesises the container, and reports on the class's line), or one nested in another's
 * member ({@code @Expect} in {@code @ValidCase}). It follows the mirrors and javac's trees of the element's
 * annotations side by side. Outside javac, or where the source is not at hand, it reports nothing.
 */
final class AnnotationTrees {
  private AnnotationTrees() {}

  /** Reports {@code message} at {@code target}'s {@code member} (else at {@code target}); false if it cannot. */
  static boolean report(
      ProcessingEnvironment env, Element element, AnnotationMirror target, Optional<String> member, String message) {
    try {
      Trees trees = Trees.instance(env);
      TreePath path = trees.getPath(element);
      if (path == null) {
        return false;
      }
      List<? extends AnnotationTree> written = modifiersOf(path.getLeaf());
      AnnotationTree found = null;
      for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
        found = findAmongWritten(mirror, written, target).orElse(null);
        if (found != null) {
          break;
        }
      }
      if (found == null) {
        return false;
      }
      AnnotationTree annotationTree = found;
      Tree at = member.flatMap(name -> argument(annotationTree, name)).map(Tree.class::cast).orElse(annotationTree);
      trees.printMessage(Diagnostic.Kind.ERROR, message, at, path.getCompilationUnit());
      return true;
    } catch (IllegalArgumentException | LinkageError e) {
      return false; // not javac
    }
  }

  private static List<? extends AnnotationTree> modifiersOf(Tree declaration) {
    if (declaration instanceof com.sun.source.tree.ClassTree type) {
      return type.getModifiers().getAnnotations();
    }
    if (declaration instanceof com.sun.source.tree.MethodTree method) {
      return method.getModifiers().getAnnotations();
    }
    if (declaration instanceof com.sun.source.tree.VariableTree variable) {
      return variable.getModifiers().getAnnotations();
    }
    return List.of();
  }

  /**
   * {@code mirror}, one of the element's annotations, among the annotations written on it: its own tree, or, for a
   * container javac made of repeated annotations, the trees of those, in order.
   */
  private static Optional<AnnotationTree> findAmongWritten(
      AnnotationMirror mirror, List<? extends AnnotationTree> written, AnnotationMirror target) {
    List<AnnotationTree> ofItsType = ofType(written, mirror);
    if (ofItsType.size() == 1) {
      return find(mirror, ofItsType.get(0), target);
    }
    if (!ofItsType.isEmpty()) {
      return Optional.empty();
    }
    // No tree of the mirror's type: a container javac synthesised; its value holds the repeated annotations.
    List<AnnotationMirror> contained = Finding.writtenValue(mirror, "value")
        .map(value -> value.getValue() instanceof List<?> list ? list : List.of())
        .orElse(List.of())
        .stream()
        .map(value -> ((AnnotationValue) value).getValue())
        .filter(AnnotationMirror.class::isInstance)
        .map(AnnotationMirror.class::cast)
        .toList();
    if (contained.isEmpty()) {
      return Optional.empty();
    }
    List<AnnotationTree> repeatedTrees = ofType(written, contained.get(0));
    if (repeatedTrees.size() != contained.size()) {
      return Optional.empty();
    }
    for (int i = 0; i < contained.size(); i++) {
      Optional<AnnotationTree> found = find(contained.get(i), repeatedTrees.get(i), target);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** {@code target} within {@code mirror}, whose tree is {@code tree}: itself, or an annotation in its members. */
  private static Optional<AnnotationTree> find(AnnotationMirror mirror, AnnotationTree tree, AnnotationMirror target) {
    if (mirror == target) {
      return Optional.of(tree);
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : mirror.getElementValues().entrySet()) {
      Optional<ExpressionTree> argument = argument(tree, entry.getKey().getSimpleName().toString());
      if (argument.isEmpty()) {
        continue;
      }
      List<AnnotationMirror> nested = new ArrayList<>();
      Object value = entry.getValue().getValue();
      if (value instanceof AnnotationMirror single) {
        nested.add(single);
      } else if (value instanceof List<?> list) {
        for (Object element : list) {
          if (element instanceof AnnotationValue v && v.getValue() instanceof AnnotationMirror m) {
            nested.add(m);
          }
        }
      }
      if (nested.isEmpty()) {
        continue;
      }
      List<? extends ExpressionTree> nestedTrees =
          argument.get() instanceof NewArrayTree array ? array.getInitializers() : List.of(argument.get());
      if (nestedTrees == null || nestedTrees.size() != nested.size()) {
        continue;
      }
      for (int i = 0; i < nested.size(); i++) {
        if (nestedTrees.get(i) instanceof AnnotationTree nestedTree) {
          Optional<AnnotationTree> found = find(nested.get(i), nestedTree, target);
          if (found.isPresent()) {
            return found;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The value written for {@code member} ({@code value} may be written without its name). */
  private static Optional<ExpressionTree> argument(AnnotationTree tree, String member) {
    for (ExpressionTree argument : tree.getArguments()) {
      if (argument instanceof AssignmentTree assignment) {
        if (assignment.getVariable().toString().equals(member)) {
          return Optional.of(assignment.getExpression());
        }
      } else if (member.equals("value")) {
        return Optional.of(argument);
      }
    }
    return Optional.empty();
  }

  private static List<AnnotationTree> ofType(List<? extends AnnotationTree> trees, AnnotationMirror mirror) {
    String qualified = AnnotationValues.typeName(mirror);
    List<AnnotationTree> matching = new ArrayList<>();
    for (AnnotationTree tree : trees) {
      String written = tree.getAnnotationType().toString();
      if (qualified.equals(written) || qualified.endsWith("." + written)) {
        matching.add(tree);
      }
    }
    return matching;
  }

}
