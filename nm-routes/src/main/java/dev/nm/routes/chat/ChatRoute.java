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
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * OpenAI chat completions: answers a conversation with the model's own chat template. With {@code stream}, the
 * answer is sent first as {@code chat.completion.chunk} events, in OpenAI's order: one whose delta is
 * {@code {"role": "assistant", "content": ""}}, one per piece of text (the contents concatenate to the final
 * message), one whose delta is empty and which carries the finish reason, and with
 * {@code stream_options.include_usage} one with no choices and the usage.
 */
@NativeRoute(
    name = "chat",
    description = "Answers a conversation (OpenAI chat.completions): messages in, the assistant's message, finish reason"
        + " and token usage out; with stream, chat.completion.chunk events first.",
    tags = {"ai", "chat"},
    streaming = true,
    rateTier = RateTier.HEAVY)
@ValidCase(
    name = "greedy answer cut at max_tokens",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"What is the capital of France?\"}], \"temperature\": 0, \"max_tokens\": 3}",
    expect = {
      @Expect(path = "/object", equalTo = "\"chat.completion\""),
      @Expect(path = "/choices/0/message/role", equalTo = "\"assistant\""),
      @Expect(path = "/choices/0/message/refusal", equalTo = "null"),
      @Expect(path = "/choices/0/logprobs", equalTo = "null"),
      @Expect(path = "/choices/0/finish_reason", equalTo = "\"length\""),
      @Expect(path = "/usage/completion_tokens", equalTo = "3"),
      @Expect(path = "/usage/prompt_tokens", matches = "[1-9][0-9]*"),
      @Expect(path = "/usage/prompt_tokens_details/cached_tokens", equalTo = "0"),
      @Expect(path = "/usage/completion_tokens_details/reasoning_tokens", equalTo = "0")
    })
@ValidCase(
    name = "streamed in chunks",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Say hello.\"}]}], \"temperature\": 0, \"max_tokens\": 4, \"stream\": true}",
    minEvents = 2,
    expect = {
      @Expect(path = "/choices/0/finish_reason", equalTo = "\"length\""),
      @Expect(path = "/usage/completion_tokens", equalTo = "4")
    })
@ValidCase(
    name = "developer message and max_completion_tokens",
    request = "{\"messages\": [{\"role\": \"developer\", \"content\": \"Be detailed.\"}, {\"role\": \"user\", \"content\": \"Tell me a long story about a dragon.\"}],"
        + " \"temperature\": 0, \"max_completion_tokens\": 3}",
    expect = {
      @Expect(path = "/choices/0/finish_reason", equalTo = "\"length\""),
      @Expect(path = "/usage/completion_tokens", equalTo = "3")
    })
@ValidCase(
    name = "streamed with usage",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"Say hello.\"}], \"temperature\": 0, \"max_tokens\": 2, \"stream\": true,"
        + " \"stream_options\": {\"include_usage\": true}}",
    minEvents = 4,
    expect = @Expect(path = "/usage/completion_tokens", equalTo = "2"))
@ValidCase(
    name = "an answer held to a JSON schema",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"What is the capital of France? Answer in JSON.\"}],"
        + " \"temperature\": 0, \"max_tokens\": 40, \"response_format\": {\"type\": \"json_schema\", \"json_schema\":"
        + " {\"name\": \"capital\", \"schema\": {\"type\": \"object\", \"properties\": {\"capital\": {\"type\": \"string\"}},"
        + " \"required\": [\"capital\"], \"additionalProperties\": false}}}}",
    expect = {
      @Expect(path = "/choices/0/message/content", matches = "\\{\\s*\"capital\": \"Paris\"\\s*\\}"),
      @Expect(path = "/choices/0/finish_reason", equalTo = "\"stop\"")
    })
@ValidCase(
    name = "OpenAI's fields that change nothing here, as SDKs send them",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"Say hello.\", \"name\": \"ada\"}], \"temperature\": 0,"
        + " \"max_tokens\": 2, \"n\": 1, \"logprobs\": false, \"top_logprobs\": 0, \"store\": false,"
        + " \"metadata\": {\"app\": \"notes\"}, \"user\": \"u-1\", \"safety_identifier\": \"h-1\", \"parallel_tool_calls\": false,"
        + " \"tools\": [], \"tool_choice\": \"none\"}",
    expect = {
      @Expect(path = "/choices/0/finish_reason", equalTo = "\"length\""),
      @Expect(path = "/usage/completion_tokens", equalTo = "2")
    })
@InvalidCase(name = "no messages", request = "{\"messages\": []}", code = ErrorCode.VALIDATION_ERROR, field = "messages")
@InvalidCase(
    name = "two choices",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"n\": 2}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "n")
@InvalidCase(
    name = "log probabilities",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"logprobs\": true}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "logprobs")
@InvalidCase(
    name = "top log probabilities",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 3}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "top_logprobs")
@InvalidCase(
    name = "store true",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"store\": true}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "store")
@InvalidCase(
    name = "a tool",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"type\": \"function\","
        + " \"function\": {\"name\": \"f\"}}]}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "tools")
@InvalidCase(
    name = "tool_choice auto",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tool_choice\": \"auto\"}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "tool_choice")
@InvalidCase(
    name = "a metadata key over 64 characters",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"metadata\":"
        + " {\"k12345678901234567890123456789012345678901234567890123456789012345\": \"v\"}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "metadata")
@InvalidCase(
    name = "a metadata value that is not a string",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"metadata\": {\"count\": 3}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "metadata.count")
@InvalidCase(
    name = "seventeen metadata pairs",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"metadata\": {\"a\": \"1\", \"b\": \"2\", \"c\": \"3\","
        + " \"d\": \"4\", \"e\": \"5\", \"f\": \"6\", \"g\": \"7\", \"h\": \"8\", \"i\": \"9\", \"j\": \"10\", \"k\": \"11\", \"l\": \"12\","
        + " \"m\": \"13\", \"n\": \"14\", \"o\": \"15\", \"p\": \"16\", \"q\": \"17\"}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "metadata")
@InvalidCase(
    name = "json_schema without its schema",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"json_schema\"}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "response_format.json_schema")
@InvalidCase(
    name = "a schema llama.cpp cannot keep to",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"json_schema\","
        + " \"json_schema\": {\"name\": \"x\", \"schema\": {\"type\": \"pebble\"}}}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "response_format.json_schema.schema")
@InvalidCase(
    name = "a schema whose grammar would repeat a rule a billion times",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\": {\"type\": \"json_schema\","
        + " \"json_schema\": {\"name\": \"x\", \"schema\": {\"type\": \"array\", \"maxItems\": 1000000000}}}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "response_format.json_schema.schema")
@InvalidCase(
    name = "unknown role",
    request = "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "messages[0].role")
@InvalidCase(
    name = "image part",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": \"x\"}]}]}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "messages[0].content[0]")
@InvalidCase(
    name = "temperature above 2",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": 3}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "temperature")
@InvalidCase(
    name = "five stop sequences",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "stop")
@InvalidCase(
    name = "max_tokens and max_completion_tokens",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 4, \"max_completion_tokens\": 4}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "max_completion_tokens")
@InvalidCase(
    name = "stream_options without stream",
    request = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream_options\": {\"include_usage\": true}}",
    code = ErrorCode.VALIDATION_ERROR,
    field = "stream_options")
@InvalidCase(
    name = "unknown model",
    request = "{\"model\": \"no-such-model\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
    code = ErrorCode.NOT_FOUND)
public final class ChatRoute implements RouteHandler<ChatRoute.Request, ChatRoute.Reply>, RequestValidator<ChatRoute.Request> {
  /**
   * @param model a model id from {@code models}; the selected default if absent
   * @param messages the conversation, its roles in any order (a system or developer message after the first turn is
   *     rendered where it stands, as OpenAI reads it); each message is read as text, so one that spells a control
   *     token of the model's chat template (SmolLM2's {@code <|im_end|>}) cannot end its turn or begin another (a model
   *     whose tokenizer cannot take a prompt in parts refuses such a message with {@code VALIDATION_ERROR})
   * @param stop a string or up to four strings that end the answer (not included in it)
   * @param temperature 0 (greedy: the likeliest token each time) to 2; identical requests at 0 give identical text
   *     only as {@code seed} says
   * @param seed the sampler's seed, for reproducible sampling at temperature above 0. Identical requests give identical
   *     text only when the model runs one generation at a time ({@code NM_AI_PARALLEL=1}, or {@code load_model}'s
   *     {@code slots: 1}): generations running together share the engine's batch, and each slot its own part of the
   *     cache, whose arithmetic differs in the last bits, so a near tie between two tokens may fall either way
   * @param maxTokens the most tokens to generate
   * @param maxCompletionTokens OpenAI's newer name for {@code max_tokens}; give one or the other
   * @param streamOptions only with {@code stream}
   * @param responseFormat {@code {"type": "json_object"}} or {@code {"type": "json_schema", "json_schema": {"name":
   *     ..., "schema": {...}}}} for an answer in JSON; free text if absent. A schema's counts ({@code maxItems},
   *     {@code maxLength}, repetitions in a {@code pattern}) may be at most 10,000 each and 100,000 together
   * @param sessionId groups requests: their defaults ({@code set_params}) and {@code stop_generation}
   * @param n OpenAI's number of choices: 1 or absent, since this host generates one choice a request
   * @param logprobs false or absent: this host returns no log probabilities
   * @param topLogprobs 0 or absent: this host returns no log probabilities
   * @param store false or absent: this host keeps no completions
   * @param metadata OpenAI's tags for a stored completion, ignored (nothing is stored): at most 16 pairs, keys of at
   *     most 64 characters, values strings of at most 512, as OpenAI takes them
   * @param user OpenAI's end-user identifier, ignored
   * @param safetyIdentifier OpenAI's end-user identifier (at most 64 characters), ignored
   * @param parallelToolCalls ignored: this host calls no tools
   * @param tools an empty array or absent: this host calls no tools
   * @param toolChoice {@code "none"} or absent: this host calls no tools
   */
  public record Request(
      @Size(max = 256) String model,
      @NotEmpty @Size(max = 1024) List<@Valid @NotNull Message> messages,
      @Temperature Double temperature,
      @Probability Double topP,
      @TopK Integer topK,
      @Probability Double minP,
      @RepeatPenalty Double repeatPenalty,
      @Penalty Double presencePenalty,
      @Penalty Double frequencyPenalty,
      @Seed Long seed,
      @MaxTokens Integer maxTokens,
      @MaxTokens Integer maxCompletionTokens,
      JsonNode stop,
      Boolean stream,
      @Valid StreamOptions streamOptions,
      @Valid ResponseFormat responseFormat,
      @Size(max = 256) String sessionId,
      @Min(value = 1, message = OpenAiFields.ONE_CHOICE) @Max(value = 1, message = OpenAiFields.ONE_CHOICE) Integer n,
      @AssertFalse(message = OpenAiFields.NO_LOGPROBS) Boolean logprobs,
      @Min(0) @Max(value = 0, message = OpenAiFields.NO_TOP_LOGPROBS) Integer topLogprobs,
      @AssertFalse(message = "must be false or absent: this host keeps no completions") Boolean store,
      @Size(max = OpenAiFields.METADATA_PAIRS, message = OpenAiFields.METADATA_SIZE) Map<String, String> metadata,
      String user,
      @Size(max = 64) String safetyIdentifier,
      Boolean parallelToolCalls,
      @Size(max = 0, message = OpenAiFields.NO_TOOLS) List<JsonNode> tools,
      JsonNode toolChoice) {
    SamplingDefaults sampling() {
      return new SamplingDefaults(
          temperature, topP, topK, minP, repeatPenalty, presencePenalty, frequencyPenalty, seed,
          maxTokens != null ? maxTokens : maxCompletionTokens);
    }
  }

  /**
   * @param role {@code developer} is OpenAI's newer name for {@code system}, and is treated as one
   * @param content a string, or an array of {@code {"type": "text", "text": ...}} parts, whose texts are joined with
   *     newlines
   * @param name OpenAI's name of the participant, ignored
   */
  public record Message(
      @NotNull @Pattern(regexp = "system|developer|user|assistant", message = "must be system, developer, user or assistant")
          String role,
      JsonNode content,
      String name) {}

  public record Reply(String id, String object, long created, String model, List<Choice> choices, Usage usage) {}

  /**
   * @param logprobs always null: this host returns no log probabilities
   * @param finishReason {@code stop}, {@code length} or {@code cancelled}
   */
  public record Choice(int index, AssistantMessage message, Object logprobs, String finishReason) {}

  /** @param refusal always null: the model's answer is the content */
  public record AssistantMessage(String role, String content, String refusal) {}

  /**
   * The {@code data} of a {@code chat.completion.chunk} event.
   *
   * @param choices one choice; none in the usage chunk
   * @param usage null, except in the last chunk of a call with {@code stream_options.include_usage}
   */
  public record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage) {}

  /** @param logprobs always null: this host returns no log probabilities */
  public record ChunkChoice(int index, Delta delta, Object logprobs, String finishReason) {}

  /** @param role {@code assistant} in the first chunk only, whose content is empty; absent in the others */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Delta(String role, String content) {}

  @Override
  public void validate(Request request, Violations violations) {
    for (int i = 0; i < request.messages().size(); i++) {
      OpenAiFields.checkContent(request.messages().get(i).content(), "messages[" + i + "].content", violations);
    }
    OpenAiFields.checkStop(request.stop(), violations);
    if (request.maxTokens() != null && request.maxCompletionTokens() != null) {
      violations.add("max_completion_tokens", "give max_tokens or max_completion_tokens, not both");
    }
    OpenAiFields.checkStreamOptions(request.stream(), request.streamOptions(), violations);
    ResponseFormat.check(request.responseFormat(), "response_format", violations);
    OpenAiFields.checkMetadata(request.metadata(), violations);
    OpenAiFields.checkToolChoice(request.toolChoice(), violations);
  }

  @Override
  public Reply handle(Request request, RouteContext context) {
    GenerationService generation = context.service(GenerationService.class);
    String id = "chatcmpl-" + UUID.randomUUID();
    long created = Instant.now().getEpochSecond();
    String model = generation.resolveModel(request.model());
    List<ChatMessage> messages =
        request.messages().stream()
            .map(m -> new ChatMessage(m.role().equals("developer") ? "system" : m.role(), OpenAiFields.content(m.content())))
            .toList();
    boolean stream = Boolean.TRUE.equals(request.stream());
    AtomicBoolean roleSent = new AtomicBoolean();
    Runnable sendRole =
        () -> {
          if (!roleSent.getAndSet(true)) {
            context.events().emit("chat.completion.chunk", chunk(id, created, model, new Delta("assistant", ""), null));
          }
        };
    TokenListener listener = TokenListener.NONE;
    if (stream) {
      listener =
          text -> {
            sendRole.run();
            context.events().emit("chat.completion.chunk", chunk(id, created, model, new Delta(null, text), null));
          };
    }
    Completion completion =
        generation.generate(
            new GenerationRequest(
                model, new Prompt.Chat(messages, "messages"), request.sampling(), OpenAiFields.stop(request.stop()),
                request.sessionId(), ResponseFormat.outputSchema(request.responseFormat(), "response_format")),
            context,
            listener);
    String finishReason = completion.result().finishReason().wireName();
    Usage usage = Usage.of(completion.result());
    if (stream) {
      sendRole.run(); // an answer of no text still opens with the role
      context.events().emit("chat.completion.chunk", chunk(id, created, model, new Delta(null, null), finishReason));
      if (request.streamOptions() != null && request.streamOptions().usage()) {
        context.events().emit("chat.completion.chunk", new Chunk(id, "chat.completion.chunk", created, model, List.of(), usage));
      }
    }
    return new Reply(
        id,
        "chat.completion",
        created,
        model,
        List.of(new Choice(0, new AssistantMessage("assistant", completion.result().text(), null), null, finishReason)),
        usage);
  }

  private static Chunk chunk(String id, long created, String model, Delta delta, String finishReason) {
    return new Chunk(id, "chat.completion.chunk", created, model, List.of(new ChunkChoice(0, delta, null, finishReason)), null);
  }
}
