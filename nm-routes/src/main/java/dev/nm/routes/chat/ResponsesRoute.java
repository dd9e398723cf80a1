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
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertFalse;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A subset of OpenAI's Responses API: {@code input} as a string or messages, {@code instructions}, sampling and
 * {@code max_output_tokens}. With {@code stream}, OpenAI's events for one text message, each with its
 * {@code sequence_number}: {@code response.created}, {@code response.in_progress},
 * {@code response.output_item.added}, {@code response.content_part.added}, one {@code response.output_text.delta}
 * per piece of text, {@code response.output_text.done}, {@code response.content_part.done},
 * {@code response.output_item.done}, then {@code response.completed}, or {@code response.incomplete} when cut by
 * {@code max_output_tokens} or stopped.
 */
@NativeRoute(
    name = "responses",
    description = "Answers input text or messages (a subset of OpenAI Responses: instructions, sampling, max_output_tokens);"
        + " with stream, OpenAI's events from response.created through response.output_text.delta to response.completed"
        + " (response.incomplete when cut short).",
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
      @Expect(path = "/usage/output_tokens", equalTo = "2"),
      @Expect(path = "/usage/output_tokens_details/reasoning_tokens", equalTo = "0"),
      @Expect(path = "/usage/input_tokens_details/cached_tokens", equalTo = "0"),
      @Expect(path = "/error", equalTo = "null"),
      @Expect(path = "/instructions", equalTo = "null"),
      @Expect(path = "/max_output_tokens", equalTo = "2"),
      @Expect(path = "/temperature", equalTo = "0.0"),
      @Expect(path = "/top_p", equalTo = "null"),
      @Expect(path = "/text", equalTo = "{\"format\": {\"type\": \"text\"}}"),
      @Expect(path = "/tools", equalTo = "[]"),
      @Expect(path = "/tool_choice", equalTo = "\"none\""),
      @Expect(path = "/parallel_tool_calls", equalTo = "false"),
      @Expect(path = "/metadata", equalTo = "{}"),
      @Expect(path = "/store", equalTo = "false"),
      @Expect(path = "/output/0/content/0/logprobs", equalTo = "[]")
    })
@ValidCase(
    name = "streamed from messages",
    request = "{\"input\": [{\"role\": \"user\", \"content\": \"Say hi.\"}], \"instructions\": \"Be brief.\", \"temperature\": 0,"
        + " \"max_output_tokens\": 3, \"stream\": true, \"store\": false}",
    minEvents = 9,
    expect = {
      @Expect(path = "/usage/output_tokens", equalTo = "3"),
      @Expect(path = "/instructions", equalTo = "\"Be brief.\"")
    })
@ValidCase(
    name = "an answer held to a JSON schema",
    request = "{\"input\": \"What is the capital of France? Answer in JSON.\", \"temperature\": 0, \"max_output_tokens\": 40,"
        + " \"text\": {\"format\": {\"type\": \"json_schema\", \"name\": \"capital\", \"schema\": {\"type\": \"object\","
        + " \"properties\": {\"capital\": {\"type\": \"string\"}}, \"required\": [\"capital\"]}}}}",
    expect = {
      @Expect(path = "/status", equalTo = "\"completed\""),
      @Expect(path = "/output/0/content/0/text", matches = "\\{\\s*\"capital\": \"Paris\"\\s*\\}")
    })
@ValidCase(
    name = "OpenAI's fields that change nothing here, as SDKs send them",
    request = "{\"input\": \"Say hello.\", \"temperature\": 0, \"max_output_tokens\": 2, \"store\": false,"
        + " \"metadata\": {\"app\": \"notes\"}, \"user\": \"u-1\", \"safety_identifier\": \"h-1\", \"parallel_tool_calls\": false,"
        + " \"tools\": [], \"tool_choice\": \"none\", \"truncation\": \"disabled\"}",
    expect = {
      @Expect(path = "/status", equalTo = "\"incomplete\""),
      @Expect(path = "/usage/output_tokens", equalTo = "2"),
      @Expect(path = "/metadata", equalTo = "{\"app\": \"notes\"}"),
      @Expect(path = "/parallel_tool_calls", equalTo = "false")
    })
@InvalidCase(name = "no input", request = "{}", code = ErrorCode.VALIDATION_ERROR, field = "input")
@InvalidCase(
    name = "truncation auto",
    request = "{\"input\": \"hi\", \"truncation\": \"auto\"}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "truncation")
@InvalidCase(
    name = "a metadata value over 512 characters",
    request = "{\"input\": \"hi\", \"metadata\": {\"note\": \"" // and a value of 513 characters:
        + "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
        + "012345678901234567890123456789012345678901234567890123456789012\"}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "metadata.note")
@InvalidCase(
    name = "tool_choice required",
    request = "{\"input\": \"hi\", \"tool_choice\": \"required\"}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "tool_choice")
@InvalidCase(
    name = "json_schema without its schema",
    request = "{\"input\": \"hi\", \"text\": {\"format\": {\"type\": \"json_schema\", \"name\": \"x\"}}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "text.format.schema")
@InvalidCase(name = "input is a number", request = "{\"input\": 3}", code = ErrorCode.VALIDATION_ERROR, field = "input")
@InvalidCase(name = "store true", request = "{\"input\": \"hi\", \"store\": true}", code = ErrorCode.VALIDATION_ERROR, field = "store")
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
   *     or {@code input_text} parts (joined with newlines), roles in any order; read as text, as {@code chat} reads
   *     its messages (a spelled control token is its characters)
   * @param instructions a system message placed first
   * @param store false or absent: this route is stateless and keeps no response to fetch or continue later.
   *     OpenAI's default is true, so code ported from it often says {@code "store": false}.
   * @param text {@code {"format": {"type": "json_schema", "name": ..., "schema": {...}}}} or
   *     {@code {"format": {"type": "json_object"}}} for an answer in JSON, kept to as chat keeps to its
   *     {@code response_format}; free text if absent
   * @param metadata OpenAI's tags for a stored response, echoed in the response and otherwise ignored: at most 16
   *     pairs, keys of at most 64 characters, values strings of at most 512, as OpenAI takes them
   * @param user OpenAI's end-user identifier, ignored
   * @param safetyIdentifier OpenAI's end-user identifier (at most 64 characters), ignored
   * @param parallelToolCalls ignored: this host calls no tools
   * @param tools an empty array or absent: this host calls no tools
   * @param toolChoice {@code "none"} or absent: this host calls no tools
   * @param truncation {@code "disabled"} or absent: this host never drops input to make it fit the context (an input
   *     over it is refused, {@code VALIDATION_ERROR} on {@code input})
   */
  public record Request(
      @Size(max = 256) String model,
      @NotNull JsonNode input,
      @Size(max = 1_000_000) String instructions,
      @Temperature Double temperature,
      @Probability Double topP,
      @MaxTokens Integer maxOutputTokens,
      Boolean stream,
      @AssertFalse(message = "must be false or absent: this host keeps no responses") Boolean store,
      @Valid TextOptions text,
      @Size(max = 256) String sessionId,
      @Size(max = OpenAiFields.METADATA_PAIRS, message = OpenAiFields.METADATA_SIZE) Map<String, String> metadata,
      String user,
      @Size(max = 64) String safetyIdentifier,
      Boolean parallelToolCalls,
      @Size(max = 0, message = OpenAiFields.NO_TOOLS) List<JsonNode> tools,
      JsonNode toolChoice,
      @Pattern(regexp = "disabled", message = "must be \"disabled\" or absent: this host never drops input to make it fit"
          + " the context; shorten the input instead") String truncation) {}

  /** @param format how the answer is written; free text if absent */
  public record TextOptions(@Valid TextFormat format) {}

  /**
   * Responses' spelling of chat's {@code response_format}, with the schema's fields beside its type.
   *
   * @param type {@code text}, {@code json_object} or {@code json_schema}
   * @param schema with {@code json_schema} only: a JSON Schema object
   * @param strict taken as OpenAI defines it; the engine always keeps to the schema
   */
  public record TextFormat(
      @NotNull @Pattern(regexp = "text|json_object|json_schema", message = "must be text, json_object or json_schema")
          String type,
      @Size(max = 64) @Pattern(regexp = "[a-zA-Z0-9_-]*", message = "must be letters, digits, _ and - only") String name,
      @Size(max = 4096) String description,
      JsonNode schema,
      Boolean strict) {}

  /**
   * OpenAI's response object. The fields of what this host does not do hold what it does: no tools, nothing stored.
   *
   * @param status {@code in_progress} in the events that open a stream; {@code completed}, or {@code incomplete}
   *     when cut by {@code max_output_tokens} or stopped
   * @param error always null: a response that fails is the call's failure, a protocol error
   * @param incompleteDetails why it is incomplete: {@code max_output_tokens} or {@code cancelled}; null otherwise
   * @param instructions the request's {@code instructions}, or null
   * @param maxOutputTokens the limit the answer was written under: the request's {@code max_output_tokens}, else the
   *     session's or global {@code max_tokens} default ({@code set_params}); null where only the context limits it
   * @param parallelToolCalls always false: this host calls no tools
   * @param store always false: this host keeps no responses
   * @param temperature the temperature sampled at: the request's, else the session's or global default; null where
   *     none is set (the engine's own default)
   * @param text the request's {@code text.format}; {@code {"format": {"type": "text"}}} if it gave none
   * @param toolChoice always {@code none}: this host calls no tools
   * @param tools always empty: this host calls no tools
   * @param topP the {@code top_p} sampled at, as {@code temperature}
   * @param metadata the request's {@code metadata}; empty if it gave none
   * @param usage the tokens read and written; null while in progress
   */
  public record Response(
      String id,
      String object,
      long createdAt,
      String status,
      Object error,
      IncompleteDetails incompleteDetails,
      String instructions,
      Integer maxOutputTokens,
      String model,
      List<OutputMessage> output,
      boolean parallelToolCalls,
      boolean store,
      Double temperature,
      TextConfig text,
      String toolChoice,
      List<Object> tools,
      Double topP,
      Map<String, String> metadata,
      ResponseUsage usage) {}

  /** @param format how the answer is written */
  public record TextConfig(FormatEcho format) {}

  /**
   * A {@link TextFormat} as the response repeats it: its type, and the schema's fields where the request gave them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FormatEcho(String type, String name, String description, JsonNode schema, Boolean strict) {}

  public record OutputMessage(String type, String id, String status, String role, List<OutputText> content) {}

  /**
   * @param annotations always empty: the text cites nothing
   * @param logprobs always empty: this host returns no log probabilities
   */
  public record OutputText(String type, String text, List<Object> annotations, List<Object> logprobs) {
    static OutputText of(String text) {
      return new OutputText("output_text", text, List.of(), List.of());
    }
  }

  public record IncompleteDetails(String reason) {}

  /**
   * @param inputTokensDetails the input tokens served from a prompt cache: none, nm's engine evaluates every prompt
   *     whole (llama.cpp's {@code cache_prompt} off)
   * @param outputTokensDetails the output tokens spent reasoning: none, the output is the answer
   */
  public record ResponseUsage(
      int inputTokens,
      InputTokensDetails inputTokensDetails,
      int outputTokens,
      OutputTokensDetails outputTokensDetails,
      int totalTokens) {
    static ResponseUsage of(int inputTokens, int outputTokens) {
      return new ResponseUsage(
          inputTokens, new InputTokensDetails(0), outputTokens, new OutputTokensDetails(0), inputTokens + outputTokens);
    }
  }

  public record InputTokensDetails(int cachedTokens) {}

  public record OutputTokensDetails(int reasoningTokens) {}

  /** The {@code data} of {@code response.created}, {@code .in_progress}, {@code .completed} and {@code .incomplete}. */
  public record Lifecycle(String type, int sequenceNumber, Response response) {}

  /** The {@code data} of {@code response.output_item.added} and {@code .done}. */
  public record ItemEvent(String type, int sequenceNumber, int outputIndex, OutputMessage item) {}

  /** The {@code data} of {@code response.content_part.added} and {@code .done}. */
  public record PartEvent(String type, int sequenceNumber, String itemId, int outputIndex, int contentIndex, OutputText part) {}

  /**
   * The {@code data} of {@code response.output_text.delta}.
   *
   * @param logprobs always empty: this host returns no log probabilities
   */
  public record TextDelta(
      String type, int sequenceNumber, String itemId, int outputIndex, int contentIndex, String delta, List<Object> logprobs) {}

  /**
   * The {@code data} of {@code response.output_text.done}.
   *
   * @param logprobs always empty: this host returns no log probabilities
   */
  public record TextDone(
      String type, int sequenceNumber, String itemId, int outputIndex, int contentIndex, String text, List<Object> logprobs) {}

  /** The schema the answer must match, or null for free text. */
  private static GenerationRequest.OutputSchema outputSchema(Request request) {
    TextFormat format = request.text() == null ? null : request.text().format();
    return format == null ? null : ResponseFormat.outputSchema(format.type(), format.schema(), "text.format", "text.format.schema");
  }

  @Override
  public void validate(Request request, Violations violations) {
    OpenAiFields.checkMetadata(request.metadata(), violations);
    OpenAiFields.checkToolChoice(request.toolChoice(), violations);
    TextFormat format = request.text() == null ? null : request.text().format();
    if (format != null && format.type() != null) {
      ResponseFormat.checkSchema(format.type(), format.schema(), "text.format.schema", violations);
    }
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
    SamplingDefaults sampling =
        generation.effectiveSampling(
            new SamplingDefaults(
                request.temperature(), request.topP(), null, null, null, null, null, null, request.maxOutputTokens()),
            context, request.sessionId());
    Echo echo = Echo.of(request, sampling);
    TokenListener listener = TokenListener.NONE;
    Events events =
        new Events(context, itemId, echo.response(id, createdAt, "in_progress", model, List.of(), null, null));
    if (stream) {
      listener = events::delta;
    }
    Completion completion =
        generation.generate(
            new GenerationRequest(
                model, new Prompt.Chat(messages(request), "input"), sampling, List.of(), request.sessionId(), outputSchema(request)),
            context,
            listener);
    Response response = response(id, itemId, createdAt, model, completion.result(), echo);
    if (stream) {
      OutputMessage message = response.output().get(0);
      OutputText text = message.content().get(0);
      events.open(); // an answer of no text still opens
      events.textDone(text.text());
      events.part("response.content_part.done", text);
      events.item("response.output_item.done", message);
      events.lifecycle(response.status().equals("completed") ? "response.completed" : "response.incomplete", response);
    }
    return response;
  }

  /**
   * The events of one streamed response: one message (output 0) of one text part (content 0), numbered in order. They
   * open with the first piece of text, once the model is loaded and the prompt taken: a request refused before
   * (an unknown model, a prompt over the context) fails with no event before its failure, as chat's does.
   */
  private static final class Events {
    private final RouteContext context;
    private final String itemId;
    private final Response started;
    private int sequence;
    private boolean opened;

    Events(RouteContext context, String itemId, Response started) {
      this.context = context;
      this.itemId = itemId;
      this.started = started;
    }

    void open() {
      if (opened) {
        return;
      }
      opened = true;
      lifecycle("response.created", started);
      lifecycle("response.in_progress", started);
      item("response.output_item.added", new OutputMessage("message", itemId, "in_progress", "assistant", List.of()));
      part("response.content_part.added", OutputText.of(""));
    }

    void lifecycle(String type, Response response) {
      context.events().emit(type, new Lifecycle(type, sequence++, response));
    }

    void item(String type, OutputMessage item) {
      context.events().emit(type, new ItemEvent(type, sequence++, 0, item));
    }

    void part(String type, OutputText part) {
      context.events().emit(type, new PartEvent(type, sequence++, itemId, 0, 0, part));
    }

    void delta(String text) {
      open();
      String type = "response.output_text.delta";
      context.events().emit(type, new TextDelta(type, sequence++, itemId, 0, 0, text, List.of()));
    }

    void textDone(String text) {
      String type = "response.output_text.done";
      context.events().emit(type, new TextDone(type, sequence++, itemId, 0, 0, text, List.of()));
    }
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

  private static Response response(
      String id, String itemId, long createdAt, String model, GenerationResult result, Echo echo) {
    IncompleteDetails incomplete =
        switch (result.finishReason()) {
          case STOP -> null;
          case LENGTH -> new IncompleteDetails("max_output_tokens");
          case CANCELLED -> new IncompleteDetails("cancelled");
        };
    OutputMessage message =
        new OutputMessage(
            "message", itemId, incomplete == null ? "completed" : "incomplete", "assistant",
            List.of(OutputText.of(result.text())));
    return echo.response(
        id, createdAt, result.finishReason() == FinishReason.STOP ? "completed" : "incomplete", model, List.of(message),
        incomplete, ResponseUsage.of(result.promptTokens(), result.completionTokens()));
  }

  /** What a response repeats of its request, and the sampling it was generated with. */
  private record Echo(
      String instructions, Integer maxOutputTokens, Double temperature, Double topP, TextConfig text,
      Map<String, String> metadata) {
    static Echo of(Request request, SamplingDefaults sampling) {
      TextFormat format = request.text() == null ? null : request.text().format();
      FormatEcho echoed =
          format == null
              ? new FormatEcho("text", null, null, null, null)
              : new FormatEcho(format.type(), format.name(), format.description(), format.schema(), format.strict());
      return new Echo(
          request.instructions(), sampling.maxTokens(), sampling.temperature(), sampling.topP(), new TextConfig(echoed),
          request.metadata() == null ? Map.of() : request.metadata());
    }

    Response response(
        String id, long createdAt, String status, String model, List<OutputMessage> output, IncompleteDetails incomplete,
        ResponseUsage usage) {
      return new Response(
          id, "response", createdAt, status, null, incomplete, instructions, maxOutputTokens, model, output, false, false,
          temperature, text, "none", List.of(), topP, metadata, usage);
    }
  }
}
