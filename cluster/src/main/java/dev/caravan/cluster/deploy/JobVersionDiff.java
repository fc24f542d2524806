package dev.caravan.cluster.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The field-by-field difference between two versions of a job's spec, sorted by field path
 * ({@code TaskGroups[web].Tasks[server].Env[MARKER]}): what {@code GET /v1/job/:id/versions?
 * diffs=true} answers and {@code caravan job history -p} prints. Lists of named blocks are
 * keyed by name, so reordering them is no change. Pure.
 */
public final class JobVersionDiff {
  private static final ObjectMapper JSON = NomadJson.mapper();

  private JobVersionDiff() {}

  /** One changed field: {@code Added}, {@code Deleted} or {@code Edited}. */
  public record FieldDiff(@JsonProperty("Type") String type, @JsonProperty("Name") String name,
      @JsonProperty("Old") String old, @JsonProperty("New") String now) {}

  /** A job's diff: {@code Edited} with its fields, or {@code None}. */
  public record Diff(@JsonProperty("Type") String type, @JsonProperty("ID") String id,
      @JsonProperty("FromVersion") long fromVersion, @JsonProperty("ToVersion") long toVersion,
      @JsonProperty("Fields") List<FieldDiff> fields) {}

  /** The diff from {@code older} to {@code newer}. */
  public static Diff of(Job older, Job newer) {
    Map<String, String> a = flatten(older.spec());
    Map<String, String> b = flatten(newer.spec());
    List<FieldDiff> fields = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String name : names) {
      String x = a.get(name);
      String y = b.get(name);
      if (Objects.equals(x, y)) {
        continue;
      }
      String type = x == null ? "Added" : y == null ? "Deleted" : "Edited";
      fields.add(new FieldDiff(type, name, x == null ? "" : x, y == null ? "" : y));
    }
    return new Diff(fields.isEmpty() ? "None" : "Edited", newer.id(), older.version(),
        newer.version(), fields);
  }

  /** Diffs of consecutive versions, newest first (versions given newest first, as stored). */
  public static List<Diff> history(List<Job> versionsNewestFirst) {
    List<Diff> out = new ArrayList<>();
    for (int i = 0; i + 1 < versionsNewestFirst.size(); i++) {
      out.add(of(versionsNewestFirst.get(i + 1), versionsNewestFirst.get(i)));
    }
    return out;
  }

  static Map<String, String> flatten(Job job) {
    Map<String, String> out = new TreeMap<>();
    flatten("", JSON.valueToTree(job), out);
    return out;
  }

  private static void flatten(String path, JsonNode node, Map<String, String> out) {
    if (node == null || node.isNull()) {
      return;
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = isMapLike(path) ? path + "[" + e.getKey() + "]"
            : path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        flatten(key, e.getValue(), out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        String label = item.isObject() && item.hasNonNull("Name") ? item.get("Name").asText()
            : item.isValueNode() ? null : Integer.toString(i);
        if (label == null) {
          // a list of plain values is one field
          out.put(path, node.toString());
          return;
        }
        flatten(path + "[" + label + "]", item, out);
      }
    } else {
      out.put(path, node.asText());
    }
  }

  /** Maps of user keys (meta, env, config) are shown as {@code Meta[key]}. */
  private static boolean isMapLike(String path) {
    return path.endsWith("Meta") || path.endsWith("Env") || path.endsWith("Config");
  }
}
