package dev.nm.route.processor.model;

import javax.lang.model.element.AnnotationMirror;

/**
 * One {@code @InvalidCase}.
 *
 * @param mirror the annotation, for reporting at it
 * @param name the case's name
 * @param request the payload as JSON text, unparsed
 * @param code the name of the expected {@code ErrorCode} constant
 * @param field the expected {@code details.field}; empty if not written
 */
public record InvalidCaseModel(AnnotationMirror mirror, String name, String request, String code, String field) {}
