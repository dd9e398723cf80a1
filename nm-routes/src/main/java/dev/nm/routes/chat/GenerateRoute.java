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
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * OpenAI completions: continues a raw prompt, no chat template. With {@code stream}, each piece of text is sent
 * first as a {@code text_completion} event.
 */
@NativeRoute(
    name = "generate",
    description = "Continues a prompt as it is, without a chat template (OpenAI completions); with stream, text_completion"
        + " events first.",
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
@InvalidCase(name = "no prompt", request = "{}", code = ErrorCode.VALIDATION_ERROR, field = "prompt")
@InvalidCase(name = "max_tokens 0", request = "{\"prompt\": \"x\", \"max_tokens\": 0}", code = ErrorCode.VALIDATION_ERROR, field = "max_tokens")
@InvalidCase(name = "stop is a number", request = "{\"prompt\": \"x\", \"stop\": 7}", code = ErrorCode.VALIDATION_ERROR, field = "stop")
public final class GenerateRoute implements RouteHandler<GenerateRoute.Request, GenerateRoute.Reply>, RequestValidator<GenerateRoute.Request> {
  /** Same sampling fields as {@code chat}; {@code prompt} is sent to the model unchanged. */
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
      @Size(max = 256) String sessionId) {
    SamplingDefaults sampling() {
      return new SamplingDefaults(
          temperature, topP, topK, minP, repeatPenalty, presencePenalty, frequencyPenalty, seed, maxTokens);
    }
  }

  public record Reply(String id, String object, long created, String model, List<Choice> choices, Usage usage) {}

  /** @param finishReason {@code stop}, {@code length} or {@code cancelled}; null in stream events */
  public record Choice(int index, String text, String finishReason) {}

  @Override
  public void validate(Request request, Violations violations) {
    OpenAiFields.checkStop(request.stop(), violations);
  }

  @Override
  public Reply handle(Request request, RouteContext context) {
    GenerationService generation = context.service(GenerationService.class);
    String id = "cmpl-" + UUID.randomUUID();
    long created = Instant.now().getEpochSecond();
    String model = generation.resolveModel(request.model());
    TokenListener listener =
        Boolean.TRUE.equals(request.stream())
            ? text -> context.events().emit("text_completion", reply(id, created, model, text, null, null))
            : TokenListener.NONE;
    Completion completion =
        generation.generate(
            new GenerationRequest(
                model, new Prompt.Text(request.prompt(), "prompt"), request.sampling(), OpenAiFields.stop(request.stop()), request.sessionId()),
            context,
            listener);
    return reply(
        id, created, model, completion.result().text(), completion.result().finishReason().wireName(), Usage.of(completion.result()));
  }

  private static Reply reply(String id, long created, String model, String text, String finishReason, Usage usage) {
    return new Reply(id, "text_completion", created, model, List.of(new Choice(0, text, finishReason)), usage);
  }
}
