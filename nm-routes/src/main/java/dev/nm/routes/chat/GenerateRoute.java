package dev.nm.routes.chat;

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
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.generation.Completion;
import dev.nm.routes.generation.GenerationRequest;
import dev.nm.routes.generation.GenerationService;
import dev.nm.routes.generation.Prompt;
import dev.nm.routes.settings.SamplingDefaults;
import dev.nm.routes.settings.SamplingRanges.MaxTokens;
import dev.nm.routes.settings.SamplingRanges.Penalty;
import dev.nm.routes.settings.SamplingRanges.Probability;
import dev.nm.routes.settings.SamplingRanges.RepeatPenalty;
import dev.nm.routes.settings.SamplingRanges.Seed;
import dev.nm.routes.settings.SamplingRanges.Temperature;
import dev.nm.routes.settings.SamplingRanges.TopK;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertFalse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * OpenAI completions: continues a raw prompt, no chat template. With {@code stream}, the text is sent first as
 * {@code text_completion} events, in OpenAI's order: one per piece of text with a null finish reason, then one
 * with empty text and the finish reason, and with {@code stream_options.include_usage} one with no choices and the
 * usage. A {@code response_format} holds the continuation to JSON, as chat's does.
 */
@NativeRoute(
    name = "generate",
    description = "Continues a prompt as it is, without a chat template (OpenAI completions), optionally held to a JSON"
        + " schema; with stream, text_completion events first.",
    tags = {"ai", "completion"},
    streaming = true,
    rateTier = RateTier.HEAVY)
@ValidCase(
    name = "greedy continuation cut at max_tokens",
    request = "{\"prompt\": \"The capital of France is\", \"temperature\": 0, \"max_tokens\": 2}",
    expect = {
      @Expect(path = "/object", equalTo = "\"text_completion\""),
      @Expect(path = "/choices/0/finish_reason", equalTo = "\"length\""),
      @Expect(path = "/usage/completion_tokens", equalTo = "2"),
      @Expect(path = "/usage/prompt_tokens", equalTo = "5")
    })
@ValidCase(
    name = "streamed",
    request = "{\"prompt\": \"Once upon a time\", \"temperature\": 0, \"max_tokens\": 3, \"stream\": true}",
    minEvents = 2,
    expect = @Expect(path = "/usage/completion_tokens", equalTo = "3"))
@ValidCase(
    name = "streamed with usage",
    request = "{\"prompt\": \"Once upon a time\", \"temperature\": 0, \"max_tokens\": 2, \"stream\": true,"
        + " \"stream_options\": {\"include_usage\": true}}",
    minEvents = 4,
    expect = @Expect(path = "/usage/completion_tokens", equalTo = "2"))
// Without the schema, this model continues the prompt with "1. France\nQ: What is the capital of Germany?...".
@ValidCase(
    name = "a continuation held to a JSON schema",
    request = "{\"prompt\": \"Q: What is the capital of Italy?\\nA: {\\\"capital\\\": \\\"Rome\\\"}\\nQ: What is the capital of"
        + " France?\\nA: \", \"temperature\": 0, \"max_tokens\": 30, \"response_format\": {\"type\": \"json_schema\","
        + " \"json_schema\": {\"name\": \"capital\", \"schema\": {\"type\": \"object\", \"properties\": {\"capital\":"
        + " {\"type\": \"string\"}}, \"required\": [\"capital\"], \"additionalProperties\": false}}}}",
    expect = {
      @Expect(path = "/choices/0/text", equalTo = "\"{\\\"capital\\\": \\\"Paris\\\"}\""),
      @Expect(path = "/choices/0/finish_reason", equalTo = "\"stop\"")
    })
@ValidCase(
    name = "OpenAI's fields that change nothing here, as SDKs send them",
    request = "{\"prompt\": \"Once upon a time\", \"temperature\": 0, \"max_tokens\": 2, \"user\": \"u-1\", \"n\": 1,"
        + " \"best_of\": 1, \"logprobs\": null, \"echo\": false}",
    expect = @Expect(path = "/usage/completion_tokens", equalTo = "2"))
@InvalidCase(name = "no prompt", request = "{}", code = ErrorCode.VALIDATION_ERROR, field = "prompt")
@InvalidCase(name = "two choices", request = "{\"prompt\": \"x\", \"n\": 2}", code = ErrorCode.VALIDATION_ERROR, field = "n")
@InvalidCase(name = "best of 3", request = "{\"prompt\": \"x\", \"best_of\": 3}", code = ErrorCode.VALIDATION_ERROR, field = "best_of")
@InvalidCase(name = "log probabilities", request = "{\"prompt\": \"x\", \"logprobs\": 0}", code = ErrorCode.VALIDATION_ERROR, field = "logprobs")
@InvalidCase(name = "echo", request = "{\"prompt\": \"x\", \"echo\": true}", code = ErrorCode.VALIDATION_ERROR, field = "echo")
@InvalidCase(
    name = "empty prompt, to a model that adds no start-of-text token",
    request = "{\"prompt\": \"\"}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "prompt")
@InvalidCase(name = "max_tokens 0", request = "{\"prompt\": \"x\", \"max_tokens\": 0}", code = ErrorCode.VALIDATION_ERROR, field = "max_tokens")
@InvalidCase(name = "stop is a number", request = "{\"prompt\": \"x\", \"stop\": 7}", code = ErrorCode.VALIDATION_ERROR, field = "stop")
@InvalidCase(
    name = "stream_options without stream",
    request = "{\"prompt\": \"x\", \"stream_options\": {\"include_usage\": true}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "stream_options")
@InvalidCase(
    name = "a schema llama.cpp cannot keep to",
    request = "{\"prompt\": \"x\", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"schema\":"
        + " {\"type\": \"pebble\"}}}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "response_format.json_schema.schema")
public final class GenerateRoute implements RouteHandler<GenerateRoute.Request, GenerateRoute.Reply>, RequestValidator<GenerateRoute.Request> {
  private static final String BEST_OF =
      "must be 1 or absent: this host generates one completion a request and returns it; send one request a completion";

  /**
   * Same sampling fields as {@code chat}; {@code prompt} is sent to the model unchanged.
   *
   * @param prompt the text to continue, as it is: text that spells one of the model's control tokens
   *     ({@code <|im_start|>}) is that token, so a chat template can be written by hand
   * @param streamOptions only with {@code stream}
   * @param responseFormat as chat's: {@code {"type": "json_object"}} or {@code {"type": "json_schema", "json_schema":
   *     {"schema": {...}}}} for a continuation in JSON (the field vLLM's completions take; OpenAI's have none)
   * @param user OpenAI's end-user identifier, ignored
   * @param n OpenAI's number of choices: 1 or absent, since this host generates one choice a request
   * @param bestOf 1 or absent: this host generates one completion a request and returns it
   * @param logprobs null or absent: this host returns no log probabilities
   * @param echo false or absent: the text is the continuation only
   */
  public record Request(
      @Size(max = 256) String model,
      @NotNull @Size(max = 1_000_000) String prompt,
      @Temperature Double temperature,
      @Probability Double topP,
      @TopK Integer topK,
      @Probability Double minP,
      @RepeatPenalty Double repeatPenalty,
      @Penalty Double presencePenalty,
      @Penalty Double frequencyPenalty,
      @Seed Long seed,
      @MaxTokens Integer maxTokens,
      JsonNode stop,
      Boolean stream,
      @Valid StreamOptions streamOptions,
      @Valid ResponseFormat responseFormat,
      @Size(max = 256) String sessionId,
      String user,
      @Min(value = 1, message = OpenAiFields.ONE_CHOICE) @Max(value = 1, message = OpenAiFields.ONE_CHOICE) Integer n,
      @Min(value = 1, message = BEST_OF) @Max(value = 1, message = BEST_OF) Integer bestOf,
      JsonNode logprobs,
      @AssertFalse(message = "must be false or absent: the text is the continuation only; put the prompt before it"
          + " yourself") Boolean echo) {
    SamplingDefaults sampling() {
      return new SamplingDefaults(
          temperature, topP, topK, minP, repeatPenalty, presencePenalty, frequencyPenalty, seed, maxTokens);
    }
  }

  /**
   * The reply, and the {@code data} of each {@code text_completion} event.
   *
   * @param choices one choice; none in the usage event
   * @param usage null in the events, except the last of a call with {@code stream_options.include_usage}
   */
  public record Reply(String id, String object, long created, String model, List<Choice> choices, Usage usage) {}

  /**
   * @param text the whole text; in an event, one piece of it, or empty in the event that ends it
   * @param finishReason {@code stop}, {@code length} or {@code cancelled}; null in the events of pieces
   */
  public record Choice(int index, String text, String finishReason) {}

  @Override
  public void validate(Request request, Violations violations) {
    OpenAiFields.checkStop(request.stop(), violations);
    OpenAiFields.checkStreamOptions(request.stream(), request.streamOptions(), violations);
    ResponseFormat.check(request.responseFormat(), "response_format", violations);
    if (request.logprobs() != null && !request.logprobs().isNull()) {
      violations.add("logprobs", "must be null or absent: this host returns no log probabilities; leave it out");
    }
  }

  @Override
  public Reply handle(Request request, RouteContext context) {
    GenerationService generation = context.service(GenerationService.class);
    String id = "cmpl-" + UUID.randomUUID();
    long created = Instant.now().getEpochSecond();
    String model = generation.resolveModel(request.model());
    boolean stream = Boolean.TRUE.equals(request.stream());
    TokenListener listener =
        stream ? text -> context.events().emit("text_completion", reply(id, created, model, text, null, null)) : TokenListener.NONE;
    Completion completion =
        generation.generate(
            new GenerationRequest(
                model, new Prompt.Text(request.prompt(), "prompt"), request.sampling(), OpenAiFields.stop(request.stop()),
                request.sessionId(), ResponseFormat.outputSchema(request.responseFormat(), "response_format")),
            context,
            listener);
    String finishReason = completion.result().finishReason().wireName();
    Usage usage = Usage.of(completion.result());
    if (stream) {
      context.events().emit("text_completion", reply(id, created, model, "", finishReason, null));
      if (request.streamOptions() != null && request.streamOptions().usage()) {
        context.events().emit("text_completion", new Reply(id, "text_completion", created, model, List.of(), usage));
      }
    }
    return reply(id, created, model, completion.result().text(), finishReason, usage);
  }

  private static Reply reply(String id, long created, String model, String text, String finishReason, Usage usage) {
    return new Reply(id, "text_completion", created, model, List.of(new Choice(0, text, finishReason)), usage);
  }
}
