package dev.nm.routes.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RequestValidator;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import dev.nm.route.Violations;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.generation.Completion;
import dev.nm.routes.generation.GenerationRequest;
import dev.nm.routes.generation.GenerationService;
import dev.nm.routes.generation.Prompt;
import dev.nm.routes.settings.SamplingDefaults;
import dev.nm.routes.settings.SamplingRanges.MaxTokens;
import dev.nm.routes.settings.SamplingRanges.Probability;
import dev.nm.routes.settings.SamplingRanges.Temperature;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A subset of OpenAI's Responses API: {@code input} as a string or messages, {@code instructions}, sampling and
 * {@code max_output_tokens}. With {@code stream}: {@code response.created}, then one
 * {@code response.output_text.delta} per piece of text, then {@code response.completed}.
 */
@NativeRoute(
    name = "responses",
    description = "Answers input text or messages (a subset of OpenAI Responses: instructions, sampling, max_output_tokens);"
        + " with stream, response.created, response.output_text.delta and response.completed events.",
    tags = {"ai", "chat"},
    streaming = true,
    rateTier = RateTier.HEAVY)
@ValidCase(
    name = "incomplete at max_output_tokens",
    request = "{\"input\": \"What is the capital of France?\", \"temperature\": 0, \"max_output_tokens\": 2}",
    expect = {
      @Expect(path = "/object", equalTo = "\"response\""),
      @Expect(path = "/status", equalTo = "\"incomplete\""),
      @Expect(path = "/incomplete_details/reason", equalTo = "\"max_output_tokens\""),
      @Expect(path = "/output/0/content/0/type", equalTo = "\"output_text\""),
      @Expect(path = "/usage/output_tokens", equalTo = "2")
    })
@ValidCase(
    name = "streamed from messages",
    request = "{\"input\": [{\"role\": \"user\", \"content\": \"Say hi.\"}], \"instructions\": \"Be brief.\", \"temperature\": 0,"
        + " \"max_output_tokens\": 3, \"stream\": true}",
    minEvents = 3,
    expect = @Expect(path = "/usage/output_tokens", equalTo = "3"))
@InvalidCase(name = "no input", request = "{}", code = ErrorCode.VALIDATION_ERROR, field = "input")
@InvalidCase(name = "input is a number", request = "{\"input\": 3}", code = ErrorCode.VALIDATION_ERROR, field = "input")
@InvalidCase(
    name = "unknown role",
    request = "{\"input\": [{\"role\": \"tool\", \"content\": \"x\"}]}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "input[0].role")
public final class ResponsesRoute implements RouteHandler<ResponsesRoute.Request, ResponsesRoute.Response>, RequestValidator<ResponsesRoute.Request> {
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
  private static final Set<String> TEXT_PARTS = Set.of("input_text", "output_text", "text");

  /**
   * @param input a string (one user message) or an array of {@code {"role", "content"}} messages, content a string
   *     or {@code input_text} parts
   * @param instructions a system message placed first
   */
  public record Request(
      @Size(max = 256) String model,
      @NotNull JsonNode input,
      @Size(max = 1_000_000) String instructions,
      @Temperature Double temperature,
      @Probability Double topP,
      @MaxTokens Integer maxOutputTokens,
      Boolean stream,
      @Size(max = 256) String sessionId) {}

  /**
   * @param status {@code completed}, or {@code incomplete} when cut by {@code max_output_tokens} or stopped
   * @param incompleteDetails why it is incomplete: {@code max_output_tokens} or {@code cancelled}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Response(
      String id,
      String object,
      long createdAt,
      String status,
      String model,
      List<OutputMessage> output,
      IncompleteDetails incompleteDetails,
      ResponseUsage usage) {}

  public record OutputMessage(String type, String id, String status, String role, List<OutputText> content) {}

  public record OutputText(String type, String text, List<Object> annotations) {}

  public record IncompleteDetails(String reason) {}

  public record ResponseUsage(int inputTokens, int outputTokens, int totalTokens) {}

  /** The {@code data} of {@code response.created} and {@code response.completed}. */
  public record Lifecycle(String type, Response response) {}

  /** The {@code data} of {@code response.output_text.delta}. */
  public record TextDelta(String type, String itemId, int outputIndex, int contentIndex, String delta) {}

  @Override
  public void validate(Request request, Violations violations) {
    JsonNode input = request.input();
    if (input.isTextual()) {
      return;
    }
    if (!input.isArray() || input.isEmpty()) {
      violations.add("input", "must be a string or a non-empty array of messages");
      return;
    }
    for (int i = 0; i < input.size(); i++) {
      JsonNode message = input.get(i);
      if (!ROLES.contains(message.path("role").asText())) {
        violations.add("input[" + i + "].role", "must be system, developer, user or assistant");
      }
      JsonNode content = message.path("content");
      boolean textParts = content.isArray() && !content.isEmpty();
      for (JsonNode part : content) {
        textParts &= TEXT_PARTS.contains(part.path("type").asText()) && part.path("text").isTextual();
      }
      if (!content.isTextual() && !textParts) {
        violations.add("input[" + i + "].content", "must be a string or an array of input_text parts");
      }
    }
  }

  @Override
  public Response handle(Request request, RouteContext context) {
    GenerationService generation = context.service(GenerationService.class);
    String id = "resp_" + UUID.randomUUID().toString().replace("-", "");
    String itemId = "msg_" + UUID.randomUUID().toString().replace("-", "");
    long createdAt = Instant.now().getEpochSecond();
    String model = generation.resolveModel(request.model());
    boolean stream = Boolean.TRUE.equals(request.stream());
    TokenListener listener = TokenListener.NONE;
    if (stream) {
      context.events().emit(
          "response.created",
          new Lifecycle("response.created", new Response(id, "response", createdAt, "in_progress", model, List.of(), null, null)));
      listener =
          text -> context.events().emit("response.output_text.delta", new TextDelta("response.output_text.delta", itemId, 0, 0, text));
    }
    SamplingDefaults sampling =
        new SamplingDefaults(request.temperature(), request.topP(), null, null, null, null, null, null, request.maxOutputTokens());
    Completion completion =
        generation.generate(
            new GenerationRequest(model, new Prompt.Chat(messages(request), "input"), sampling, List.of(), request.sessionId()),
            context,
            listener);
    Response response = response(id, itemId, createdAt, model, completion.result());
    if (stream) {
      context.events().emit("response.completed", new Lifecycle("response.completed", response));
    }
    return response;
  }

  private static List<ChatMessage> messages(Request request) {
    List<ChatMessage> messages = new ArrayList<>();
    if (request.instructions() != null) {
      messages.add(new ChatMessage("system", request.instructions()));
    }
    if (request.input().isTextual()) {
      messages.add(new ChatMessage("user", request.input().asText()));
      return messages;
    }
    for (JsonNode message : request.input()) {
      String role = message.get("role").asText();
      messages.add(new ChatMessage(role.equals("developer") ? "system" : role, OpenAiFields.content(message.get("content"))));
    }
    return messages;
  }

  private static Response response(String id, String itemId, long createdAt, String model, GenerationResult result) {
    IncompleteDetails incomplete =
        switch (result.finishReason()) {
          case STOP -> null;
          case LENGTH -> new IncompleteDetails("max_output_tokens");
          case CANCELLED -> new IncompleteDetails("cancelled");
        };
    OutputMessage message =
        new OutputMessage(
            "message", itemId, incomplete == null ? "completed" : "incomplete", "assistant",
            List.of(new OutputText("output_text", result.text(), List.of())));
    return new Response(
        id,
        "response",
        createdAt,
        result.finishReason() == FinishReason.STOP ? "completed" : "incomplete",
        model,
        List.of(message),
        incomplete,
        new ResponseUsage(result.promptTokens(), result.completionTokens(), result.promptTokens() + result.completionTokens()));
  }
}
