package dev.nm.route.processor.model;

/**
 * Qualified names of the annotations and types the processor reads. Referenced by name, as Micronaut does,
 * so nothing is loaded from the user's class path at compile time.
 */
public final class AnnotationNames {
  public static final String NATIVE_ROUTE = "dev.nm.route.NativeRoute";
  public static final String VALID_CASE = "dev.nm.route.ValidCase";
  public static final String VALID_CASES = "dev.nm.route.ValidCases";
  public static final String INVALID_CASE = "dev.nm.route.InvalidCase";
  public static final String INVALID_CASES = "dev.nm.route.InvalidCases";
  public static final String ROUTE_HANDLER = "dev.nm.route.RouteHandler";
  public static final String REQUEST_VALIDATOR = "dev.nm.route.RequestValidator";
  public static final String JSON_PROPERTY = "com.fasterxml.jackson.annotation.JsonProperty";
  public static final String JSON_CREATOR = "com.fasterxml.jackson.annotation.JsonCreator";
  public static final String JSON_VALUE = "com.fasterxml.jackson.annotation.JsonValue";
  public static final String JSON_NAMING = "com.fasterxml.jackson.databind.annotation.JsonNaming";
  public static final String JSON_INCLUDE = "com.fasterxml.jackson.annotation.JsonInclude";
  public static final String JSON_NODE = "com.fasterxml.jackson.databind.JsonNode";
  /** The package of Jakarta Bean Validation's built-in constraints. */
  public static final String JAKARTA_CONSTRAINTS_PACKAGE = "jakarta.validation.constraints";
  public static final String JAKARTA_VALID = "jakarta.validation.Valid";
  public static final String JAKARTA_CONSTRAINT = "jakarta.validation.Constraint";

  private AnnotationNames() {}
}
