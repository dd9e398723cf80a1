package dev.nm.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns frame bodies into {@link Message}s and back. Stateless and thread-safe. Key order on the wire is
 * fixed: {@code request_id} always comes first, so a reader can route a frame after a few bytes.
 *
 * <p>Decoding is strict: a body must be well-formed UTF-8 (no overlong forms, no encoded surrogates, which
 * Jackson alone lets through, and no UTF-16 or UTF-32, which Jackson alone detects and accepts) holding
 * exactly one JSON object, in which no object repeats a key.
 */
public final class EnvelopeCodec {
  /** Request ids longer than this are refused: they are echoed in every reply and logged. */
  public static final int MAX_REQUEST_ID_LENGTH = 256;
  /**
   * Route names longer than this are refused: an unknown name is echoed in its reply, compared with every
   * route's for a suggestion, logged and audited. Route names are identifiers of a few words.
   */
  public static final int MAX_ROUTE_LENGTH = 128;

  private final ObjectMapper mapper;
  private final ObjectReader treeReader;

  /** A codec over {@link Json#mapper()}. */
  public EnvelopeCodec() {
    this(Json.mapper());
  }

  /** A codec over a mapper configured like {@link Json#newMapper()}. */
  public EnvelopeCodec(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    // Trailing data is refused by readOneValue, with the byte it starts at. A repeated key is refused too: which
    // of {"model": "a", "model": "b"} did the writer mean?
    this.treeReader =
        mapper.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  }

  /** The mapper that reads and writes payloads and data. */
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
    return request(parseObject(body, "a request"));
  }

  /**
   * Decodes any envelope; used by clients reading host-to-browser frames. A frame with a {@code chunk} key
   * is a chunk, one with {@code event} an event (which must have no {@code success} key), one with
   * {@code success} a reply, anything else a request.
   *
   * @throws ProtocolException as {@link #decodeRequest}, and {@link ErrorCode#INVALID_REQUEST} for a chunk,
   *     event or reply whose fields are missing or mistyped
   */
  public Message decode(byte[] body) throws ProtocolException {
    ObjectNode root = parseObject(body, "an envelope");
    if (root.has("chunk")) {
      return chunk(root);
    }
    if (root.has("event")) {
      String requestId = requestId(root);
      if (root.has("success")) {
        throw invalidRequest(requestId, "success",
            "an event has no \"success\" key; a frame with both is neither an event nor a final reply");
      }
      return new Message.Event(requestId, nonEmptyText(root, "event", requestId), data(root));
    }
    if (root.has("success")) {
      return reply(root);
    }
    return request(root);
  }

  /** Encodes a message as the UTF-8 JSON body of one frame, whatever its size. */
  public byte[] encode(Message message) {
    // Grows in segments, not by copying the whole buffer as ByteArrayOutputStream does.
    ByteArrayBuilder out = new ByteArrayBuilder();
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
      // Only data Jackson cannot write lands here (a throwing accessor, NaN): writing to memory cannot fail.
      String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
      throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName() + ": " + why, e);
    }
    return out.toByteArray();
  }

  private Message.Request request(ObjectNode root) throws ProtocolException {
    String requestId = requestId(root);
    String route = nonEmptyText(root, "route", requestId);
    if (route.length() > MAX_ROUTE_LENGTH) {
      throw invalidRequest(
          requestId, "route", "\"route\" is " + route.length() + " characters; the limit is " + MAX_ROUTE_LENGTH);
    }
    JsonNode payload = root.get("payload");
    if (payload == null || payload.isNull()) {
      payload = mapper.createObjectNode();
    } else if (!payload.isObject()) {
      throw invalidRequest(requestId, "payload", "\"payload\" must be an object, got " + kind(payload));
    }
    return new Message.Request(requestId, route, payload);
  }

  private Message reply(ObjectNode root) throws ProtocolException {
    JsonNode success = root.get("success");
    if (!success.isBoolean()) {
      throw invalidRequest(
          optionalRequestId(root), "success", "\"success\" must be true or false, got " + kind(success));
    }
    if (success.booleanValue()) {
      return new Message.Success(requestId(root), data(root));
    }
    String requestId = optionalRequestId(root);
    JsonNode error = root.get("error");
    if (error == null || !error.isObject()) {
      throw invalidRequest(requestId, "error", "\"error\" must be an object, got " + kind(error));
    }
    JsonNode details = error.get("details");
    if (details != null && !details.isObject()) {
      throw invalidRequest(requestId, "error.details", "\"error.details\" must be an object, got " + kind(details));
    }
    return new Message.Failure(
        requestId,
        new ErrorBody(
            nonEmptyText(error, "code", requestId, "error.code"),
            text(error, "message", requestId, "error.message"),
            details == null ? Map.of() : mapper.convertValue(details, Json.MAP_TYPE)));
  }

  private static Message.Chunk chunk(ObjectNode root) throws ProtocolException {
    String requestId = requestId(root);
    JsonNode chunk = root.get("chunk");
    if (!chunk.isObject()) {
      throw invalidRequest(requestId, "chunk", "\"chunk\" must be an object, got " + kind(chunk));
    }
    JsonNode total = chunk.get("total");
    if (total == null || !total.isInt() || total.intValue() < 1) {
      throw invalidRequest(requestId, "chunk.total", "\"chunk.total\" must be a positive integer, got " + kind(total));
    }
    JsonNode seq = chunk.get("seq");
    if (seq == null || !seq.isInt() || seq.intValue() < 0 || seq.intValue() >= total.intValue()) {
      throw invalidRequest(
          requestId,
          "chunk.seq",
          "\"chunk.seq\" must be an integer from 0 to " + (total.intValue() - 1) + ", got " + kind(seq));
    }
    return new Message.Chunk(requestId, seq.intValue(), total.intValue(), text(root, "data", requestId, "data"));
  }

  /** {@code data} as a tree; absent and JSON null both read as Java null, as {@link #encode} writes null. */
  private static JsonNode data(ObjectNode root) {
    JsonNode data = root.get("data");
    return data == null || data.isNull() ? null : data;
  }

  private ObjectNode parseObject(byte[] body, String what) throws ProtocolException {
    JsonNode root = parse(body);
    if (root instanceof ObjectNode object) {
      return object;
    }
    throw new ProtocolException(ErrorCode.INVALID_REQUEST, null, what + " must be a JSON object, got " + kind(root));
  }

  private JsonNode parse(byte[] body) throws ProtocolException {
    if (body.length == 0) {
      throw invalidJson("empty frame: a frame must carry a JSON object");
    }
    requireUtf8(body);
    try (JsonParser parser = mapper.createParser(body)) {
      try {
        return readOneValue(parser);
      } catch (StreamConstraintsException e) {
        if (parser.getParsingContext().getNestingDepth() > ProtocolLimits.MAX_JSON_NESTING_DEPTH) {
          throw invalidJson("JSON nests deeper than " + ProtocolLimits.MAX_JSON_NESTING_DEPTH + " levels");
        }
        throw invalidJson("frame exceeds a JSON limit: " + overLimit(parser));
      } catch (MismatchedInputException e) {
        // Reading a tree, Jackson mismatches input only on a repeated key (FAIL_ON_READING_DUP_TREE_KEY); the
        // parser stands on the repeated key's value.
        throw invalidJson(repeatedKey(parser));
      } catch (JsonEOFException e) {
        throw invalidJson("frame is not valid JSON: it ends inside " + unfinished(e, parser) + " (at byte " + body.length + ")");
      } catch (JsonProcessingException e) {
        JsonLocation location = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        throw invalidJson(JsonSyntaxError.describe(body, location.getByteOffset(), parser));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from memory failed", e);
    }
  }

  private static String repeatedKey(JsonParser parser) {
    JsonStreamContext object = parser.getParsingContext();
    if (parser.currentToken() == JsonToken.START_OBJECT || parser.currentToken() == JsonToken.START_ARRAY) {
      object = object.getParent(); // the repeated key's value is a container, and the parser stands in it
    }
    String in = FieldPath.container(object);
    long at = parser.currentTokenLocation().getByteOffset();
    return "frame repeats the key \"" + FieldPath.shortened(object.getCurrentName()) + "\" in "
        + (in.isEmpty() ? "the envelope" : in) + " (its second value at byte " + at + "); an object names each key once";
  }

  /**
   * Which length limit the parser hit, in our words; Jackson's names its own API. The parser has not moved
   * past the token before the offending one yet: inside an object, a value follows a field name, so after
   * anything else the offender was a name. A value is a number: no string in a frame can reach the string
   * limit, which is as long as a frame.
   */
  private String overLimit(JsonParser parser) {
    StreamReadConstraints limits = mapper.getFactory().streamReadConstraints();
    if (parser.getParsingContext().inObject() && parser.currentToken() != JsonToken.FIELD_NAME) {
      return "a field name is longer than " + limits.getMaxNameLength() + " characters";
    }
    return "a number is longer than " + limits.getMaxNumberLength() + " digits";
  }

  /** What the text ended inside of; Jackson's own message points at a source it is configured not to show. */
  private static String unfinished(JsonEOFException e, JsonParser parser) {
    if (e.getTokenBeingDecoded() == JsonToken.VALUE_STRING) {
      return "a string";
    }
    if (e.getTokenBeingDecoded() == JsonToken.FIELD_NAME) {
      return "a field name";
    }
    if (parser.getParsingContext().inObject()) {
      return "an object";
    }
    return parser.getParsingContext().inArray() ? "an array" : "a value";
  }

  private JsonNode readOneValue(JsonParser parser) throws IOException, ProtocolException {
    JsonNode root = treeReader.readTree(parser);
    if (root == null || root.isMissingNode()) {
      throw invalidJson("frame holds only whitespace: a frame must carry a JSON object");
    }
    if (parser.nextToken() != null) {
      long at = parser.currentTokenLocation().getByteOffset();
      throw invalidJson("unexpected data after the JSON value at byte " + at);
    }
    return root;
  }

  /**
   * Refuses what Jackson would otherwise accept: overlong forms, encoded surrogates and code points past
   * U+10FFFF (which the JDK's strict decoder reports), and a NUL byte among the first four, from which
   * Jackson would guess UTF-16 or UTF-32. UTF-8 JSON never holds a raw NUL.
   */
  private static void requireUtf8(byte[] body) throws ProtocolException {
    for (int i = 0; i < Math.min(4, body.length); i++) {
      if (body[i] == 0) {
        throw invalidJson("frame is not UTF-8: byte " + i + " is 0x00 (UTF-16 or UTF-32 text?)");
      }
    }
    if (isAscii(body)) {
      return;
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(Math.min(body.length, 1024));
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        int at = in.position();
        throw invalidJson(String.format(
            Locale.ROOT, "frame is not valid UTF-8: malformed byte 0x%02x at byte %d", body[at] & 0xff, at));
      }
      if (result.isUnderflow()) {
        return;
      }
      out.clear();
    }
  }

  /** ASCII is well-formed UTF-8: most frames need no decoder. */
  private static boolean isAscii(byte[] body) {
    for (byte b : body) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static String requestId(JsonNode root) throws ProtocolException {
    JsonNode id = root.get("request_id");
    if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
      throw invalidRequest(null, "request_id", "\"request_id\" must be a non-empty string, got " + kind(id));
    }
    if (id.textValue().length() > MAX_REQUEST_ID_LENGTH) {
      throw invalidRequest(
          null,
          "request_id",
          "\"request_id\" is " + id.textValue().length() + " characters; the limit is " + MAX_REQUEST_ID_LENGTH);
    }
    return id.textValue();
  }

  /** A failure to an unparseable frame carries {@code "request_id": null}. */
  private static String optionalRequestId(JsonNode root) throws ProtocolException {
    JsonNode id = root.get("request_id");
    return id == null || id.isNull() ? null : requestId(root);
  }

  private static String nonEmptyText(JsonNode node, String name, String requestId) throws ProtocolException {
    return nonEmptyText(node, name, requestId, name);
  }

  private static String nonEmptyText(JsonNode node, String name, String requestId, String field)
      throws ProtocolException {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
      throw invalidRequest(requestId, field, "\"" + field + "\" must be a non-empty string, got " + kind(value));
    }
    return value.textValue();
  }

  private static String text(JsonNode node, String name, String requestId, String field) throws ProtocolException {
    JsonNode value = node.get(name);
    if (value == null || !value.isTextual()) {
      throw invalidRequest(requestId, field, "\"" + field + "\" must be a string, got " + kind(value));
    }
    return value.textValue();
  }

  private static ProtocolException invalidJson(String message) {
    return new ProtocolException(ErrorCode.INVALID_JSON, null, message);
  }

  private static ProtocolException invalidRequest(String requestId, String field, String message) {
    return new ProtocolException(ErrorCode.INVALID_REQUEST, requestId, message, Map.of("field", field));
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case STRING -> node.textValue().isEmpty() ? "an empty string" : "a string";
      case NUMBER -> "the number " + node.asText();
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
