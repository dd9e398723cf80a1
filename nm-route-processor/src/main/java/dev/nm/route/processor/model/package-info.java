/**
 * The neutral model of a route: {@link dev.nm.route.processor.model.RouteModel} and the small readers that
 * adapt {@code javax.lang.model} into it. Validation and generation work from this model, never from raw
 * annotations.
 */
package dev.nm.route.processor.model;
