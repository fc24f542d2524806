package dev.caravan.reconciler.diff;

/**
 * One changed field of a job, by its path in the API's JSON shape
 * ({@code TaskGroups[web].Count}, {@code TaskGroups[web].Tasks[server].Config.image}); values
 * are rendered as JSON text, null when absent.
 */
public record FieldDiff(String path, Type type, String oldValue, String newValue) {

  /** Nomad's diff types. */
  public enum Type { Added, Deleted, Edited }

  /** {@code +/-/~ path: old => new}, as {@code nomad job plan} prints a field. */
  @Override
  public String toString() {
    return switch (type) {
      case Added -> "+ " + path + ": " + newValue;
      case Deleted -> "- " + path + ": " + oldValue;
      case Edited -> "~ " + path + ": " + oldValue + " => " + newValue;
    };
  }
}
