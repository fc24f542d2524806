package dev.caravan.bench;

import dev.caravan.drivers.DriverOptions;
import dev.caravan.drivers.Drivers;
import dev.caravan.drivers.TaskConfig;
import dev.caravan.drivers.TaskDriver;
import dev.caravan.drivers.TaskHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 5's driver figures, printed as JSON:
 *
 * <ul>
 *   <li>raw_exec start overhead: {@code start()} of {@code /bin/sleep 30} until it returns
 *       (the process launched, its log pumps running), p50 and p90 of N starts
 *   <li>docker start against the CLI: {@code start()} of {@code caravan-busybox:latest}
 *       ({@code sleep 300}, host networking) against {@code docker run -d --network host} of the
 *       same image and command, interleaved, N of each; the ratio of the medians
 * </ul>
 *
 * <p>Usage: {@code java -cp <bench classpath> dev.caravan.bench.DriverStartBench [n]}; the
 * docker part is skipped when no engine answers.
 */
public final class DriverStartBench {
  private static final String IMAGE = "caravan-busybox:latest";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Map<String, TaskDriver> drivers =
        Drivers.load(new DriverOptions(true, false, null, Map.of()));
    Path tmp = TempDirs.create("caravan-driver-bench-");

    TaskDriver rawExec = drivers.get("raw_exec");
    List<Long> rawMicros = new ArrayList<>();
    for (int i = 0; i < n + 5; i++) {
      TaskConfig task = task(tmp, "raw-" + i,
          Map.of("command", "/bin/sleep", "args", List.of("30")));
      long t0 = System.nanoTime();
      TaskHandle h = rawExec.start(task);
      long took = (System.nanoTime() - t0) / 1_000;
      rawExec.destroy(h);
      if (i >= 5) { // the first starts warm the JVM up
        rawMicros.add(took);
      }
    }
    StringBuilder json = new StringBuilder("{\"benchmark\":\"driver-start\",\"n\":" + n);
    json.append(",\"raw_exec_start_p50_ms\":").append(ms(percentile(rawMicros, 50)))
        .append(",\"raw_exec_start_p90_ms\":").append(ms(percentile(rawMicros, 90)));

    TaskDriver docker = drivers.get("docker");
    if (docker.fingerprint().healthy()) {
      List<Long> driverMicros = new ArrayList<>();
      List<Long> cliMicros = new ArrayList<>();
      for (int i = 0; i < n + 2; i++) {
        TaskConfig task = task(tmp, "docker-" + i,
            Map.of("image", IMAGE, "command", "sleep", "args", List.of("300")));
        long t0 = System.nanoTime();
        TaskHandle h = docker.start(task);
        long driverTook = (System.nanoTime() - t0) / 1_000;
        docker.stop(h, Duration.ZERO, "SIGKILL");
        docker.destroy(h);

        String name = "caravan-bench-cli-" + i;
        long t1 = System.nanoTime();
        run("docker", "run", "-d", "--network", "host", "--name", name, IMAGE, "sleep", "300");
        long cliTook = (System.nanoTime() - t1) / 1_000;
        run("docker", "rm", "-f", name);
        if (i >= 2) {
          driverMicros.add(driverTook);
          cliMicros.add(cliTook);
        }
      }
      long driverP50 = percentile(driverMicros, 50);
      long cliP50 = percentile(cliMicros, 50);
      json.append(",\"docker_driver_start_p50_ms\":").append(ms(driverP50))
          .append(",\"docker_cli_run_d_p50_ms\":").append(ms(cliP50))
          .append(",\"docker_ratio_driver_to_cli\":")
          .append(String.format("%.2f", (double) driverP50 / cliP50));
    } else {
      json.append(",\"docker\":\"skipped: ").append(docker.fingerprint().healthDescription()
          .replace("\"", "'")).append("\"");
    }
    json.append(",\"loadavg\":\"").append(ClientMockTasksBench.loadAverage()).append("\"");
    System.out.println(json.append("}"));
    System.exit(0);
  }

  private static TaskConfig task(Path tmp, String name, Map<String, Object> config)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    String alloc = "bench-" + name;
    return new TaskConfig(alloc + "/main", alloc, "bench", "g", "main", config, Map.of(), null,
        new TaskConfig.TaskResources(100, 64, 0), dir, dir,
        new TaskConfig.LogSettings(dir.resolve("logs"), 2, 1024 * 1024));
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }

  private static String ms(long micros) {
    return String.format("%.1f", micros / 1000.0);
  }
}
