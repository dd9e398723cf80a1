/**
 * Writes what a clean route needs at run time: the route table source, its {@code META-INF/services} entry
 * and the JSON Schemas of request and response. Works only from {@code model}; never imports
 * {@code validation}, and is only ever handed routes that passed it.
 */
package dev.nm.route.processor.generation;
