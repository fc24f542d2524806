package dev.caravan.reconciler.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The field-by-field difference of two versions of a job, sorted by path, with Caravan's
 * bookkeeping left out (indexes, version, status, and meta {@code caravan.*}). An update is
 * destructive when a task changed (allocations must be replaced), in place otherwise (count,
 * meta, update strategy). Pure.
 */
public record JobDiff(Type type, List<FieldDiff> fields) {
  private static final ObjectMapper JSON = NomadJson.create();

  /** What a plan does to the job. */
  public enum Type { Added, Deleted, Edited, None }

  public JobDiff {
    fields = List.copyOf(fields);
  }

  /** Compares a live job (null when absent) with the desired one (null when deleted). */
  public static JobDiff between(Job live, Job desired) {
    if (live == null && desired == null) {
      return new JobDiff(Type.None, List.of());
    }
    List<FieldDiff> out = new ArrayList<>();
    walk("", tree(live), tree(desired), out);
    Type type = live == null ? Type.Added : desired == null ? Type.Deleted
        : out.isEmpty() ? Type.None : Type.Edited;
    return new JobDiff(type, out);
  }

  /** True when a task changed: Nomad replaces the allocations rather than updating them. */
  public boolean destructive() {
    for (FieldDiff f : fields) {
      if (f.path().contains(".Tasks[")) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode tree(Job job) {
    if (job == null) {
      return null;
    }
    Map<String, String> meta = new LinkedHashMap<>(job.meta());
    meta.keySet().removeIf(k -> k.startsWith("caravan."));
    ObjectNode node = JSON.valueToTree(job.toBuilder().meta(meta).stop(false).build().spec());
    for (String bookkeeping : List.of("Status", "Stable", "Version", "SubmitTime", "CreateIndex",
        "ModifyIndex", "JobModifyIndex", "Stop")) {
      node.remove(bookkeeping);
    }
    return node;
  }

  private static void walk(String path, JsonNode a, JsonNode b, List<FieldDiff> out) {
    boolean aEmpty = a == null || a.isNull() || (a.isContainerNode() && a.isEmpty());
    boolean bEmpty = b == null || b.isNull() || (b.isContainerNode() && b.isEmpty());
    if (aEmpty && bEmpty) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        walk(join(path, k), a.get(k), b.get(k), out);
      }
      return;
    }
    if (a != null && b != null && a.isArray() && b.isArray() && named(a) && named(b)) {
      Map<String, JsonNode> left = byName(a);
      Map<String, JsonNode> right = byName(b);
      TreeSet<String> names = new TreeSet<>(left.keySet());
      names.addAll(right.keySet());
      for (String n : names) {
        walk(path + "[" + n + "]", left.get(n), right.get(n), out);
      }
      return;
    }
    if (aEmpty) {
      out.add(new FieldDiff(path, FieldDiff.Type.Added, null, b.toString()));
    } else if (bEmpty) {
      out.add(new FieldDiff(path, FieldDiff.Type.Deleted, a.toString(), null));
    } else if (!a.equals(b)) {
      out.add(new FieldDiff(path, FieldDiff.Type.Edited, a.toString(), b.toString()));
    }
  }

  /** Arrays of objects with a Name (groups, tasks, services) compare by name, not position. */
  private static boolean named(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isObject() || !n.path("Name").isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, JsonNode> byName(JsonNode array) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      JsonNode n = it.next();
      out.put(n.path("Name").asText(), n);
    }
    return out;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
