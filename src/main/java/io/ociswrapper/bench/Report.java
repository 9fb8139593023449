package io.ociswrapper.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The benchmark's one table: printed, and written as Markdown and JSON. */
final class Report {

  private Report() {
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "–";
    }
    if (Math.abs(value) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f" : "%.1f", value);
  }

  static String markdown(List<Row> rows, String header) {
    StringBuilder out = new StringBuilder(header).append("\n\n")
        .append("| row | n | median | p90 | max | overhead (median) | target | |\n")
        .append("|---|---:|---:|---:|---:|---:|---|---|\n");
    for (Row row : rows) {
      out.append("| ").append(row.name).append(" | ").append(row.samples.size())
          .append(" | ").append(number(row.median())).append(' ').append(row.unit)
          .append(" | ").append(number(row.p90()))
          .append(" | ").append(number(row.max()))
          .append(" | ").append(row.overheads.isEmpty() ? "" : number(row.overheadMedian()) + " ms")
          .append(" | ").append(row.target == null ? "" : row.target.describe(row.unit))
          .append(" | ").append(row.verdict())
          .append(" |\n");
    }
    rows.stream().filter(r -> !r.note.isEmpty())
        .forEach(r -> out.append("\n- ").append(r.name).append(": ").append(r.note));
    return out.append('\n').toString();
  }

  static void write(Path dir, List<Row> rows, String header, JsonObject context) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("bench.md"), markdown(rows, header));
    JsonArray json = new JsonArray();
    rows.forEach(r -> json.add(r.toJson()));
    Files.writeString(dir.resolve("bench.json"), context.copy().put("rows", json).encodePrettily());
  }
}
