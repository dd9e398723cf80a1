/**
 * The {@code @NativeRoute} annotation processor: {@link dev.nm.route.processor.NativeRouteProcessor} reads
 * each route into a {@code model}, checks it with {@code validation}, and hands clean routes to
 * {@code generation}.
 *
 * <p>Code is written with Palantir's JavaPoet ({@code com.palantir.javapoet}), the maintained fork that
 * Square's README points to now that {@code com.squareup:javapoet} is deprecated; it understands records and
 * sealed types, which route sources use.
 */
package dev.nm.route.processor;
