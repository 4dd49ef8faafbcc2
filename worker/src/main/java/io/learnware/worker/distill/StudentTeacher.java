package io.learnware.worker.distill;

/** A model the market built (an earlier student) in the teacher's role. */
final class StudentTeacher implements Teacher {

  private final Student student;
  private final int inputDimension;
  private final int outputDimension;
  private final long artifactBytes;

  StudentTeacher(Student student, int inputDimension, int outputDimension, long artifactBytes) {
    this.student = student;
    this.inputDimension = inputDimension;
    this.outputDimension = outputDimension;
    this.artifactBytes = artifactBytes;
  }

  @Override
  public int inputDimension() {
    return inputDimension;
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
