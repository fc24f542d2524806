package dev.caravan.reconciler.jobspec;

import java.util.HashMap;
import java.util.Map;

/**
 * Nomad jobspec features Caravan deliberately does not implement, per block: the key and the
 * message that refuses it. Every message says "... is not supported by Caravan", so a caller
 * (and the conformance test) can tell a refused feature from a broken file. A message starting
 * with {@code !} is used as it is; any other is appended to
 * {@code "KEY" in a BLOCK is not supported by Caravan}. docs/jobspec.md lists them all.
 */
final class Unsupported {
  private Unsupported() {}

  static final String MARKER = "is not supported by Caravan";

  static String feature(String what) {
    return what + " " + MARKER;
  }

  private static final String VAULT = "!vault " + MARKER
      + ": Caravan has no Vault integration; pass secrets through a template or the driver";
  private static final String CONSUL = "!consul " + MARKER
      + ": Caravan has no Consul integration; services use the nomad provider";
  private static final String IDENTITY = "!identity " + MARKER
      + ": Caravan does not issue workload identities";
  private static final String SCALING = "!scaling " + MARKER
      + ": scaling policies need the Nomad Autoscaler; set count in the file";
  private static final String MULTIREGION = "!multiregion " + MARKER
      + ": a Caravan cluster is one region";
  private static final String CONNECT = "!connect (Consul Connect) " + MARKER
      + ": Caravan has no service mesh";
  private static final String CSI = "!csi_plugin " + MARKER + ": CSI volumes are not implemented";
  private static final String DEVICE = "!device " + MARKER + ": there are no device plugins";

  static final Map<String, String> JOB = Map.of(
      "vault", VAULT, "vault_token", VAULT, "consul", CONSUL, "consul_token", CONSUL,
      "consul_namespace", CONSUL, "multiregion", MULTIREGION,
      "ui", ": the UI shows no per-job description or links",
      "vault_namespace", VAULT, "id", ": the job's ID is its label");

  static final Map<String, String> GROUP = of(
      "vault", VAULT, "consul", CONSUL, "scaling", SCALING,
      "disconnect", ": use max_client_disconnect",
      "stop_after_client_disconnect", ": use max_client_disconnect",
      "prevent_reschedule_on_lost", "", "identity", IDENTITY,
      "max_run_duration", ": batch tasks run until they finish");

  static final Map<String, String> TASK = of(
      "vault", VAULT, "consul", CONSUL, "identity", IDENTITY, "identities", IDENTITY,
      "scaling", SCALING, "csi_plugin", CSI,
      "kind", ": tasks are plain tasks (no Connect proxies or gateways)",
      "action", ": tasks have no actions", "schedule", ": task schedules are a Nomad Enterprise feature",
      "secret", ": secrets come through templates or the driver");

  static final Map<String, String> RESOURCES = Map.of(
      "network", ": declare the network in the group",
      "device", DEVICE, "numa", ": there is no NUMA-aware scheduling",
      "iops", "", "secrets", "");

  static final Map<String, String> NETWORK = Map.of(
      "dns", ": tasks use the client's resolver",
      "cni", "!CNI networking " + MARKER);

  static final Map<String, String> SERVICE = of(
      "connect", CONNECT, "identity", IDENTITY, "cluster", "", "kind", "", "weights", "");

  static final Map<String, String> CHECK = of(
      "expose", CONNECT, "tls_server_name", "", "notes", "");

  static final Map<String, String> TEMPLATE = of(
      "change_script", "", "wait", "", "vault_grace", VAULT, "error_on_missing_key", "",
      "uid", "", "gid", "", "once", "");

  static final Map<String, String> VOLUME = Map.of(
      "mount_options", ": only host volumes are supported",
      "capability", ": only host volumes are supported");

  static final Map<String, String> VOLUME_MOUNT = Map.of("selinux_label", "");

  static final Map<String, String> ARTIFACT = Map.of("chown", "");

  private static Map<String, String> of(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Map.copyOf(m);
  }
}
