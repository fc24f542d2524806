package dev.caravan.reconciler.jobspec;

/**
 * One problem in a jobspec file: where it is ({@code line} and {@code column} are 1-based),
 * the dotted path of the offending block or attribute when known (else empty), and what is wrong.
 */
public record JobspecError(String file, int line, int column, String path, String message) {

  public JobspecError {
    path = path == null ? "" : path;
  }

  /** {@code file:line:column: message}, like a compiler. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
