package io.ociswrapper.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One line of the benchmark table: samples of a figure (ms, lines/s, …), the wrapper's overhead
 * where the child's own time is known, and the target it is held against.
 */
final class Row {

  final String name;
  final String unit;
  final List<Double> samples = new ArrayList<>();
  final List<Double> overheads = new ArrayList<>();
  /** What the target is measured on: the median overhead, the median value, or a max. */
  Target target;
  String note = "";

  Row(String name, String unit) {
    this.name = name;
    this.unit = unit;
  }

  /** A limit on a statistic of the row: {@code overhead median <= 30}, {@code value >= 20000}… */
  record Target(String on, boolean atMost, double limit) {

    String describe(String unit) {
      return on + (atMost ? " ≤ " : " ≥ ") + Report.number(limit) + " " + unit;
    }
  }

  Row add(double value) {
    samples.add(value);
    return this;
  }

  Row add(double value, double overhead) {
    samples.add(value);
    overheads.add(overhead);
    return this;
  }

  Row target(String on, boolean atMost, double limit) {
    target = new Target(on, atMost, limit);
    return this;
  }

  Row note(String text) {
    note = text;
    return this;
  }

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  double median() {
    return percentile(samples, 0.5);
  }

  double p90() {
    return percentile(samples, 0.9);
  }

  double max() {
    return percentile(samples, 1.0);
  }

  double overheadMedian() {
    return percentile(overheads, 0.5);
  }

  /** The figure the target applies to. */
  double judged() {
    if (target == null) {
      return Double.NaN;
    }
    switch (target.on()) {
      case "overhead median":
        return overheadMedian();
      case "max":
        return max();
      default:
        return median();
    }
  }

  String verdict() {
    if (target == null) {
      return "";
    }
    double value = judged();
    boolean pass = target.atMost() ? value <= target.limit() : value >= target.limit();
    return pass ? "PASS" : "MISS";
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("unit", unit).put("n", samples.size())
        .put("median", median()).put("p90", p90()).put("max", max());
    if (!overheads.isEmpty()) {
      json.put("overheadMedian", overheadMedian()).put("overheadP90", percentile(overheads, 0.9));
    }
    if (target != null) {
      json.put("target", target.describe(unit)).put("verdict", verdict());
    }
    return json.put("note", note);
  }
}
