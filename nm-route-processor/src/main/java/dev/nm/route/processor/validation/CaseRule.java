package dev.nm.route.processor.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nm.route.processor.model.BuiltInConstraints;
import dev.nm.route.processor.model.ExpectModel;
import dev.nm.route.processor.model.InvalidCaseModel;
import dev.nm.route.processor.model.RouteModel;
import dev.nm.route.processor.model.ValidCaseModel;
import dev.nm.route.processor.model.WireNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;

/**
 * [NmRouteBadCase]: each declared case can run. Requests are JSON objects; {@code @Expect} paths are JSON
 * Pointers, {@code equalTo} is JSON and {@code matches} a regular expression; a {@code VALIDATION_ERROR}
 * case names a field whose first segment is a wire name of the request record; only streaming routes
 * expect events; a valid case sends only properties the request record has; no case expects
 * {@code INTERNAL_ERROR}, the host's answer to a handler that failed, which any bug would satisfy; not every
 * invalid case is refused only for a property the request record lacks, which any record refuses. (An invalid case's field may
 * also name a property its own request adds, for the host reports an unknown property at its name, or be
 * {@code payload}, the name the host gives the request's root: a record constructor that throws, a class-level
 * constraint.) An invalid case's request sends no misspelt wire name ({@code maxTokens} for {@code max_tokens}):
 * the host refuses it as unknown before any rule of the route runs, so the case would pass without testing one.
 */
final class CaseRule implements RouteRule {
  private static final String VALIDATION_ERROR = "VALIDATION_ERROR";
  private static final String INTERNAL_ERROR = "INTERNAL_ERROR";
  /**
   * The field the host reports a refusal of the whole request at (nm-host's {@code WirePath.ROOT}): a request
   * record's constructor that throws, a class-level constraint, a payload that is no JSON object.
   */
  private static final String ROOT_FIELD = "payload";
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  /** RFC 6901: empty, or '/'-prefixed segments in which '~' only starts the escapes ~0 and ~1. */
  private static final Pattern JSON_POINTER = Pattern.compile("(/([^/~]|~[01])*)*");
  private static final Pattern FIELD_SEGMENT_END = Pattern.compile("[.\\[]");
  /** A JSON Pointer segment that indexes an array (RFC 6901), or its end. */
  private static final Pattern ARRAY_INDEX = Pattern.compile("0|[1-9][0-9]*|-");

  @Override
  public List<Finding> check(RouteModel route) {
    List<Finding> findings = new ArrayList<>();
    Optional<TypeElement> record = requestRecord(route);
    Optional<TypeElement> replyRecord = replyRecord(route);
    for (ValidCaseModel valid : route.validCases()) {
      Optional<String> problem = requestProblem(valid.request());
      problem.ifPresent(p -> findings.add(at(route, valid.mirror(), "request", ErrorMessages.requestNotObject(valid.name(), p))));
      if (problem.isEmpty() && record.isPresent()) {
        unknownProperty(valid.request(), record.get())
            .ifPresent(property -> findings.add(
                at(route, valid.mirror(), "request",
                    ErrorMessages.unknownRequestProperty(
                        valid.name(), property, record.get().getSimpleName().toString(), wireNames(record.get()).toString()))));
        valueFindings(route, valid, record.get(), findings);
      }
      for (ExpectModel expect : valid.expects()) {
        expectFindings(route, valid.name(), expect, findings);
        replyRecord.ifPresent(reply -> replyPathFinding(route, valid.name(), expect, reply).ifPresent(findings::add));
      }
      if (valid.minEvents() > 0 && !route.streaming()) {
        findings.add(at(route, valid.mirror(), "minEvents", ErrorMessages.eventsWithoutStreaming(valid.name(), route.name())));
      }
    }
    // A record without components can be refused for nothing else.
    if (record.isPresent() && !record.get().getRecordComponents().isEmpty() && !route.invalidCases().isEmpty()
        && route.invalidCases().stream().allMatch(invalid -> sendsOnlyAnUnknownProperty(record.get(), invalid))) {
      findings.add(Finding.at(route.element(), ErrorMessages.onlyUnknownPropertyCases(route.name())));
    }
    for (InvalidCaseModel invalid : route.invalidCases()) {
      Optional<String> problem = requestProblem(invalid.request());
      problem.ifPresent(p -> findings.add(at(route, invalid.mirror(), "request", ErrorMessages.requestNotObject(invalid.name(), p))));
      if (problem.isEmpty() && record.isPresent()) {
        misspeltPropertyFinding(route, record.get(), invalid).ifPresent(findings::add);
      }
      if (invalid.code().equals(VALIDATION_ERROR)) {
        fieldFinding(route, record, invalid).ifPresent(findings::add);
      } else if (invalid.code().equals(INTERNAL_ERROR)) {
        findings.add(at(route, invalid.mirror(), "code", ErrorMessages.crashExpected(invalid.name())));
      }
    }
    return findings;
  }

  /**
   * A valid case's request leaves out a property the host requires, or holds a value of a JSON type its
   * component cannot take: the host would refuse it. Judged only where the record is bound plainly.
   */
  private static void valueFindings(RouteModel route, ValidCaseModel valid, TypeElement record, List<Finding> findings) {
    if (!CaseValues.plainlyBound(record)) {
      return;
    }
    JsonNode payload;
    try {
      payload = JSON.readTree(valid.request());
    } catch (JsonProcessingException notJson) {
      return;
    }
    String recordName = record.getSimpleName().toString();
    List<String> missing = new ArrayList<>();
    for (RecordComponentElement component : record.getRecordComponents()) {
      if (!CaseValues.plainlyBound(component)) {
        continue;
      }
      String wireName = WireNames.property(component);
      JsonNode value = payload.get(wireName);
      if (value == null || value.isNull()) {
        if (BuiltInConstraints.required(component) || value == null && BuiltInConstraints.requiredByJackson(component)) {
          missing.add(wireName);
        }
        continue;
      }
      CaseValues.mismatch(component, value)
          .ifPresent(mismatch -> findings.add(
              at(route, valid.mirror(), "request",
                  ErrorMessages.wrongJsonType(
                      valid.name(), wireName, mismatch.actual(), recordName + "." + component.getSimpleName(),
                      mismatch.expected()))));
    }
    if (!missing.isEmpty()) {
      findings.add(
          at(route, valid.mirror(), "request",
              ErrorMessages.missingRequiredProperties(valid.name(), recordName, missing.stream().sorted().toList().toString())));
    }
  }

  private void expectFindings(RouteModel route, String caseName, ExpectModel expect, List<Finding> findings) {
    if (!JSON_POINTER.matcher(expect.path()).matches()) {
      findings.add(at(route, expect.mirror(), "path", ErrorMessages.pathNotPointer(caseName, expect.path())));
    }
    if (!expect.equalTo().isEmpty()) {
      try {
        JSON.readTree(expect.equalTo());
      } catch (JsonProcessingException notJson) {
        findings.add(at(route, expect.mirror(), "equalTo", ErrorMessages.equalToNotJson(caseName, expect.equalTo())));
      }
    }
    if (!expect.matches().isEmpty()) {
      try {
        Pattern.compile(expect.matches());
      } catch (PatternSyntaxException notRegex) {
        findings.add(
            at(route, expect.mirror(), "matches",
                ErrorMessages.matchesNotRegex(caseName, expect.matches(), notRegex.getDescription())));
      }
    }
  }

  private static Optional<String> requestProblem(String request) {
    JsonNode payload;
    try {
      payload = JSON.readTree(request);
    } catch (JsonProcessingException notJson) {
      return Optional.of("it is not valid JSON: " + ErrorMessages.jsonSyntax(request, notJson));
    }
    if (payload == null || payload.isMissingNode()) {
      return Optional.of("it is empty");
    }
    return payload.isObject() ? Optional.empty() : Optional.of("it is a JSON " + payload.getNodeType().toString().toLowerCase());
  }

  private static Optional<Finding> fieldFinding(RouteModel route, Optional<TypeElement> record, InvalidCaseModel invalid) {
    if (invalid.field().isEmpty()) {
      return Optional.of(at(route, invalid.mirror(), "code", ErrorMessages.missingField(invalid.name())));
    }
    if (record.isEmpty() || invalid.field().equals(ROOT_FIELD)) {
      return Optional.empty();
    }
    List<String> wireNames = wireNames(record.get());
    String firstSegment = firstSegment(invalid.field());
    return wireNames.contains(firstSegment) || requestHasProperty(invalid.request(), firstSegment)
        ? Optional.empty()
        : Optional.of(
            at(route, invalid.mirror(), "field",
                ErrorMessages.unknownField(
                    invalid.name(), invalid.field(), record.get().getSimpleName().toString(), wireNames.toString())));
  }

  /**
   * The first top-level property the invalid case's request sends that the record lacks, though it is one of
   * the record's wire names spelt another way (compared ignoring case, '_' and '-'): {@code maxTokens},
   * {@code MAX_TOKENS}, {@code max-tokens} for {@code max_tokens}. The host refuses it as an unknown property,
   * before binding and validation, so the case passes whatever rule it meant to break. Judged only where the
   * record and the component are bound plainly (no {@code @JsonAlias}, {@code @JsonIgnoreProperties}, ...).
   */
  private static Optional<Finding> misspeltPropertyFinding(RouteModel route, TypeElement record, InvalidCaseModel invalid) {
    if (!CaseValues.plainlyBound(record)) {
      return Optional.empty();
    }
    List<String> wireNames = wireNames(record);
    Iterator<String> properties;
    try {
      properties = JSON.readTree(invalid.request()).fieldNames();
    } catch (JsonProcessingException notJson) {
      return Optional.empty();
    }
    while (properties.hasNext()) {
      String property = properties.next();
      if (wireNames.contains(property)) {
        continue;
      }
      for (RecordComponentElement component : record.getRecordComponents()) {
        String wireName = WireNames.property(component);
        if (CaseValues.plainlyBound(component) && loosely(wireName).equals(loosely(property))) {
          return Optional.of(
              at(route, invalid.mirror(), "request",
                  ErrorMessages.misspeltRequestProperty(
                      invalid.name(), property, wireName, record.getSimpleName().toString())));
        }
      }
    }
    return Optional.empty();
  }

  /** A property name without case, '_' or '-': the spelling a near miss shares with the wire name. */
  private static String loosely(String name) {
    return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }

  /** Whether the case is refused for a property the record lacks, as every record refuses one. */
  private static boolean sendsOnlyAnUnknownProperty(TypeElement record, InvalidCaseModel invalid) {
    String firstSegment = firstSegment(invalid.field());
    return invalid.code().equals(VALIDATION_ERROR) && !invalid.field().isEmpty()
        && !wireNames(record).contains(firstSegment) && requestHasProperty(invalid.request(), firstSegment);
  }

  /** The property a {@code details.field} path starts with: {@code items} of {@code items[0].name}. */
  private static String firstSegment(String field) {
    return FIELD_SEGMENT_END.split(field, 2)[0];
  }

  /**
   * An {@code @Expect} path whose first segment names no property of the reply record, which the host writes
   * by the components' wire names. A path that is not a pointer is reported already; "" (the whole value) and
   * an array index are not property names.
   */
  private static Optional<Finding> replyPathFinding(RouteModel route, String caseName, ExpectModel expect, TypeElement reply) {
    String path = expect.path();
    if (path.isEmpty() || !JSON_POINTER.matcher(path).matches()) {
      return Optional.empty();
    }
    String encoded = path.substring(1).split("/", -1)[0];
    String property = encoded.replace("~1", "/").replace("~0", "~");
    List<String> wireNames = wireNames(reply);
    if (wireNames.contains(property) || ARRAY_INDEX.matcher(property).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        at(route, expect.mirror(), "path",
            ErrorMessages.unknownReplyProperty(caseName, path, property, reply.getSimpleName().toString(), wireNames.toString())));
  }

  /** The reply type, if it is a record that Jackson writes as its components alone. */
  private static Optional<TypeElement> replyRecord(RouteModel route) {
    return route.handlerTypes()
        .map(RouteModel.HandlerTypes::response)
        .filter(RecordTypesRule::isRecord)
        .map(type -> (TypeElement) ((DeclaredType) type).asElement())
        .filter(CaseValues::plainlyWritten);
  }

  /** The request type, if it is a record: then its properties are known and closed. */
  private static Optional<TypeElement> requestRecord(RouteModel route) {
    return route.handlerTypes()
        .map(RouteModel.HandlerTypes::request)
        .filter(DeclaredType.class::isInstance)
        .map(type -> (TypeElement) ((DeclaredType) type).asElement())
        .filter(type -> type.getKind() == ElementKind.RECORD);
  }

  private static List<String> wireNames(TypeElement record) {
    return record.getRecordComponents().stream().map(WireNames::property).sorted().toList();
  }

  /** The first top-level property of {@code request} (a JSON object) that {@code record} does not have. */
  private static Optional<String> unknownProperty(String request, TypeElement record) {
    List<String> wireNames = wireNames(record);
    try {
      Iterator<String> properties = JSON.readTree(request).fieldNames();
      while (properties.hasNext()) {
        String property = properties.next();
        if (!wireNames.contains(property)) {
          return Optional.of(property);
        }
      }
    } catch (JsonProcessingException notJson) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean requestHasProperty(String request, String name) {
    try {
      return JSON.readTree(request).has(name);
    } catch (JsonProcessingException notJson) {
      return false;
    }
  }

  private static Finding at(RouteModel route, AnnotationMirror mirror, String member, String message) {
    return Finding.at(route.element(), mirror, member, message);
  }
}
