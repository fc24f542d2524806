package dev.caravan.drivers;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;
import java.util.List;

/**
 * The local Docker engine for tests: skips a test (a JUnit assumption) when no engine answers
 * or the test image is missing, and removes the containers a test's allocation left.
 */
final class DockerEngine {
  /** Busybox with sh, echo, sleep, cat, ls, env, true, false; imported by CI, never pulled. */
  static final String IMAGE = "caravan-busybox:latest";

  private static volatile Boolean usable;

  private DockerEngine() {}

  /** Skips the calling test unless the engine answers and has {@link #IMAGE}. */
  static void assumeUsable() {
    if (usable == null) {
      usable = probe();
    }
    assumeTrue(usable, "no Docker engine with " + IMAGE + " answers");
  }

  private static boolean probe() {
    try {
      DockerClient client = client(Duration.ofSeconds(5));
      client.pingCmd().exec();
      client.inspectImageCmd(IMAGE).exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static DockerClient client() {
    return client(Duration.ofSeconds(30));
  }

  private static DockerClient client(Duration responseTimeout) {
    String env = System.getenv("DOCKER_HOST");
    DockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(env == null || env.isBlank() ? DockerDriver.DEFAULT_HOST : env)
            .build();
    return DockerClientImpl.getInstance(
        config,
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .connectionTimeout(Duration.ofSeconds(2))
            .responseTimeout(responseTimeout)
            .build());
  }

  /** Removes every container labelled with this allocation id, running or not. */
  static void removeContainersOf(String allocId) {
    if (usable == null || !usable) {
      return;
    }
    DockerClient client = client();
    List<Container> left =
        client
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(java.util.Map.of(DockerDriver.LABEL_ALLOC_ID, allocId))
            .exec();
    for (Container c : left) {
      try {
        client.removeContainerCmd(c.getId()).withForce(true).exec();
      } catch (RuntimeException e) {
        // removed meanwhile
      }
    }
  }
}
