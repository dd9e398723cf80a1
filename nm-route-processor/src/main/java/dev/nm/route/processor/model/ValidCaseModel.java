package dev.nm.route.processor.model;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;

/**
 * One {@code @ValidCase}.
 *
 * @param mirror the annotation, for reporting at it
 * @param name the case's name
 * @param request the payload as JSON text, unparsed
 * @param expects the {@code @Expect}s, in source order
 * @param minEvents the least number of events before the reply
 */
public record ValidCaseModel(
    AnnotationMirror mirror, String name, String request, List<ExpectModel> expects, int minEvents) {

  public ValidCaseModel {
    expects = List.copyOf(expects);
  }
}
