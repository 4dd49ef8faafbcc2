package io.learnware.worker.distill;

import io.learnware.worker.Models;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.network.StudentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hinton, Vinyals &amp; Dean (2015), section 3, on the digits fixture: the student never sees a 3,
 * only the teacher's soft targets on the other digits, and is then tested on the 3s before and
 * after raising the output bias of class 3. Not a test (surefire skips the name); {@code
 * bench/hinton-omitted-class.sh} runs it and prints Markdown tables.
 *
 * <p>Protocol, per seed: the 1,437 training rows are split 80/20 into a transfer pool and a
 * validation set (with its 3s); the transfer set is the pool without its 3s. The student (an MLP
 * 64-32-10 like the teacher) is distilled on soft targets only, at T = 20 as in the paper. The bias
 * is chosen without the test rows, by two rules: (a) the value in 0..20 (steps of 0.05) with the
 * best validation accuracy, the smallest on ties; (b) without labels, the value at which the
 * student's mean probability of a 3 on the validation inputs equals the share of 3s among the
 * training labels. Adding b to the logit of class 3 is the same as adding it to that output's bias.
 */
class HintonOmittedClass {

  private static final int OMITTED = 3;

  /** The paper's; {@code -Dhinton.temperature=T} tries another. */
  private static final double TEMPERATURE =
      Double.parseDouble(System.getProperty("hinton.temperature", "20"));

  private static final long[] SEEDS = {1, 2, 3, 4, 5};
  private static final double MAX_BIAS = 20;
  private static final double BIAS_STEP = 0.05;

  /** Test errors of a model: all, and on the omitted digit. */
  private record Errors(int all, int omitted) {}

  private record Run(
      long seed,
      Errors validation,
      int validationOmitted,
      Errors before,
      double validationBias,
      Errors afterValidation,
      double priorBias,
      Errors afterPrior,
      Errors control) {}

  @Test
  void run() throws Exception {
    Digits.Rows train = Digits.train();
    Digits.Rows test = Digits.test();
    int testOmitted = (int) Arrays.stream(test.labels()).filter(y -> y == OMITTED).count();
    double prior =
        (double) Arrays.stream(train.labels()).filter(y -> y == OMITTED).count() / train.size();
    List<Run> runs = new ArrayList<>();
    Errors teacherErrors;
    try (Teacher teacher = Digits.teacher()) {
      teacherErrors = errors(teacher.outputs(test.floats(), test.size()), test.labels(), 0);
      Path dir = Files.createTempDirectory("hinton");
      for (long seed : SEEDS) {
        int[] order = permutation(train.size(), new SplittableRandom(seed));
        int validationRows = train.size() / 5;
        Digits.Rows validation = train.select(Arrays.copyOfRange(order, 0, validationRows));
        Digits.Rows pool = train.select(Arrays.copyOfRange(order, validationRows, train.size()));
        Digits.Rows transfer = pool.filter(y -> y != OMITTED);
        DistillationResult result = distil(teacher, transfer, dir.resolve("seed" + seed), seed);
        // The control: the same protocol with the 3s left in the transfer set.
        Errors control;
        DistillationResult withThrees = distil(teacher, pool, dir.resolve("all" + seed), seed);
        try (RunnableModel student = load(withThrees)) {
          control = errors(student.predict(test.floats(), test.size()), test.labels(), 0);
        }
        try (RunnableModel student = load(result)) {
          float[] validationLogits = student.predict(validation.floats(), validation.size());
          float[] testLogits = student.predict(test.floats(), test.size());
          double byValidation = bestBias(validationLogits, validation.labels());
          double byPrior = priorBias(validationLogits, prior);
          runs.add(
              new Run(
                  seed,
                  errors(validationLogits, validation.labels(), 0),
                  (int) Arrays.stream(validation.labels()).filter(y -> y == OMITTED).count(),
                  errors(testLogits, test.labels(), 0),
                  byValidation,
                  errors(testLogits, test.labels(), byValidation),
                  byPrior,
                  errors(testLogits, test.labels(), byPrior),
                  control));
        }
      }
    }
    print(runs, teacherErrors, train.size() / 5, test.size(), testOmitted, prior);
  }

  /** A student distilled on soft targets only, at the paper's temperature. */
  private static DistillationResult distil(
      Teacher teacher, Digits.Rows transfer, Path dir, long seed) throws Exception {
    return Distillation.builder()
        .setTeacher(teacher)
        .setTransferSet(transfer.x(), null)
        .setStudent(new StudentSpec.Mlp(List.of(32)))
        .setOutputDirectory(dir)
        .optTemperature(TEMPERATURE)
        .optSeed(seed)
        .build()
        .run();
  }

  private static RunnableModel load(DistillationResult result) throws Exception {
    return Models.load(
        result.artifact(),
        result.format(),
        result.architecture(),
        InputShape.table(Digits.PIXELS),
        Digits.CLASSES);
  }

  private static void print(
      List<Run> runs,
      Errors teacher,
      int validationRows,
      int testRows,
      int testOmitted,
      double prior) {
    System.out.println();
    System.out.printf(
        "Temperature %s. Test rows: %d, of which %d are 3s. Share of 3s among the training"
            + " labels: %.4f.%n",
        TEMPERATURE, testRows, testOmitted, prior);
    System.out.println();
    System.out.println(
        "| seed | validation errors (on 3s) | test before: errors (on 3s) | rule (a) bias | after (a) | rule (b) bias | after (b) |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (Run run : runs) {
      System.out.printf(
          "| %d | %s of %d (%d of %d) | %s | %.2f | %s | %.2f | %s |%n",
          run.seed(),
          run.validation().all(),
          validationRows,
          run.validation().omitted(),
          run.validationOmitted(),
          cell(run.before()),
          run.validationBias(),
          cell(run.afterValidation()),
          run.priorBias(),
          cell(run.afterPrior()));
    }
    System.out.println();
    System.out.println(
        "| model | test errors | errors on 3s | accuracy on 3s | overall test accuracy |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    row("teacher (trained on all digits)", teacher.all(), teacher.omitted(), testRows, testOmitted);
    row("student, before", mean(runs, Run::before), testRows, testOmitted);
    row("student, bias by rule (a)", mean(runs, Run::afterValidation), testRows, testOmitted);
    row("student, bias by rule (b)", mean(runs, Run::afterPrior), testRows, testOmitted);
    row("control: student with the 3s kept", mean(runs, Run::control), testRows, testOmitted);
    System.out.printf(
        "(student rows: means over %d seeds; mean bias (a) %.2f, (b) %.2f)%n",
        runs.size(),
        runs.stream().mapToDouble(Run::validationBias).average().orElseThrow(),
        runs.stream().mapToDouble(Run::priorBias).average().orElseThrow());
  }

  private static String cell(Errors errors) {
    return "%d (%d)".formatted(errors.all(), errors.omitted());
  }

  private static double[] mean(List<Run> runs, java.util.function.Function<Run, Errors> which) {
    return new double[] {
      runs.stream().mapToInt(r -> which.apply(r).all()).average().orElseThrow(),
      runs.stream().mapToInt(r -> which.apply(r).omitted()).average().orElseThrow()
    };
  }

  private static void row(String name, double[] errors, int testRows, int testOmitted) {
    row(name, errors[0], errors[1], testRows, testOmitted);
  }

  private static void row(String name, double all, double omitted, int testRows, int testOmitted) {
    System.out.printf(
        "| %s | %.1f of %d | %.1f of %d | %.3f | %.3f |%n",
        name, all, testRows, omitted, testOmitted, 1 - omitted / testOmitted, 1 - all / testRows);
  }

  private static Errors errors(float[] logits, int[] labels, double bias) {
    int[] predicted = SoftTargets.argmax(biased(logits, bias), Digits.CLASSES);
    int all = 0;
    int omitted = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] != labels[i]) {
        all++;
        if (labels[i] == OMITTED) {
          omitted++;
        }
      }
    }
    return new Errors(all, omitted);
  }

  private static float[] biased(float[] logits, double bias) {
    float[] out = logits.clone();
    for (int i = OMITTED; i < out.length; i += Digits.CLASSES) {
      out[i] += (float) bias;
    }
    return out;
  }

  /** Rule (a): the bias with the fewest validation errors; the smallest such on ties. */
  private static double bestBias(float[] logits, int[] labels) {
    double best = 0;
    int fewest = Integer.MAX_VALUE;
    for (int step = 0; step * BIAS_STEP <= MAX_BIAS; step++) {
      double bias = step * BIAS_STEP;
      int errors = errors(logits, labels, bias).all();
      if (errors < fewest) {
        fewest = errors;
        best = bias;
      }
    }
    return best;
  }

  /**
   * Rule (b): bisection on the bias until the mean probability of class 3 (at temperature 1) on the
   * validation inputs equals {@code prior}; that mean grows with the bias.
   */
  private static double priorBias(float[] logits, double prior) {
    double low = 0;
    double high = MAX_BIAS;
    for (int i = 0; i < 60; i++) {
      double mid = (low + high) / 2;
      double[] p = SoftTargets.softmax(biased(logits, mid), Digits.CLASSES, 1);
      double mass = 0;
      for (int row = OMITTED; row < p.length; row += Digits.CLASSES) {
        mass += p[row];
      }
      if (mass / (p.length / Digits.CLASSES) < prior) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return (low + high) / 2;
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int j = random.nextInt(i + 1);
      out[i] = out[j];
      out[j] = i;
    }
    return out;
  }
}
