/**
 * The rules a {@code @NativeRoute} class must satisfy. Each rule is a small class that returns
 * {@link dev.nm.route.processor.validation.Finding}s about one route; {@link
 * dev.nm.route.processor.validation.RouteValidator} gathers them into a report, and only clean routes are
 * generated. Message texts live in {@link dev.nm.route.processor.validation.ErrorMessages}.
 */
package dev.nm.route.processor.validation;
