package dev.caravan.agent;

import dev.caravan.reconciler.git.SourceAuth;
import dev.caravan.reconciler.git.SourceConfig;
import dev.caravan.reconciler.jobspec.Jobspec;
import dev.caravan.reconciler.jobspec.JobspecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an agent config file (HCL) over a base config: {@code data_dir}, {@code bind_addr},
 * {@code ports { http, rpc }}, {@code server { enabled, bootstrap_expect, server_join {
 * retry_join } }}, {@code name}, {@code datacenter}, {@code client { enabled, servers,
 * node_class, node_pool, meta { key = "value" } }}, {@code plugin "raw_exec" { config {
 * enabled } }}, {@code plugin "docker" { config { allow_privileged, volumes { enabled },
 * endpoint } }} and {@code gitops { source "NAME" { url, branch (or ref), paths, exclude,
 * interval, prune, max_prune_fraction, self_heal, preserve_counts, var_files, auth { token |
 * username + password | ssh_key_file + known_hosts_file } } }}. Unknown
 * keys are errors naming the file and key.
 */
public final class AgentConfigParser {
  private static final Set<String> TOP = Set.of("data_dir", "bind_addr", "ports", "server",
      "client", "gitops", "plugin", "name", "datacenter", "region", "log_level");

  /** The drivers a {@code plugin "NAME"} block may configure (only some take settings). */
  private static final Set<String> PLUGINS = Set.of("raw_exec", "docker", "exec", "java", "mock");

  private AgentConfigParser() {}

  public static AgentConfig parse(Path file, AgentConfig base) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config: " + e.getMessage());
    }
    Map<String, Object> map;
    try {
      map = Jobspec.parseHclFile(file.toString(), text);
    } catch (JobspecException e) {
      throw new ConfigException(e.getMessage());
    }
    return new Reader(file.toString(), map, base).read();
  }

  private static final class Reader {
    private final String file;
    private final Map<String, Object> root;
    private AgentConfig c;

    Reader(String file, Map<String, Object> root, AgentConfig base) {
      this.file = file;
      this.root = root;
      this.c = base;
    }

    AgentConfig read() throws ConfigException {
      checkKeys(root, TOP, "");
      Path dataDir = root.containsKey("data_dir") ? Path.of(string(root, "data_dir", "")) : c.dataDir();
      String bind = root.containsKey("bind_addr") ? string(root, "bind_addr", "") : c.bindAddr();
      int http = c.httpPort();
      int rpc = c.rpcPort();
      Map<String, Object> ports = block(root, "ports", "");
      if (ports != null) {
        checkKeys(ports, Set.of("http", "rpc", "serf"), "ports.");
        http = ports.containsKey("http") ? integer(ports, "http", "ports.") : http;
        rpc = ports.containsKey("rpc") ? integer(ports, "rpc", "ports.") : rpc;
      }
      boolean serverEnabled = c.serverEnabled();
      int bootstrap = c.bootstrapExpect();
      List<String> retryJoin = c.retryJoin();
      Map<String, Object> server = block(root, "server", "");
      if (server != null) {
        checkKeys(server, Set.of("enabled", "bootstrap_expect", "server_join"), "server.");
        serverEnabled = bool(server, "enabled", "server.", serverEnabled);
        bootstrap = server.containsKey("bootstrap_expect")
            ? integer(server, "bootstrap_expect", "server.") : bootstrap;
        Map<String, Object> join = block(server, "server_join", "server.");
        if (join != null) {
          checkKeys(join, Set.of("retry_join"), "server.server_join.");
          retryJoin = strings(join, "retry_join", "server.server_join.");
        }
      }
      boolean clientEnabled = c.clientEnabled();
      List<String> servers = c.clientServers();
      AgentConfig.ClientNode n = c.clientNode();
      String nodeName = root.containsKey("name") ? string(root, "name", "") : n.name();
      String datacenter = root.containsKey("datacenter") ? string(root, "datacenter", "")
          : n.datacenter();
      String nodeClass = n.nodeClass();
      String nodePool = n.nodePool();
      Map<String, String> meta = n.meta();
      Map<String, Object> client = block(root, "client", "");
      if (client != null) {
        checkKeys(client, Set.of("enabled", "servers", "node_class", "node_pool", "meta"),
            "client.");
        clientEnabled = bool(client, "enabled", "client.", clientEnabled);
        servers = client.containsKey("servers") ? strings(client, "servers", "client.") : servers;
        for (String s : servers) {
          if (s.isBlank() || s.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(file + ": client.servers: expected \"host:port\" "
                + "addresses, got \"" + s + "\"");
          }
        }
        nodeClass = client.containsKey("node_class") ? string(client, "node_class", "client.")
            : nodeClass;
        nodePool = client.containsKey("node_pool") ? string(client, "node_pool", "client.")
            : nodePool;
        Map<String, Object> m = block(client, "meta", "client.");
        if (m != null) {
          Map<String, String> read = new java.util.LinkedHashMap<>();
          for (Map.Entry<String, Object> e : m.entrySet()) {
            read.put(e.getKey(), metaValue(e.getKey(), e.getValue()));
          }
          meta = read;
        }
      }
      if (datacenter != null && datacenter.isBlank()) {
        throw new ConfigException(file + ": datacenter: must not be empty");
      }
      boolean rawExec = c.rawExecEnabled();
      DockerPluginConfig docker = c.docker();
      Map<String, Object> plugins = block(root, "plugin", "");
      if (plugins != null) {
        checkKeys(plugins, PLUGINS, "plugin.");
        Map<String, Object> raw = pluginConfig(plugins, "raw_exec");
        if (raw != null) {
          checkKeys(raw, Set.of("enabled", "no_cgroups"), "plugin.raw_exec.config.");
          rawExec = bool(raw, "enabled", "plugin.raw_exec.config.", rawExec);
        }
        Map<String, Object> d = pluginConfig(plugins, "docker");
        if (d != null) {
          docker = docker(d, docker);
        }
      }
      List<SourceConfig> sources = new ArrayList<>(c.sources());
      Map<String, SourceHooks> hooks = new java.util.LinkedHashMap<>(c.sourceHooks());
      Map<String, Object> gitops = block(root, "gitops", "");
      if (gitops != null) {
        checkKeys(gitops, Set.of("source"), "gitops.");
        Map<String, Object> named = block(gitops, "source", "gitops.");
        if (named != null) {
          for (Map.Entry<String, Object> e : named.entrySet()) {
            sources.add(source(e.getKey(), e.getValue()));
            hooks.put(e.getKey(), hooks(e.getKey(), e.getValue()));
          }
        }
      }
      return new AgentConfig(dataDir, bind, http, rpc, serverEnabled, bootstrap, retryJoin,
          clientEnabled, servers, rawExec, c.devMode(), sources, hooks,
          new AgentConfig.ClientNode(nodeName == null || nodeName.isBlank() ? null : nodeName,
              datacenter, nodeClass, nodePool, meta), docker);
    }

    /** A plugin's {@code config} block (empty when the plugin block has none), null if absent. */
    private Map<String, Object> pluginConfig(Map<String, Object> plugins, String name)
        throws ConfigException {
      Map<String, Object> plugin = block(plugins, name, "plugin.");
      if (plugin == null) {
        return null;
      }
      checkKeys(plugin, Set.of("config"), "plugin." + name + ".");
      Map<String, Object> config = block(plugin, "config", "plugin." + name + ".");
      return config == null ? Map.of() : config;
    }

    /** {@code plugin "docker" { config { allow_privileged, volumes { enabled }, endpoint } }}. */
    private DockerPluginConfig docker(Map<String, Object> d, DockerPluginConfig base)
        throws ConfigException {
      String prefix = "plugin.docker.config.";
      checkKeys(d, Set.of("allow_privileged", "volumes", "endpoint"), prefix);
      boolean volumes = base.volumesEnabled();
      Map<String, Object> v = block(d, "volumes", prefix);
      if (v != null) {
        checkKeys(v, Set.of("enabled", "selinuxlabel"), prefix + "volumes.");
        volumes = bool(v, "enabled", prefix + "volumes.", volumes);
      }
      String endpoint = d.containsKey("endpoint") ? string(d, "endpoint", prefix) : base.endpoint();
      return new DockerPluginConfig(bool(d, "allow_privileged", prefix, base.allowPrivileged()),
          volumes, endpoint);
    }

    /**
     * A source's {@code webhook { secret | secret_env | secret_file }} and {@code preview {
     * provider, api_url, token | token_env | token_file }} blocks.
     */
    @SuppressWarnings("unchecked")
    private SourceHooks hooks(String name, Object value) throws ConfigException {
      String prefix = "gitops.source." + name + ".";
      Map<String, Object> m = (Map<String, Object>) value;
      String secret = "";
      Map<String, Object> w = block(m, "webhook", prefix);
      if (w != null) {
        String wp = prefix + "webhook.";
        checkKeys(w, Set.of("secret", "secret_env", "secret_file"), wp);
        secret = oneSecret(w, "secret", wp);
      }
      SourceHooks.Preview preview = null;
      Map<String, Object> p = block(m, "preview", prefix);
      if (p != null) {
        String pp = prefix + "preview.";
        checkKeys(p, Set.of("provider", "api_url", "repository", "token", "token_env",
            "token_file"), pp);
        String providerName = string(p, "provider", pp);
        dev.caravan.webhook.Provider provider = dev.caravan.webhook.Provider.fromPath(providerName)
            .filter(x -> x != dev.caravan.webhook.Provider.GENERIC)
            .orElseThrow(() -> new ConfigException(file + ": " + pp + "provider: expected github, "
                + "gitlab, gitea, forgejo, bitbucket or bitbucket-server, got \"" + providerName + "\""));
        String token = oneSecret(p, "token", pp);
        if (token.isEmpty()) {
          throw new ConfigException(file + ": " + pp + "token: required (token, token_env or token_file)");
        }
        String apiUrl = string(p, "api_url", pp);
        if (!apiUrl.isEmpty() && !apiUrl.startsWith("https://") && !apiUrl.startsWith("http://")) {
          throw new ConfigException(file + ": " + pp + "api_url: expected an http(s) URL, got " + apiUrl);
        }
        preview = new SourceHooks.Preview(provider, apiUrl, string(p, "repository", pp), token);
      }
      return new SourceHooks(secret, preview);
    }

    /** {@code key}, {@code key_env} or {@code key_file}: at most one; the env var or file must exist. */
    private String oneSecret(Map<String, Object> m, String key, String prefix) throws ConfigException {
      int given = (m.containsKey(key) ? 1 : 0) + (m.containsKey(key + "_env") ? 1 : 0)
          + (m.containsKey(key + "_file") ? 1 : 0);
      if (given > 1) {
        throw new ConfigException(file + ": " + prefix + key + ": use one of " + key + ", "
            + key + "_env, " + key + "_file");
      }
      if (m.containsKey(key + "_env")) {
        String var = string(m, key + "_env", prefix);
        String v = System.getenv(var);
        if (v == null || v.isEmpty()) {
          throw new ConfigException(file + ": " + prefix + key + "_env: environment variable "
              + var + " is not set");
        }
        return v.strip();
      }
      if (m.containsKey(key + "_file")) {
        String f = string(m, key + "_file", prefix);
        try {
          return java.nio.file.Files.readString(java.nio.file.Path.of(f)).strip();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
          throw new ConfigException(file + ": " + prefix + key + "_file: cannot read " + f + ": "
              + e.getMessage());
        }
      }
      return string(m, key, prefix);
    }

    private SourceConfig source(String name, Object value) throws ConfigException {
      String prefix = "gitops.source." + name + ".";
      if (!(value instanceof Map<?, ?>)) {
        throw new ConfigException(file + ": " + prefix.substring(0, prefix.length() - 1)
            + ": expected a block");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) value;
      checkKeys(m, Set.of("url", "branch", "ref", "paths", "exclude", "interval", "prune",
          "max_prune_fraction", "self_heal", "preserve_counts", "var_files", "auth", "webhook",
          "preview"), prefix);
      String url = string(m, "url", prefix);
      if (url.isEmpty()) {
        throw new ConfigException(file + ": " + prefix + "url: required");
      }
      if (m.containsKey("branch") && m.containsKey("ref")) {
        throw new ConfigException(file + ": " + prefix + "ref: use branch or ref, not both");
      }
      Duration interval = null;
      if (m.containsKey("interval")) {
        interval = Durations.parse(string(m, "interval", prefix), file + ": " + prefix + "interval");
        if (interval.isZero()) {
          throw new ConfigException(file + ": " + prefix + "interval: must be greater than zero");
        }
      }
      double fraction = SourceConfig.DEFAULT_MAX_PRUNE_FRACTION;
      if (m.containsKey("max_prune_fraction")) {
        if (!(m.get("max_prune_fraction") instanceof Number n)
            || n.doubleValue() < 0 || n.doubleValue() > 1) {
          throw new ConfigException(file + ": " + prefix
              + "max_prune_fraction: expected a number between 0 and 1, got "
              + m.get("max_prune_fraction"));
        }
        fraction = n.doubleValue();
      }
      SourceAuth auth = SourceAuth.NONE;
      Map<String, Object> a = block(m, "auth", prefix);
      if (a != null) {
        String ap = prefix + "auth.";
        checkKeys(a, Set.of("token", "username", "password", "ssh_key_file", "known_hosts_file"), ap);
        try {
          auth = new SourceAuth(string(a, "token", ap), string(a, "username", ap),
              string(a, "password", ap), string(a, "ssh_key_file", ap),
              string(a, "known_hosts_file", ap));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(file + ": " + prefix + e.getMessage());
        }
      }
      String branch = m.containsKey("branch") ? string(m, "branch", prefix)
          : m.containsKey("ref") ? string(m, "ref", prefix) : null;
      try {
        return new SourceConfig(name, url, branch,
            m.containsKey("paths") ? strings(m, "paths", prefix) : null,
            m.containsKey("exclude") ? strings(m, "exclude", prefix) : null, interval,
            bool(m, "prune", prefix, false), fraction, bool(m, "self_heal", prefix, true),
            bool(m, "preserve_counts", prefix, false),
            m.containsKey("var_files") ? strings(m, "var_files", prefix) : null, auth);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file + ": " + prefix.substring(0, prefix.length() - 1) + ": "
            + e.getMessage());
      }
    }

    /** A meta value: a string, or a number or boolean written bare (kept as its text). */
    private String metaValue(String key, Object v) throws ConfigException {
      if (v instanceof String str) {
        return str;
      }
      if (v instanceof Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : n.toString();
      }
      if (v instanceof Boolean b) {
        return b.toString();
      }
      throw new ConfigException(file + ": client.meta." + key + ": expected a string, got " + v);
    }

    private void checkKeys(Map<String, Object> m, Set<String> allowed, String prefix)
        throws ConfigException {
      for (String k : m.keySet()) {
        if (!allowed.contains(k)) {
          throw new ConfigException(file + ": unknown key \"" + prefix + k + "\"");
        }
      }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> block(Map<String, Object> m, String key, String prefix)
        throws ConfigException {
      Object v = m.get(key);
      if (v == null) {
        return null;
      }
      if (v instanceof List<?> l && l.size() == 1 && l.get(0) instanceof Map<?, ?> one) {
        return (Map<String, Object>) one;
      }
      if (!(v instanceof Map<?, ?>)) {
        throw new ConfigException(file + ": " + prefix + key + ": expected a block");
      }
      return (Map<String, Object>) v;
    }

    private String string(Map<String, Object> m, String key, String prefix) throws ConfigException {
      Object v = m.get(key);
      if (v == null) {
        return "";
      }
      if (!(v instanceof String s)) {
        throw new ConfigException(file + ": " + prefix + key + ": expected a string, got " + v);
      }
      return s;
    }

    private int integer(Map<String, Object> m, String key, String prefix) throws ConfigException {
      Object v = m.get(key);
      if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
          && n.doubleValue() >= 0 && n.doubleValue() <= 65535) {
        return n.intValue();
      }
      throw new ConfigException(file + ": " + prefix + key + ": expected a whole number, got " + v);
    }

    private boolean bool(Map<String, Object> m, String key, String prefix, boolean dflt)
        throws ConfigException {
      Object v = m.get(key);
      if (v == null) {
        return dflt;
      }
      if (!(v instanceof Boolean b)) {
        throw new ConfigException(file + ": " + prefix + key + ": expected true or false, got " + v);
      }
      return b;
    }

    private List<String> strings(Map<String, Object> m, String key, String prefix)
        throws ConfigException {
      Object v = m.get(key);
      if (!(v instanceof List<?> l)) {
        throw new ConfigException(file + ": " + prefix + key + ": expected a list of strings");
      }
      List<String> out = new ArrayList<>();
      for (Object o : l) {
        if (!(o instanceof String s)) {
          throw new ConfigException(file + ": " + prefix + key + ": expected a list of strings");
        }
        out.add(s);
      }
      return out;
    }
  }
}
