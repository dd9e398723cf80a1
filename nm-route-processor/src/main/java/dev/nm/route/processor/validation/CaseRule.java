package dev.nm.route.processor.validation;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nm.route.processor.model.ExpectModel;
import dev.nm.route.processor.model.InvalidCaseModel;
import dev.nm.route.processor.model.RouteModel;
import dev.nm.route.processor.model.ValidCaseModel;
import dev.nm.route.processor.model.WireNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;

/**
 * [NmRouteBadCase]: each declared case can run. Requests are JSON objects; {@code @Expect} paths are JSON
 * Pointers, {@code equalTo} is JSON and {@code matches} a regular expression; a {@code VALIDATION_ERROR}
 * case names a field whose first segment is a wire name of the request record; only streaming routes
 * expect events.
 */
final class CaseRule implements RouteRule {
  private static final String VALIDATION_ERROR = "VALIDATION_ERROR";
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final Pattern FIELD_SEGMENT_END = Pattern.compile("[.\\[]");

  @Override
  public List<Finding> check(RouteModel route) {
    List<Finding> findings = new ArrayList<>();
    for (ValidCaseModel valid : route.validCases()) {
      requestProblem(valid.request())
          .ifPresent(problem -> findings.add(at(route, valid.mirror(), "request", ErrorMessages.requestNotObject(valid.name(), problem))));
      for (ExpectModel expect : valid.expects()) {
        expectFindings(route, valid.name(), expect, findings);
      }
      if (valid.minEvents() > 0 && !route.streaming()) {
        findings.add(at(route, valid.mirror(), "minEvents", ErrorMessages.eventsWithoutStreaming(valid.name(), route.name())));
      }
    }
    for (InvalidCaseModel invalid : route.invalidCases()) {
      requestProblem(invalid.request())
          .ifPresent(problem -> findings.add(at(route, invalid.mirror(), "request", ErrorMessages.requestNotObject(invalid.name(), problem))));
      if (invalid.code().equals(VALIDATION_ERROR)) {
        fieldFinding(route, invalid).ifPresent(findings::add);
      }
    }
    return findings;
  }

  private void expectFindings(RouteModel route, String caseName, ExpectModel expect, List<Finding> findings) {
    try {
      JsonPointer.compile(expect.path());
    } catch (IllegalArgumentException notPointer) {
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
      return Optional.of("it is not valid JSON (" + notJson.getOriginalMessage() + ")");
    }
    if (payload == null || payload.isMissingNode()) {
      return Optional.of("it is empty");
    }
    return payload.isObject() ? Optional.empty() : Optional.of("it is a JSON " + payload.getNodeType().toString().toLowerCase());
  }

  private static Optional<Finding> fieldFinding(RouteModel route, InvalidCaseModel invalid) {
    if (invalid.field().isEmpty()) {
      return Optional.of(at(route, invalid.mirror(), "code", ErrorMessages.missingField(invalid.name())));
    }
    Optional<TypeElement> record =
        route.handlerTypes()
            .map(RouteModel.HandlerTypes::request)
            .filter(DeclaredType.class::isInstance)
            .map(type -> (TypeElement) ((DeclaredType) type).asElement())
            .filter(type -> type.getKind() == ElementKind.RECORD);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    List<String> wireNames = record.get().getRecordComponents().stream().map(WireNames::property).sorted().toList();
    String firstSegment = FIELD_SEGMENT_END.split(invalid.field(), 2)[0];
    return wireNames.contains(firstSegment)
        ? Optional.empty()
        : Optional.of(
            at(route, invalid.mirror(), "field",
                ErrorMessages.unknownField(
                    invalid.name(), invalid.field(), record.get().getSimpleName().toString(), wireNames.toString())));
  }

  private static Finding at(RouteModel route, AnnotationMirror mirror, String member, String message) {
    return Finding.at(route.element(), mirror, member, message);
  }
}
