package dev.caravan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code caravan job dispatch [-meta k=v]... [-idempotency-token T] NAME [payload-file|-]}. */
@Command(name = "dispatch", description = "Dispatch a parameterized job: a child job with a payload and meta.")
final class DispatchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Option(names = "-address", paramLabel = "ADDR") String address;
  @Option(names = "-meta", paramLabel = "KEY=VALUE", description = "Dispatch meta; repeatable.")
  List<String> meta = List.of();
  @Option(names = "-idempotency-token", paramLabel = "TOKEN",
      description = "A second dispatch with the same token returns the first child.")
  String idempotencyToken;
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", arity = "0..1", paramLabel = "PAYLOAD", description = "A file, or - for stdin.")
  String payloadSource;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : meta) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new Main.CliException("-meta: expected KEY=VALUE, got \"" + kv + "\"");
      }
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    body.put("JobID", name);
    body.put("Meta", m);
    if (payloadSource != null) {
      byte[] payload;
      try {
        payload = payloadSource.equals("-") ? System.in.readAllBytes()
            : Files.readAllBytes(Path.of(payloadSource));
      } catch (IOException e) {
        throw new Main.CliException("cannot read the payload " + payloadSource + ": " + e.getMessage());
      }
      body.put("Payload", Base64.getEncoder().encodeToString(payload));
    }
    if (idempotencyToken != null) {
      body.put("IdempotencyToken", idempotencyToken);
    }
    JsonNode r = Http.post(JobCommand.address(address), "/v1/job/" + pathSegment(name) + "/dispatch", body);
    var out = spec.commandLine().getOut();
    out.printf("Dispatched Job ID = %s%nEvaluation ID     = %s%n", r.path("DispatchedJobID").asText(),
        r.path("EvalID").asText());
    return 0;
  }

  static String pathSegment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

}
