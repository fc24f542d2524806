package dev.caravan.reconciler.jobspec;

import java.util.List;

/** A jobspec file that does not parse, decode or validate; carries every error found. */
public final class JobspecException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<JobspecError> errors;

  public JobspecException(List<JobspecError> errors) {
    super(render(errors));
    this.errors = List.copyOf(errors);
  }

  /** The errors, in file order where positions are known; never empty. */
  public List<JobspecError> errors() {
    return errors;
  }

  private static String render(List<JobspecError> errors) {
    StringBuilder sb = new StringBuilder();
    for (JobspecError e : errors) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(e);
    }
    return sb.toString();
  }
}
