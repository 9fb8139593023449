package io.ociswrapper.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Registers routes and remembers which methods each path accepts, so that a wrong method gets
 * 405 with an {@code Allow} header (the router alone knows only that some route matched).
 */
public final class RouteTable {

  private final Router router;
  private final Map<String, Set<String>> methods = new LinkedHashMap<>();
  private final Map<String, Pattern> patterns = new LinkedHashMap<>();

  public RouteTable(Router router) {
    this.router = router;
  }

  public RouteTable add(HttpMethod method, String path, Handler<RoutingContext> handler) {
    router.route(method, path).handler(handler);
    methods.computeIfAbsent(path, p -> new TreeSet<>()).add(method.name());
    patterns.computeIfAbsent(path, p -> Pattern.compile(p.replaceAll(":[A-Za-z]+", "[^/]+")));
    return this;
  }

  /** The methods allowed on {@code path}, as an {@code Allow} header value; empty when unknown. */
  public String allowed(String path) {
    return patterns.entrySet().stream()
        .filter(e -> e.getValue().matcher(path).matches())
        .flatMap(e -> methods.get(e.getKey()).stream())
        .collect(Collectors.toCollection(TreeSet::new))
        .stream().collect(Collectors.joining(", "));
  }
}
