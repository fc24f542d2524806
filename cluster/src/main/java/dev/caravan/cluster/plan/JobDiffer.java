package dev.caravan.cluster.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.plan.JobDiff.FieldDiff;
import dev.caravan.cluster.plan.JobDiff.ObjectDiff;
import dev.caravan.cluster.plan.JobDiff.TaskDiff;
import dev.caravan.cluster.plan.JobDiff.TaskGroupDiff;
import dev.caravan.cluster.plan.JobDiff.Type;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the {@link JobDiff} of two versions of a job over their API JSON shape. Pure.
 *
 * <p>Primitive fields become {@link FieldDiff}s (unchanged ones included with type
 * {@code None}, as Nomad's contextual diff does); maps of strings (meta, env) become fields
 * {@code Meta[key]}; a task's driver config becomes one {@code Config} object of flattened
 * fields ({@code args[0]}); nested blocks become {@link ObjectDiff}s, left out when unchanged.
 * Repeated blocks are paired by a stable key rather than by position, so a changed port is
 * one edited {@code Dynamic Port}, not a replaced network:
 * <ul>
 *   <li>groups, tasks, services, checks: name; ports: label; templates: destination;
 *   <li>constraints and affinities: attribute and operator; spreads: attribute;
 *   <li>artifacts: source; volume mounts: destination; group volumes: their map key;
 *   <li>networks: mode; anything else: its {@code Name}, else its position.
 * </ul>
 */
public final class JobDiffer {
  private static final ObjectMapper JSON = NomadJson.mapper();
  /** Job fields that are Raft bookkeeping, not the user's spec. */
  private static final Set<String> BOOKKEEPING = Set.of("ID", "TaskGroups", "Status", "Stable",
      "Version", "SubmitTime", "CreateIndex", "ModifyIndex", "JobModifyIndex");
  /** Maps of strings, flattened into fields {@code Name[key]}. */
  private static final Set<String> STRING_MAPS = Set.of("Meta", "Env", "GetterOptions",
      "GetterHeaders", "CanaryMeta", "TaggedAddresses");
  /** Free-form maps, shown as one object of flattened fields. */
  private static final Set<String> FLATTENED = Set.of("Config", "Header", "Multiregion");
  /** Maps of blocks: each entry one object, paired by its key. */
  private static final Map<String, String> KEYED_MAPS = Map.of("Volumes", "Volume");

  private JobDiffer() {}

  /** The diff from {@code old} (null when the job is new) to {@code desired} (null: deleted). */
  public static JobDiff diff(Job old, Job desired) {
    JsonNode a = tree(old);
    JsonNode b = tree(desired);
    String id = desired != null ? desired.id() : old != null ? old.id() : "";
    List<FieldDiff> fields = new ArrayList<>();
    List<ObjectDiff> objects = new ArrayList<>();
    body(a, b, BOOKKEEPING, fields, objects);
    List<TaskGroupDiff> groups = new ArrayList<>();
    pair(a == null ? null : a.get("TaskGroups"), b == null ? null : b.get("TaskGroups"),
        "TaskGroups").forEach((name, p) -> groups.add(group(name, p[0], p[1])));
    Type type = old == null && desired == null ? Type.None : old == null ? Type.Added
        : desired == null ? Type.Deleted
        : changed(fields, objects) || groups.stream().anyMatch(g -> g.type() != Type.None)
            ? Type.Edited : Type.None;
    return new JobDiff(type, id, fields, objects, groups);
  }

  private static TaskGroupDiff group(String name, JsonNode a, JsonNode b) {
    List<FieldDiff> fields = new ArrayList<>();
    List<ObjectDiff> objects = new ArrayList<>();
    body(a, b, Set.of("Name", "Tasks"), fields, objects);
    List<TaskDiff> tasks = new ArrayList<>();
    pair(a == null ? null : a.get("Tasks"), b == null ? null : b.get("Tasks"), "Tasks")
        .forEach((taskName, p) -> tasks.add(task(taskName, p[0], p[1])));
    Type type = typeOf(a, b,
        changed(fields, objects) || tasks.stream().anyMatch(t -> t.type() != Type.None));
    return new TaskGroupDiff(type, name, fields, objects, tasks, Map.of());
  }

  private static TaskDiff task(String name, JsonNode a, JsonNode b) {
    List<FieldDiff> fields = new ArrayList<>();
    List<ObjectDiff> objects = new ArrayList<>();
    body(a, b, Set.of("Name"), fields, objects);
    return new TaskDiff(typeOf(a, b, changed(fields, objects)), name, fields, objects, List.of());
  }

  /** Diffs the members of two objects (either may be absent) into fields and objects. */
  private static void body(JsonNode a, JsonNode b, Set<String> skip, List<FieldDiff> fields,
      List<ObjectDiff> objects) {
    TreeSet<String> keys = new TreeSet<>();
    if (a != null) {
      a.fieldNames().forEachRemaining(keys::add);
    }
    if (b != null) {
      b.fieldNames().forEachRemaining(keys::add);
    }
    keys.removeAll(skip);
    for (String k : keys) {
      JsonNode va = a == null ? null : a.get(k);
      JsonNode vb = b == null ? null : b.get(k);
      if (empty(va) && empty(vb)) {
        continue;
      }
      if (STRING_MAPS.contains(k)) {
        stringMap(k, va, vb, fields);
      } else if (FLATTENED.contains(k)) {
        Map<String, String> fa = new TreeMap<>();
        Map<String, String> fb = new TreeMap<>();
        flatten("", va, fa);
        flatten("", vb, fb);
        add(objects, object(k, va, vb, flatFields(fa, fb), List.of()));
      } else if (KEYED_MAPS.containsKey(k)) {
        TreeSet<String> names = new TreeSet<>();
        if (!empty(va)) {
          va.fieldNames().forEachRemaining(names::add);
        }
        if (!empty(vb)) {
          vb.fieldNames().forEachRemaining(names::add);
        }
        for (String n : names) {
          add(objects, nested(KEYED_MAPS.get(k), empty(va) ? null : va.get(n),
              empty(vb) ? null : vb.get(n)));
        }
      } else if (isArray(va) || isArray(vb)) {
        if (ofObjects(va) && ofObjects(vb)) {
          String singular = singular(k);
          pair(va, vb, k).forEach((key, p) -> add(objects, nested(singular, p[0], p[1])));
        } else {
          add(objects, scalarSet(k, va, vb));
        }
      } else if (isObject(va) || isObject(vb)) {
        add(objects, nested(k, va, vb));
      } else {
        FieldDiff f = field(k, text(va), text(vb));
        if (f != null) {
          fields.add(f);
        }
      }
    }
  }

  private static ObjectDiff nested(String name, JsonNode a, JsonNode b) {
    List<FieldDiff> fields = new ArrayList<>();
    List<ObjectDiff> objects = new ArrayList<>();
    body(empty(a) ? null : a, empty(b) ? null : b, Set.of(), fields, objects);
    return object(name, a, b, fields, objects);
  }

  private static ObjectDiff object(String name, JsonNode a, JsonNode b, List<FieldDiff> fields,
      List<ObjectDiff> objects) {
    return new ObjectDiff(typeOf(empty(a) ? null : a, empty(b) ? null : b,
        changed(fields, objects)), name, fields, objects);
  }

  /** An array of strings or numbers (datacenters, tags): one field per value, as a set. */
  private static ObjectDiff scalarSet(String name, JsonNode a, JsonNode b) {
    TreeSet<String> before = values(a);
    TreeSet<String> after = values(b);
    TreeSet<String> all = new TreeSet<>(before);
    all.addAll(after);
    List<FieldDiff> fields = new ArrayList<>();
    for (String v : all) {
      boolean was = before.contains(v);
      boolean is = after.contains(v);
      Type t = was && is ? Type.None : was ? Type.Deleted : Type.Added;
      fields.add(new FieldDiff(t, name, was ? v : "", is ? v : "", List.of()));
    }
    return object(name, a, b, fields, List.of());
  }

  private static void stringMap(String name, JsonNode a, JsonNode b, List<FieldDiff> out) {
    Map<String, String> fa = new TreeMap<>();
    Map<String, String> fb = new TreeMap<>();
    flatten(name, a, fa);
    flatten(name, b, fb);
    out.addAll(flatFields(fa, fb));
  }

  private static List<FieldDiff> flatFields(Map<String, String> a, Map<String, String> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<FieldDiff> out = new ArrayList<>();
    for (String k : keys) {
      FieldDiff f = field(k, a.getOrDefault(k, ""), b.getOrDefault(k, ""));
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** Nomad's flatmap: {@code key}, {@code key[0]}, {@code key[0][inner]}. */
  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (empty(node)) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "[" + e.getKey() + "]", e.getValue(),
            out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + "[" + i + "]", node.get(i), out);
      }
    } else {
      out.put(prefix, text(node));
    }
  }

  /**
   * Pairs the elements of two arrays of blocks by their stable key, sorted by key; each value
   * is {@code [old, new]}, either null.
   */
  private static Map<String, JsonNode[]> pair(JsonNode a, JsonNode b, String field) {
    Map<String, JsonNode[]> out = new TreeMap<>();
    keyed(a, field).forEach((k, n) -> out.computeIfAbsent(k, x -> new JsonNode[2])[0] = n);
    keyed(b, field).forEach((k, n) -> out.computeIfAbsent(k, x -> new JsonNode[2])[1] = n);
    return out;
  }

  private static Map<String, JsonNode> keyed(JsonNode array, String field) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (empty(array) || !array.isArray()) {
      return out;
    }
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      String key = key(field, n, i);
      String unique = key;
      for (int dup = 2; out.containsKey(unique); dup++) {
        unique = key + "#" + dup;
      }
      out.put(unique, n);
    }
    return out;
  }

  /** The stable key of one element of a repeated block. */
  static String key(String field, JsonNode n, int position) {
    String key = switch (field) {
      case "ReservedPorts", "DynamicPorts" -> n.path("Label").asText("");
      case "Templates" -> n.path("DestPath").asText("");
      case "Constraints", "Affinities" -> n.path("LTarget").asText("") + " "
          + n.path("Operand").asText("");
      case "Spreads" -> n.path("Attribute").asText("");
      case "SpreadTarget" -> n.path("Value").asText("");
      case "Artifacts" -> n.path("GetterSource").asText("");
      case "VolumeMounts" -> n.path("Destination").asText("");
      case "Networks" -> n.path("Mode").asText("");
      default -> n.path("Name").asText("");
    };
    return key.isBlank() ? "#" + position : key;
  }

  private static String singular(String field) {
    return switch (field) {
      case "ReservedPorts" -> "Static Port";
      case "DynamicPorts" -> "Dynamic Port";
      case "Affinities" -> "Affinity";
      case "SpreadTarget" -> "SpreadTarget";
      default -> field.endsWith("s") ? field.substring(0, field.length() - 1) : field;
    };
  }

  private static FieldDiff field(String name, String old, String now) {
    if (old.isEmpty() && now.isEmpty()) {
      return null;
    }
    Type t = old.equals(now) ? Type.None : old.isEmpty() ? Type.Added
        : now.isEmpty() ? Type.Deleted : Type.Edited;
    return new FieldDiff(t, name, old, now, List.of());
  }

  private static Type typeOf(JsonNode a, JsonNode b, boolean changed) {
    return a == null && b == null ? Type.None : a == null ? Type.Added : b == null ? Type.Deleted
        : changed ? Type.Edited : Type.None;
  }

  private static boolean changed(List<FieldDiff> fields, List<ObjectDiff> objects) {
    return fields.stream().anyMatch(f -> f.type() != Type.None) || !objects.isEmpty();
  }

  /** Unchanged blocks are left out of the diff. */
  private static void add(List<ObjectDiff> out, ObjectDiff o) {
    if (o.type() != Type.None) {
      out.add(o);
    }
  }

  private static TreeSet<String> values(JsonNode array) {
    TreeSet<String> out = new TreeSet<>();
    if (!empty(array)) {
      array.forEach(v -> out.add(text(v)));
    }
    return out;
  }

  private static String text(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "";
    }
    return n.isValueNode() ? n.asText() : n.toString();
  }

  private static boolean empty(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() || (n.isContainerNode() && n.isEmpty());
  }

  private static boolean isArray(JsonNode n) {
    return n != null && n.isArray();
  }

  private static boolean isObject(JsonNode n) {
    return n != null && n.isObject();
  }

  private static boolean ofObjects(JsonNode array) {
    if (empty(array)) {
      return true;
    }
    for (JsonNode n : array) {
      if (!n.isObject()) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode tree(Job job) {
    return job == null ? null : JSON.valueToTree(job);
  }
}
