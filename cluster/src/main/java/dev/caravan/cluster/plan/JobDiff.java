package dev.caravan.cluster.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The difference between the live version of a job and a submitted one, as Nomad's plan API
 * returns it ({@code nomad/structs/diff.go}): a sorted tree job -> task groups -> tasks, each
 * level with its primitive {@link FieldDiff fields} and nested {@link ObjectDiff objects}.
 * Repeated blocks are paired by a stable key (see {@link JobDiffer}), so one changed port is
 * one edited port. Annotations (what a change forces, the scheduler's per-group counts) are
 * added by {@link PlanAnnotator}.
 *
 * @param type what happens to the job
 * @param id the job's ID
 * @param fields the job's primitive fields (unchanged ones with type {@code None})
 * @param objects the job's changed blocks
 * @param taskGroups every group of either version, sorted by name
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobDiff(
    @JsonProperty("Type") Type type,
    @JsonProperty("ID") String id,
    @JsonProperty("Fields") List<FieldDiff> fields,
    @JsonProperty("Objects") List<ObjectDiff> objects,
    @JsonProperty("TaskGroups") List<TaskGroupDiff> taskGroups) {

  /** Nomad's diff types. */
  public enum Type { Added, Deleted, Edited, None }

  public JobDiff {
    fields = copy(fields);
    objects = copy(objects);
    taskGroups = copy(taskGroups);
  }

  /** One primitive field: values as Nomad prints them (text, "" when absent). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FieldDiff(
      @JsonProperty("Type") Type type,
      @JsonProperty("Name") String name,
      @JsonProperty("Old") String old,
      @JsonProperty("New") String newValue,
      @JsonProperty("Annotations") List<String> annotations) {

    public FieldDiff {
      old = old == null ? "" : old;
      newValue = newValue == null ? "" : newValue;
      annotations = copy(annotations);
    }

    FieldDiff annotated(String annotation) {
      return new FieldDiff(type, name, old, newValue, List.of(annotation));
    }
  }

  /** One nested block (an update block, a port, a constraint, a task's config). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ObjectDiff(
      @JsonProperty("Type") Type type,
      @JsonProperty("Name") String name,
      @JsonProperty("Fields") List<FieldDiff> fields,
      @JsonProperty("Objects") List<ObjectDiff> objects) {

    public ObjectDiff {
      fields = copy(fields);
      objects = copy(objects);
    }
  }

  /**
   * One task group; {@code updates} are the scheduler's decisions keyed by Nomad's update
   * types ({@code create}, {@code destroy}, {@code in-place update}, ...), zero counts left out.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TaskGroupDiff(
      @JsonProperty("Type") Type type,
      @JsonProperty("Name") String name,
      @JsonProperty("Fields") List<FieldDiff> fields,
      @JsonProperty("Objects") List<ObjectDiff> objects,
      @JsonProperty("Tasks") List<TaskDiff> tasks,
      @JsonProperty("Updates") Map<String, Integer> updates) {

    public TaskGroupDiff {
      fields = copy(fields);
      objects = copy(objects);
      tasks = copy(tasks);
      updates = updates == null ? Map.of() : java.util.Collections.unmodifiableMap(
          new TreeMap<>(updates));
    }
  }

  /** One task; {@code annotations} say what its change forces. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TaskDiff(
      @JsonProperty("Type") Type type,
      @JsonProperty("Name") String name,
      @JsonProperty("Fields") List<FieldDiff> fields,
      @JsonProperty("Objects") List<ObjectDiff> objects,
      @JsonProperty("Annotations") List<String> annotations) {

    public TaskDiff {
      fields = copy(fields);
      objects = copy(objects);
      annotations = copy(annotations);
    }
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
