package io.ociswrapper.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Request bodies as the contract reads them, whatever the Content-Type says (clients send none).
 * Numbers are read as written: {@code 1000000} stays {@code 1000000}, never {@code 1e+06},
 * and {@code 1.50} stays {@code 1.50}.
 */
public final class Bodies {

  public static final String INVALID_JSON = "Invalid json body";
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      // Keep 1.50 as 1.50: the default node factory strips trailing zeros.
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private Bodies() {
  }

  /** The body as a JSON object; {@code null} when it is empty and {@code optional}. */
  public static ObjectNode object(Buffer body, boolean optional) {
    if (body == null || body.length() == 0 || body.toString().isBlank()) {
      if (optional) {
        return null;
      }
      throw new BadRequest(INVALID_JSON, "the body is empty; a JSON object is expected");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body.getBytes());
    } catch (JacksonException e) {
      throw new BadRequest(INVALID_JSON, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequest(INVALID_JSON, e.getMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new BadRequest(INVALID_JSON, "a JSON object is expected, not " + describe(node));
    }
    return object;
  }

  /** Environment overrides: valid variable names, values strings, booleans or numbers. */
  public static Map<String, String> environment(ObjectNode object) {
    Map<String, String> env = new LinkedHashMap<>();
    if (object == null) {
      return env;
    }
    object.fields().forEachRemaining(field -> {
      String key = field.getKey();
      if (!VARIABLE.matcher(key).matches()) {
        throw new BadRequest(INVALID_JSON + ": '" + key + "' is not a valid environment variable name",
            "'" + key + "' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
      }
      env.put(key, value(key, field.getValue()));
    });
    return env;
  }

  private static String value(String key, JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isBoolean()) {
      return Boolean.toString(value.booleanValue());
    }
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue().toString();
    }
    if (value.isNumber()) {
      return value.decimalValue().toPlainString();
    }
    throw new BadRequest(INVALID_JSON + ": the value of '" + key + "' must be a string, boolean or number",
        "the value of '" + key + "' is " + describe(value) + "; expected a string, boolean or number");
  }

  static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
