package io.ociswrapper.process;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Accumulated environment overrides; later values for a key win. Shown masked in {@code /status}. */
public final class Overrides {

  private static final Pattern SECRET = Pattern.compile("PASSWORD|SECRET|TOKEN|KEY");
  public static final String MASK = "***";

  private final Map<String, String> values = new LinkedHashMap<>();

  public void putAll(Map<String, String> more) {
    values.putAll(more);
  }

  public void clear() {
    values.clear();
  }

  public Map<String, String> asMap() {
    return Map.copyOf(values);
  }

  /** {@code base} plus these overrides, which win. */
  public Map<String, String> applyTo(Map<String, String> base) {
    Map<String, String> env = new LinkedHashMap<>(base);
    env.putAll(values);
    return env;
  }

  public static JsonObject masked(Map<String, String> values) {
    JsonObject json = new JsonObject();
    values.forEach((k, v) -> json.put(k, SECRET.matcher(k.toUpperCase(Locale.ROOT)).find() ? MASK : v));
    return json;
  }

  public JsonObject masked() {
    return masked(values);
  }
}
