package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * A GitOps source added at run time ({@code POST /v1/caravan/sources}), replicated so that
 * every server (and the next leader) knows it. The reconciler validates it before it is
 * proposed. Credentials are part of the replicated state, as Nomad's variables are.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GitSourceSpec(
    @JsonProperty("Name") String name,
    @JsonProperty("URL") String url,
    @JsonProperty("Branch") String branch,
    @JsonProperty("Paths") List<String> paths,
    @JsonProperty("Exclude") List<String> exclude,
    @JsonProperty("Interval") long intervalNanos,
    @JsonProperty("Prune") boolean prune,
    @JsonProperty("MaxPruneFraction") double maxPruneFraction,
    @JsonProperty("SelfHeal") boolean selfHeal,
    @JsonProperty("PreserveCounts") boolean preserveCounts,
    @JsonProperty("VarFiles") List<String> varFiles,
    @JsonProperty("Token") String token,
    @JsonProperty("Username") String username,
    @JsonProperty("Password") String password,
    @JsonProperty("SSHKeyFile") String sshKeyFile,
    @JsonProperty("KnownHostsFile") String knownHostsFile,
    @JsonProperty("ModifyIndex") long modifyIndex) {

  public GitSourceSpec {
    Objects.requireNonNull(name, "name");
    paths = paths == null ? List.of() : List.copyOf(paths);
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    varFiles = varFiles == null ? List.of() : List.copyOf(varFiles);
  }

  public GitSourceSpec withModifyIndex(long index) {
    return new GitSourceSpec(name, url, branch, paths, exclude, intervalNanos, prune,
        maxPruneFraction, selfHeal, preserveCounts, varFiles, token, username, password,
        sshKeyFile, knownHostsFile, index);
  }
}
