package dev.caravan.drivers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code docker} driver: runs a task as a container of the local Docker engine, through
 * docker-java. Config keys, as Nomad's docker driver names them:
 *
 * <ul>
 *   <li>{@code image} (required): pulled only when the engine does not have it (creating the
 *       container says so, as with {@code docker run})
 *   <li>{@code command}, {@code args}, {@code entrypoint}: override the image's
 *   <li>{@code ports}: port labels of the group's network; with host networking the task binds
 *       the host's ports itself ({@code NOMAD_PORT_<label>}), so nothing is mapped
 *   <li>{@code volumes}: {@code "host:container[:ro|rw]"}, host paths relative to the task dir;
 *       a path outside the allocation directory is refused unless the client enables host
 *       volumes ({@link DriverOptions#dockerVolumesEnabled}, Nomad's {@code volumes.enabled})
 *   <li>{@code labels}: container labels, beside Caravan's own {@code caravan.*} labels
 *   <li>{@code network_mode}: {@code host} (default) or {@code none}; bridge networking is not
 *       offered, since the client allocates ports on the host
 *   <li>{@code privileged}: refused unless the client allows it
 *       ({@link DriverOptions#dockerAllowPrivileged}, Nomad's {@code allow_privileged})
 * </ul>
 *
 * <p>The task's memory (MiB) becomes the container's memory limit, its CPU (MHz) its CPU shares.
 * The allocation's {@code alloc/} and the task's {@code local/} and {@code secrets/} are mounted
 * at {@code /alloc}, {@code /local} and {@code /secrets}, as Nomad mounts them. Containers are
 * named {@code <task>-<alloc_id>} and labelled {@code caravan.alloc_id}, {@code caravan.task},
 * {@code caravan.job_id}; their output is streamed from the engine into the rotated log files.
 *
 * <p>A handle keeps the container id and name; {@link #recover} finds the container by either
 * and re-attaches to its logs from the moment of recovery (what the task wrote while no client
 * ran stays in the engine's own log).
 */
final class DockerDriver implements TaskDriver, TaskSignaller {
  static final String NAME = "docker";
  static final String CONTAINER_ID = "container_id";
  static final String CONTAINER_NAME = "container_name";
  static final String LABEL_ALLOC_ID = "caravan.alloc_id";
  static final String LABEL_TASK = "caravan.task";
  static final String LABEL_JOB_ID = "caravan.job_id";
  static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

  private static final ConfigSchema SCHEMA =
      new ConfigSchema(
          NAME,
          Map.of(
              "image", ConfigSchema.Kind.STRING,
              "command", ConfigSchema.Kind.STRING,
              "args", ConfigSchema.Kind.STRING_LIST,
              "entrypoint", ConfigSchema.Kind.STRING_LIST,
              "ports", ConfigSchema.Kind.STRING_LIST,
              "volumes", ConfigSchema.Kind.STRING_LIST,
              "labels", ConfigSchema.Kind.STRING_MAP,
              "network_mode", ConfigSchema.Kind.STRING,
              "privileged", ConfigSchema.Kind.BOOL),
          Set.of("image"));
  private static final Set<String> NETWORK_MODES = Set.of("host", "none");
  private static final Duration LOG_DRAIN = Duration.ofSeconds(10);
  private static final Duration GONE_AFTER_KILL = Duration.ofSeconds(30);
  /** A single request's limit (creating a container copies its image's files with vfs). */
  private static final Duration OPERATION_TIMEOUT = Duration.ofMinutes(2);

  private final DriverOptions options;
  private final String host;
  /**
   * The client for streams: waiting for a container and following its logs block as long as
   * the task runs, and a pull as long as the image takes, so it has no response timeout.
   */
  private final LazyClient api = new LazyClient(Duration.ofSeconds(5), null);
  /**
   * The client for single requests (create, start, kill, inspect, remove): an engine that stops
   * answering fails them after {@link #OPERATION_TIMEOUT} instead of holding the caller (a
   * task's stop, the agent's shutdown) for good.
   */
  private final LazyClient ops = new LazyClient(Duration.ofSeconds(5), OPERATION_TIMEOUT);
  /** The client for fingerprints, which must not hang on a stuck engine. */
  private final LazyClient probe = new LazyClient(Duration.ofSeconds(2), Duration.ofSeconds(5));
  private final Map<String, Container> tasks = new ConcurrentHashMap<>();

  /** A container this driver started or recovered: its exit and its log stream. */
  private static final class Container {
    final String id;
    final String taskId;
    final CompletableFuture<ExitResult> exit = new CompletableFuture<>();
    volatile Signal signalSent;
    volatile DockerLogStream logs;

    Container(String id, String taskId) {
      this.id = id;
      this.taskId = taskId;
    }
  }

  DockerDriver(DriverOptions options) {
    this.options = options;
    String configured = options.dockerHost();
    String env = System.getenv("DOCKER_HOST");
    this.host =
        configured != null && !configured.isBlank()
            ? configured
            : env != null && !env.isBlank() ? env : DEFAULT_HOST;
  }

  // The docker-java clients are made on first use: loading docker-java takes a good part of a
  // second, which a client that runs no container (or fingerprints in the background) need not
  // wait for at start.

  private DockerClient api() {
    return api.get();
  }

  private DockerClient ops() {
    return ops.get();
  }

  private DockerClient probe() {
    return probe.get();
  }

  /** A client made on first use, with its connect and response limits (null: none). */
  private final class LazyClient {
    private final Duration connect;
    private final Duration response;
    private volatile DockerClient client;

    LazyClient(Duration connect, Duration response) {
      this.connect = connect;
      this.response = response;
    }

    DockerClient get() {
      DockerClient c = client;
      if (c == null) {
        synchronized (this) {
          if (client == null) {
            client = client(connect, response);
          }
          c = client;
        }
      }
      return c;
    }
  }

  private DockerClient client(Duration connect, Duration response) {
    return client(
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build(),
        connect,
        response);
  }

  private static DockerClient client(
      DockerClientConfig config, Duration connect, Duration response) {
    ApacheDockerHttpClient.Builder http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(100)
            .connectionTimeout(connect);
    if (response != null) {
      http.responseTimeout(response);
    }
    return DockerClientImpl.getInstance(config, http.build());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fingerprint fingerprint() {
    try {
      Version version = probe().versionCmd().exec();
      Map<String, String> attrs = new LinkedHashMap<>();
      attrs.put("version", version.getVersion());
      attrs.put("privileged.enabled", Boolean.toString(options.dockerAllowPrivileged()));
      attrs.put("volumes.enabled", Boolean.toString(options.dockerVolumesEnabled()));
      return new Fingerprint(true, true, "healthy", attrs);
    } catch (RuntimeException e) {
      return new Fingerprint(
          false, false, "Docker engine at " + host + " does not answer: " + reason(e), Map.of());
    }
  }

  @Override
  public List<String> validateConfig(Map<String, Object> config) {
    List<String> errors = new ArrayList<>(SCHEMA.check(config));
    if (config.get("network_mode") instanceof String mode && !NETWORK_MODES.contains(mode)) {
      errors.add(
          "network_mode \"" + mode + "\" in docker config is not supported: use \"host\" (the"
              + " default) or \"none\"");
    }
    if (config.get("volumes") instanceof List<?> volumes) {
      for (Object v : volumes) {
        if (v instanceof String spec && volumeProblem(spec) != null) {
          errors.add("volume \"" + spec + "\" in docker config " + volumeProblem(spec));
        }
      }
    }
    return errors;
  }

  @Override
  public TaskHandle start(TaskConfig config) throws DriverException {
    Map<String, Object> c = config.config();
    List<String> errors = validateConfig(c);
    if (!errors.isEmpty()) {
      throw new DriverException(String.join("; ", errors));
    }
    if (Boolean.TRUE.equals(c.get("privileged")) && !options.dockerAllowPrivileged()) {
      throw new DriverException(
          "docker privileged containers are not allowed on this client (client config plugin"
              + " \"docker\" allow_privileged = true)");
    }
    String refused = refusedVolume(c, config.taskDir());
    if (refused != null) {
      throw new DriverException(refused);
    }
    String image = (String) c.get("image");
    String name = containerName(config);
    try {
      String id;
      try {
        id = createNamed(config, image, name);
      } catch (NotFoundException noImage) {
        // As `docker run` does: pull only when the engine says it lacks the image.
        pull(image);
        id = createNamed(config, image, name);
      }
      Container container = new Container(id, config.id());
      tasks.put(config.id(), container);
      try {
        ops().startContainerCmd(id).exec();
      } catch (RuntimeException e) {
        tasks.remove(config.id());
        removeQuietly(id);
        throw e;
      }
      if (config.logs() != null) {
        container.logs =
            DockerLogStream.follow(api(), id, config.logs(), config.taskName(), null);
      }
      supervise(container);
      Map<String, String> state = new LinkedHashMap<>();
      state.put(CONTAINER_ID, id);
      state.put(CONTAINER_NAME, name);
      if (config.logs() != null) {
        state.put(LOG_DIR, config.logs().dir().toString());
        state.put(LOG_TASK, config.taskName());
        state.put(LOG_MAX_FILES, Integer.toString(config.logs().maxFiles()));
        state.put(LOG_MAX_BYTES, Long.toString(config.logs().maxFileSizeBytes()));
      }
      return new TaskHandle(NAME, config.id(), state);
    } catch (IOException e) {
      throw new DriverException(
          "cannot open the logs of task " + config.id() + ": " + e.getMessage(), true, e);
    } catch (DockerException e) {
      throw new DriverException(
          "cannot start container " + name + " (image " + image + "): " + reason(e), true, e);
    } catch (RuntimeException e) {
      throw new DriverException(
          "Docker engine at " + host + " failed starting " + name + ": " + reason(e), true, e);
    }
  }

  @Override
  public CompletableFuture<ExitResult> waitTask(TaskHandle handle) {
    try {
      return container(handle).exit.copy();
    } catch (DriverException e) {
      return CompletableFuture.completedFuture(
          new ExitResult(ExitResult.UNKNOWN_EXIT_CODE, 0, false, e.getMessage()));
    }
  }

  @Override
  public void stop(TaskHandle handle, Duration killTimeout, String signal) throws DriverException {
    Signal sig = Signal.parse(signal);
    Container container;
    try {
      container = container(handle);
    } catch (DriverException gone) {
      return;
    }
    if (container.exit.isDone()) {
      return;
    }
    container.signalSent = sig;
    if (!kill(container, sig)) {
      return;
    }
    if (awaitExit(container, killTimeout)) {
      return;
    }
    container.signalSent = Signal.SIGKILL;
    kill(container, Signal.SIGKILL);
    if (!awaitExit(container, GONE_AFTER_KILL)) {
      throw new DriverException(
          "container " + container.id + " of task " + handle.taskId() + " survived SIGKILL",
          true,
          null);
    }
  }

  @Override
  public void destroy(TaskHandle handle) {
    Container container = tasks.remove(handle.taskId());
    String id = container != null ? container.id : handle.state().get(CONTAINER_ID);
    if (id != null) {
      removeQuietly(id);
    }
    if (container != null && container.logs != null) {
      container.logs.close();
    }
  }

  @Override
  public TaskHandle recover(TaskHandle handle) throws DriverException {
    Container known = tasks.get(handle.taskId());
    if (known != null && !known.exit.isDone()) {
      return handle;
    }
    InspectContainerResponse found = find(handle);
    if (found == null) {
      throw new DriverException(
          "container of task " + handle.taskId() + " (" + handle.state() + ") no longer exists");
    }
    if (!Boolean.TRUE.equals(found.getState().getRunning())) {
      throw new DriverException(
          "container " + found.getId() + " of task " + handle.taskId()
              + " is no longer running (exit code " + found.getState().getExitCodeLong() + ")");
    }
    Container container = new Container(found.getId(), handle.taskId());
    Path logDir = logDir(handle);
    if (logDir != null) {
      try {
        container.logs =
            DockerLogStream.follow(
                api(),
                found.getId(),
                new TaskConfig.LogSettings(logDir, logMaxFiles(handle), logMaxBytes(handle)),
                handle.state().getOrDefault(LOG_TASK, ""),
                Instant.now());
      } catch (IOException e) {
        throw new DriverException(
            "cannot reopen the logs of task " + handle.taskId() + ": " + e.getMessage(), true, e);
      }
    }
    tasks.put(handle.taskId(), container);
    supervise(container);
    Map<String, String> state = new LinkedHashMap<>(handle.state());
    state.put(CONTAINER_ID, found.getId());
    return new TaskHandle(NAME, handle.taskId(), state);
  }

  // Where a recovered container's logs go: kept in the handle, since after a restart the
  // driver has no TaskConfig to read them from.
  static final String LOG_DIR = "log_dir";
  static final String LOG_TASK = "log_task";
  static final String LOG_MAX_FILES = "log_max_files";
  static final String LOG_MAX_BYTES = "log_max_bytes";

  private static Path logDir(TaskHandle handle) {
    String dir = handle.state().get(LOG_DIR);
    return dir == null || dir.isEmpty() ? null : Path.of(dir);
  }

  private static int logMaxFiles(TaskHandle handle) {
    return Integer.parseInt(handle.state().getOrDefault(LOG_MAX_FILES, "10"));
  }

  private static long logMaxBytes(TaskHandle handle) {
    return Long.parseLong(handle.state().getOrDefault(LOG_MAX_BYTES, "10485760"));
  }

  /** The container's name: {@code <task>-<alloc_id>}, with what Docker refuses in names as _. */
  static String containerName(TaskConfig config) {
    String alloc = config.allocId() == null ? config.id() : config.allocId();
    String name = config.taskName() + "-" + alloc;
    return name.replaceAll("[^a-zA-Z0-9_.-]", "_");
  }

  private CreateContainerCmd create(TaskConfig config, String image, String name) {
    Map<String, Object> c = config.config();
    Map<String, String> labels = new LinkedHashMap<>();
    if (c.containsKey("labels")) {
      labels.putAll(ConfigSchema.asStringMap(c.get("labels")));
    }
    labels.put(LABEL_ALLOC_ID, config.allocId() == null ? "" : config.allocId());
    labels.put(LABEL_TASK, config.taskName());
    labels.put(LABEL_JOB_ID, config.jobId() == null ? "" : config.jobId());

    Map<String, String> env = new LinkedHashMap<>(config.env());
    List<Bind> binds = new ArrayList<>();
    mountIfPresent(binds, env, config.allocDir(), "/alloc", "NOMAD_ALLOC_DIR");
    if (config.taskDir() != null) {
      mountIfPresent(binds, env, config.taskDir().resolve("local"), "/local", "NOMAD_TASK_DIR");
      mountIfPresent(
          binds, env, config.taskDir().resolve("secrets"), "/secrets", "NOMAD_SECRETS_DIR");
    }
    if (c.get("volumes") instanceof List<?> volumes) {
      for (Object v : volumes) {
        binds.add(bind((String) v, config.taskDir()));
      }
    }

    TaskConfig.TaskResources r = config.resources();
    long mib = 1024L * 1024L;
    HostConfig hostConfig =
        HostConfig.newHostConfig()
            .withNetworkMode((String) c.getOrDefault("network_mode", "host"))
            .withPrivileged(Boolean.TRUE.equals(c.get("privileged")))
            .withCpuShares(Math.max(2, r.cpuMhz()))
            .withBinds(binds);
    if (r.memoryMb() > 0) {
      if (r.memoryMaxMb() > r.memoryMb()) {
        hostConfig.withMemory(r.memoryMaxMb() * mib).withMemoryReservation(r.memoryMb() * mib);
      } else {
        hostConfig.withMemory(r.memoryMb() * mib);
      }
    }

    CreateContainerCmd create =
        ops().createContainerCmd(image)
            .withName(name)
            .withLabels(labels)
            .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
            .withHostConfig(hostConfig);
    List<String> cmd = new ArrayList<>();
    if (c.get("command") instanceof String command) {
      cmd.add(command);
    }
    if (c.get("args") instanceof List<?> args) {
      args.forEach(a -> cmd.add((String) a));
    }
    if (!cmd.isEmpty()) {
      create.withCmd(cmd);
    }
    if (c.get("entrypoint") instanceof List<?> entrypoint) {
      create.withEntrypoint(entrypoint.stream().map(String.class::cast).toList());
    }
    return create;
  }

  private static void mountIfPresent(
      List<Bind> binds, Map<String, String> env, Path hostDir, String at, String variable) {
    if (hostDir != null && Files.isDirectory(hostDir)) {
      binds.add(new Bind(hostDir.toAbsolutePath().toString(), new Volume(at)));
      env.put(variable, at);
      env.put("CARAVAN_" + variable.substring("NOMAD_".length()), at);
    }
  }

  /**
   * Why a volume of the config may not be mounted here, null when all may: unless the client
   * enables host volumes, a host path must lie in the allocation directory (Nomad's rule).
   */
  String refusedVolume(Map<String, Object> c, Path taskDir) {
    if (options.dockerVolumesEnabled() || !(c.get("volumes") instanceof List<?> volumes)) {
      return null;
    }
    Path allocDir = taskDir == null ? null : taskDir.toAbsolutePath().normalize().getParent();
    for (Object v : volumes) {
      String spec = (String) v;
      String hostPath = spec.split(":", -1)[0];
      Path resolved = taskDir == null ? Path.of(hostPath)
          : taskDir.toAbsolutePath().resolve(hostPath).normalize();
      if (allocDir == null || !resolved.startsWith(allocDir)) {
        return "docker volume \"" + spec + "\" mounts host path " + hostPath + ", but host"
            + " volumes are not enabled on this client (client config plugin \"docker\" {"
            + " config { volumes { enabled = true } } })";
      }
    }
    return null;
  }

  private static String volumeProblem(String spec) {
    String[] parts = spec.split(":", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return "must be \"host_path:container_path[:ro]\"";
    }
    if (!parts[1].startsWith("/")) {
      return "must name an absolute container path";
    }
    if (parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw")) {
      return "has mode \"" + parts[2] + "\": use ro or rw";
    }
    return null;
  }

  private static Bind bind(String spec, Path taskDir) {
    String[] parts = spec.split(":", -1);
    Path hostPath = Path.of(parts[0]);
    if (!hostPath.isAbsolute() && taskDir != null) {
      hostPath = taskDir.resolve(hostPath);
    }
    AccessMode mode = parts.length == 3 && parts[2].equals("ro") ? AccessMode.ro : AccessMode.rw;
    return new Bind(hostPath.toAbsolutePath().toString(), new Volume(parts[1]), mode);
  }

  /** Creates the container; a container of the same name left by an earlier run goes first. */
  private String createNamed(TaskConfig config, String image, String name) {
    try {
      return create(config, image, name).exec().getId();
    } catch (ConflictException nameTaken) {
      // A container of an earlier run of this task (a client that died before destroying it)
      // holds the name: remove it and create again.
      removeLeftover(name);
      return create(config, image, name).exec().getId();
    }
  }

  /** Pulls {@code image}, which the engine does not have. */
  private void pull(String image) throws DriverException {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    boolean tagged = colon > slash || image.contains("@");
    String repository = tagged && !image.contains("@") ? image.substring(0, colon) : image;
    String tag = tagged ? (image.contains("@") ? null : image.substring(colon + 1)) : "latest";
    try {
      var pull = api().pullImageCmd(repository);
      if (tag != null) {
        pull.withTag(tag);
      }
      Pull progress = pull.exec(new Pull());
      progress.awaitCompletion();
      progress.rethrow();
    } catch (NotFoundException e) {
      throw new DriverException(
          "image " + image + " not found: it is not on this client and the registry does not"
              + " have it (" + reason(e) + ")",
          false,
          e);
    } catch (RuntimeException e) {
      throw new DriverException(
          "image " + image + " is not on this client and cannot be pulled: " + reason(e),
          true,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted pulling image " + image, true, e);
    }
  }

  /** Removes a container of the same name left by an earlier run of this task. */
  private void removeLeftover(String name) {
    try {
      InspectContainerResponse old = ops().inspectContainerCmd(name).exec();
      removeQuietly(old.getId());
    } catch (NotFoundException none) {
      // the usual case
    }
  }

  private void removeQuietly(String id) {
    try {
      ops().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException | ConflictException gone) {
      // already removed, or being removed
    } catch (RuntimeException e) {
      // The engine will keep it; a later start of the same task removes it by name.
    }
  }

  /** Waits for the container on a daemon thread and completes its exit with how it ended. */
  private void supervise(Container container) {
    Thread waiter =
        new Thread(
            () -> {
              ExitResult result;
              try {
                int code = awaitStatusCode(container.id);
                boolean oom = false;
                try {
                  oom =
                      Boolean.TRUE.equals(
                          ops().inspectContainerCmd(container.id).exec().getState().getOOMKilled());
                } catch (RuntimeException e) {
                  // removed already: no OOM information, the exit code stands
                }
                Signal sent = container.signalSent;
                boolean diedOfSent = sent != null && code == 128 + sent.number();
                result = new ExitResult(code, diedOfSent ? sent.number() : 0, oom, null);
              } catch (RuntimeException e) {
                result =
                    new ExitResult(
                        ExitResult.UNKNOWN_EXIT_CODE,
                        0,
                        false,
                        "lost container " + container.id + ": " + reason(e));
              }
              DockerLogStream logs = container.logs;
              if (logs != null) {
                logs.awaitEnd(LOG_DRAIN);
                logs.close();
              }
              container.exit.complete(result);
            },
            "docker-wait-" + container.taskId);
    waiter.setDaemon(true);
    waiter.start();
  }

  private int awaitStatusCode(String id) {
    CompletableFuture<Integer> code = new CompletableFuture<>();
    api().waitContainerCmd(id)
        .exec(
            new ResultCallback.Adapter<WaitResponse>() {
              @Override
              public void onNext(WaitResponse response) {
                code.complete(response.getStatusCode());
              }

              @Override
              public void onError(Throwable error) {
                code.completeExceptionally(error);
              }

              @Override
              public void onComplete() {
                code.completeExceptionally(
                    new IllegalStateException("the engine ended the wait without a status"));
              }
            });
    while (true) {
      try {
        return code.get();
      } catch (InterruptedException e) {
        // only this daemon thread waits here; keep waiting
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
    }
  }

  @Override
  public void signal(TaskHandle handle, String signal) throws DriverException {
    Signal sig = Signal.parse(signal);
    Container container = container(handle);
    if (!kill(container, sig)) {
      throw new DriverException("container " + container.id + " of task " + handle.taskId()
          + " is not running");
    }
  }

  /** Sends a signal; false when the container no longer runs. */
  private boolean kill(Container container, Signal signal) throws DriverException {
    try {
      ops().killContainerCmd(container.id).withSignal(signal.name()).exec();
      return true;
    } catch (NotFoundException | ConflictException | NotModifiedException notRunning) {
      return false;
    } catch (RuntimeException e) {
      throw new DriverException(
          "cannot send " + signal + " to container " + container.id + ": " + reason(e), true, e);
    }
  }

  private static boolean awaitExit(Container container, Duration limit) throws DriverException {
    try {
      container.exit.get(limit.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted stopping container " + container.id, true, e);
    }
  }

  private Container container(TaskHandle handle) throws DriverException {
    Container known = tasks.get(handle.taskId());
    if (known != null) {
      return known;
    }
    recover(handle);
    Container recovered = tasks.get(handle.taskId());
    if (recovered == null) {
      throw new DriverException("container of task " + handle.taskId() + " is unknown");
    }
    return recovered;
  }

  private InspectContainerResponse find(TaskHandle handle) throws DriverException {
    List<String> keys = new ArrayList<>();
    if (handle.state().get(CONTAINER_ID) != null) {
      keys.add(handle.state().get(CONTAINER_ID));
    }
    if (handle.state().get(CONTAINER_NAME) != null) {
      keys.add(handle.state().get(CONTAINER_NAME));
    }
    try {
      for (String key : keys) {
        try {
          return ops().inspectContainerCmd(key).exec();
        } catch (NotFoundException next) {
          // try the next key
        }
      }
      return null;
    } catch (RuntimeException e) {
      throw new DriverException(
          "cannot recover task " + handle.taskId() + ": Docker engine at " + host
              + " does not answer: " + reason(e),
          true,
          e);
    }
  }

  static String reason(Throwable e) {
    String message = e.getMessage();
    Throwable cause = e.getCause();
    while ((message == null || message.isBlank()) && cause != null) {
      message = cause.getMessage();
      cause = cause.getCause();
    }
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    // The engine answers errors as {"message":"..."}: keep the message only.
    int at = message.indexOf("{\"message\":\"");
    if (at >= 0) {
      int end = message.lastIndexOf("\"}");
      message = message.substring(at + 12, end > at ? end : message.length())
          .replace("\\\"", "\"");
    }
    return message.trim();
  }

  /**
   * A pull's progress: keeps the engine's error (a failed request, or an error in the stream)
   * for the caller instead of logging it, since the start error reports it.
   */
  private static final class Pull extends ResultCallback.Adapter<PullResponseItem> {
    private volatile RuntimeException error;

    @Override
    public void onNext(PullResponseItem item) {
      if (item.isErrorIndicated() && error == null) {
        String message = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
            ? item.getErrorDetail().getMessage() : item.getError();
        error = new IllegalStateException(message);
      }
    }

    @Override
    public void onError(Throwable failure) {
      error = failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
      try {
        close();
      } catch (IOException e) {
        // the request ended already
      }
    }

    void rethrow() {
      if (error != null) {
        throw error;
      }
    }
  }
}
