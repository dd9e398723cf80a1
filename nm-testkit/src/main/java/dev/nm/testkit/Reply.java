package dev.nm.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * What a host answered to one request: its final {@link Message.Success} or {@link Message.Failure}, and the
 * stream events that preceded it, in arrival order. Assert on it with {@link EnvelopeAssertions}.
 *
 * @param outcome the final reply, a {@link Message.Success} or a {@link Message.Failure}
 * @param events the events that arrived before {@code outcome}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Reply(Message outcome, List<Message.Event> events) {
  private static final EnvelopeCodec CODEC = new EnvelopeCodec();

  public Reply {
    Objects.requireNonNull(outcome, "outcome");
    if (!(outcome instanceof Message.Success || outcome instanceof Message.Failure)) {
      throw new IllegalArgumentException("a reply ends in a Success or a Failure, not " + outcome);
    }
    events = List.copyOf(events);
  }

  /** The {@code request_id} the host answered; null for a failure to a frame it could not read an id from. */
  public String requestId() {
    return outcome.requestId();
  }

  /** Whether the final reply is a success. */
  public boolean succeeded() {
    return outcome instanceof Message.Success;
  }

  /**
   * The success's {@code data} as a JSON tree ({@code NullNode} for an explicit null).
   *
   * @throws AssertionError showing this reply, if it is a failure
   */
  public JsonNode data() {
    if (outcome instanceof Message.Success success) {
      return Json.mapper().valueToTree(success.data());
    }
    throw new AssertionError("expected a success but the host failed the request:\n" + toJson());
  }

  /**
   * The failure's {@code error}.
   *
   * @throws AssertionError showing this reply, if it is a success
   */
  public ErrorBody error() {
    if (outcome instanceof Message.Failure failure) {
      return failure.error();
    }
    throw new AssertionError("expected a failure but the host succeeded:\n" + toJson());
  }

  /** Every frame of this reply as the host sent it (chunks reassembled): one JSON envelope a line, events first. */
  public String toJson() {
    return Stream.concat(events.stream(), Stream.of(outcome))
        .map(message -> new String(CODEC.encode(message), StandardCharsets.UTF_8))
        .collect(Collectors.joining("\n"));
  }

  @Override
  public String toString() {
    return toJson();
  }
}
