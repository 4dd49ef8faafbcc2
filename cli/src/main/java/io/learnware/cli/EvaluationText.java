package io.learnware.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An {@code evaluate} job's report for people: the figures as aligned tables. */
final class EvaluationText {

  private EvaluationText() {}

  /** Whether {@code report} is one this class can print (else the caller prints the JSON). */
  static boolean handles(JsonNode report) {
    String task = report == null ? "" : report.path("task").asText();
    return task.equals("classification") || task.equals("regression");
  }

  static void print(PrintWriter out, JsonNode report) {
    JsonNode data = report.path("data");
    String on =
        data.hasNonNull("dataset")
            ? data.get("dataset").asText()
            : data.hasNonNull("benchmark")
                ? "the benchmark set " + data.get("benchmark").asText()
                : "the job's data set";
    out.printf("evaluated on %s: %d rows%n", on, data.path("rows").asInt());
    if (report.path("task").asText().equals("classification")) {
      classification(out, report);
    } else {
      regression(out, report);
    }
  }

  private static void classification(PrintWriter out, JsonNode report) {
    JsonNode macro = report.path("macro");
    out.printf(
        "accuracy %s   macro precision %s  recall %s  F1 %s   ECE %s (%d bins)%n",
        number(report.get("accuracy")),
        number(macro.get("precision")),
        number(macro.get("recall")),
        number(macro.get("f1")),
        number(report.get("ece")),
        report.path("bins").asInt());
    out.println();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("class", "support", "predicted", "precision", "recall", "f1"));
    for (JsonNode c : report.path("perClass")) {
      rows.add(
          List.of(
              c.path("label").asText(),
              c.path("support").asText(),
              c.path("predicted").asText(),
              number(c.get("precision")),
              number(c.get("recall")),
              number(c.get("f1"))));
    }
    table(out, rows);
    JsonNode confusion = report.get("confusion");
    if (confusion != null && confusion.isArray()) {
      out.println();
      out.println("confusion matrix (rows: true class, columns: predicted class)");
      List<String> labels = new ArrayList<>();
      report.path("labels").forEach(l -> labels.add(l.asText()));
      List<List<String>> matrix = new ArrayList<>();
      List<String> head = new ArrayList<>();
      head.add("");
      head.addAll(labels);
      matrix.add(head);
      for (int i = 0; i < confusion.size(); i++) {
        List<String> row = new ArrayList<>();
        row.add(i < labels.size() ? labels.get(i) : Integer.toString(i));
        confusion.get(i).forEach(v -> row.add(v.asText()));
        matrix.add(row);
      }
      table(out, matrix);
    }
  }

  private static void regression(PrintWriter out, JsonNode report) {
    out.printf(
        "MAE %s   RMSE %s   R² %s   mean residual %s%n",
        number(report.get("mae")),
        number(report.get("rmse")),
        number(report.get("r2")),
        number(report.get("meanResidual")));
    out.println();
    out.println("quantiles of the residuals (target − prediction)");
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("q", "residual"));
    for (JsonNode q : report.path("residualQuantiles")) {
      rows.add(List.of(q.path("q").asText(), number(q.get("value"))));
    }
    table(out, rows);
  }

  /** Four decimals, or "–" for an undefined (null or absent) figure. */
  private static String number(JsonNode value) {
    return value == null || !value.isNumber()
        ? "–"
        : String.format(Locale.ROOT, "%.4f", value.doubleValue());
  }

  /** Rows as columns: the first left-aligned, the others right-aligned. */
  private static void table(PrintWriter out, List<List<String>> rows) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        String cell = row.get(c);
        String pad = " ".repeat(widths[c] - cell.length());
        if (c == 0) {
          line.append(cell).append(pad);
        } else {
          line.append("  ").append(pad).append(cell);
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
