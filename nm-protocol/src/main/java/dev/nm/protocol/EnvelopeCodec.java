package dev.nm.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;

/**
 * Turns frame bodies into {@link Message}s and back. Stateless and thread-safe. Key order on the wire is
 * fixed: {@code request_id} always comes first, so a reader can route a frame after a few bytes.
 */
public final class EnvelopeCodec {
  /** Request ids longer than this are refused: they are echoed in every reply and logged. */
  public static final int MAX_REQUEST_ID_LENGTH = 256;

  private final ObjectMapper mapper;

  public EnvelopeCodec() {
    this(Json.mapper());
  }

  public EnvelopeCodec(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Decodes a browser-to-host frame.
   *
   * @throws ProtocolException {@link ErrorCode#INVALID_JSON} for empty, malformed, non-UTF-8 or too deeply
   *     nested bodies; {@link ErrorCode#INVALID_REQUEST} for JSON that is not a request envelope
   */
  public Message.Request decodeRequest(byte[] body) throws ProtocolException {
    JsonNode root = parse(body);
    if (!root.isObject()) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST, null, "a request must be a JSON object, got " + kind(root));
    }
    String requestId = requestId(root);
    JsonNode route = root.get("route");
    if (route == null || !route.isTextual() || route.textValue().isEmpty()) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST,
          requestId,
          "\"route\" must be a non-empty string, got " + kind(route),
          Map.of("field", "route"));
    }
    JsonNode payload = root.get("payload");
    if (payload == null || payload.isNull()) {
      payload = mapper.createObjectNode();
    }
    return new Message.Request(requestId, route.textValue(), payload);
  }

  /** Decodes any envelope; used by clients reading host-to-browser frames. */
  public Message decode(byte[] body) throws ProtocolException {
    JsonNode root = parse(body);
    if (!root.isObject()) {
      throw new ProtocolException(ErrorCode.INVALID_REQUEST, null, "an envelope must be a JSON object, got " + kind(root));
    }
    JsonNode idNode = root.get("request_id");
    String requestId = idNode == null || idNode.isNull() ? null : idNode.asText();
    if (root.has("chunk")) {
      JsonNode chunk = root.get("chunk");
      return new Message.Chunk(requestId, chunk.path("seq").asInt(-1), chunk.path("total").asInt(-1), root.path("data").asText());
    }
    if (root.has("event")) {
      return new Message.Event(requestId, root.get("event").asText(), root.get("data"));
    }
    if (root.has("success")) {
      if (root.get("success").asBoolean()) {
        return new Message.Success(requestId, root.get("data"));
      }
      JsonNode error = root.path("error");
      Map<String, Object> details =
          error.has("details") ? mapper.convertValue(error.get("details"), Json.MAP_TYPE) : Map.of();
      return new Message.Failure(
          requestId, new ErrorBody(error.path("code").asText(), error.path("message").asText(), details));
    }
    return decodeRequest(body);
  }

  /** Encodes a message as the UTF-8 JSON body of one frame, whatever its size. */
  public byte[] encode(Message message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = mapper.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("request_id", message.requestId());
      if (message instanceof Message.Request r) {
        g.writeStringField("route", r.route());
        g.writeObjectField("payload", r.payload());
      } else if (message instanceof Message.Success s) {
        g.writeBooleanField("success", true);
        g.writeObjectField("data", s.data());
      } else if (message instanceof Message.Failure f) {
        g.writeBooleanField("success", false);
        g.writeObjectFieldStart("error");
        g.writeStringField("code", f.error().code());
        g.writeStringField("message", f.error().message());
        g.writeObjectField("details", f.error().details());
        g.writeEndObject();
      } else if (message instanceof Message.Event e) {
        g.writeStringField("event", e.event());
        g.writeObjectField("data", e.data());
      } else if (message instanceof Message.Chunk c) {
        g.writeObjectFieldStart("chunk");
        g.writeNumberField("seq", c.seq());
        g.writeNumberField("total", c.total());
        g.writeEndObject();
        g.writeStringField("data", c.data());
      }
      g.writeEndObject();
    } catch (IOException e) {
      // Only a serializer bug in route data lands here: writing to memory cannot fail otherwise.
      throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
    }
    return out.toByteArray();
  }

  private JsonNode parse(byte[] body) throws ProtocolException {
    if (body.length == 0) {
      throw new ProtocolException(ErrorCode.INVALID_JSON, null, "empty frame: a frame must carry a JSON object");
    }
    try {
      JsonNode root = mapper.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw new ProtocolException(ErrorCode.INVALID_JSON, null, "frame holds no JSON value");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw new ProtocolException(
          ErrorCode.INVALID_JSON,
          null,
          "JSON nests deeper than " + ProtocolLimits.MAX_JSON_NESTING_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      throw new ProtocolException(ErrorCode.INVALID_JSON, null, "frame is not valid UTF-8 JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.INVALID_JSON, null, "frame is not valid UTF-8 JSON: " + e.getMessage());
    }
  }

  private static String requestId(JsonNode root) throws ProtocolException {
    JsonNode id = root.get("request_id");
    if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST,
          null,
          "\"request_id\" must be a non-empty string, got " + kind(id),
          Map.of("field", "request_id"));
    }
    if (id.textValue().length() > MAX_REQUEST_ID_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_REQUEST,
          null,
          "\"request_id\" is " + id.textValue().length() + " characters; the limit is " + MAX_REQUEST_ID_LENGTH,
          Map.of("field", "request_id"));
    }
    return id.textValue();
  }

  private static String kind(JsonNode node) {
    if (node == null) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case STRING -> node.textValue().isEmpty() ? "an empty string" : "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
