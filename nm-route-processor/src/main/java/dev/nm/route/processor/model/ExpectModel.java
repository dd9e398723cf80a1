package dev.nm.route.processor.model;

import javax.lang.model.element.AnnotationMirror;

/**
 * One {@code @Expect} of a valid case.
 *
 * @param mirror the annotation, for reporting at it
 * @param path the JSON Pointer as written
 * @param equalTo the JSON text the value must equal; empty if unused
 * @param matches the regular expression the value must match; empty if unused
 */
public record ExpectModel(AnnotationMirror mirror, String path, String equalTo, String matches) {}
