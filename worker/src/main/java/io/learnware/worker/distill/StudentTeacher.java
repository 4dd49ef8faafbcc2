package io.learnware.worker.distill;

import io.learnware.worker.model.InputShape;

/** A model the market built (an earlier student) in the teacher's role. */
final class StudentTeacher implements Teacher {

  private final Student student;
  private final InputShape inputShape;
  private final int outputDimension;
  private final long artifactBytes;

  StudentTeacher(Student student, InputShape inputShape, int outputDimension, long artifactBytes) {
    this.student = student;
    this.inputShape = inputShape;
    this.outputDimension = outputDimension;
    this.artifactBytes = artifactBytes;
  }

  @Override
  public int inputDimension() {
    return inputShape.size();
  }

  @Override
  public InputShape inputShape() {
    return inputShape;
  }

  @Override
  public int outputDimension() {
    return outputDimension;
  }

  @Override
  public float[] logits(float[] inputs, int rows) {
    return student.logits(inputs, rows);
  }

  @Override
  public long parameterCount() {
    return student.parameterCount();
  }

  @Override
  public long artifactBytes() {
    return artifactBytes;
  }

  @Override
  public void close() {
    student.close();
  }
}
