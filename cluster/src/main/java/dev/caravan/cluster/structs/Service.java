package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** A service a group or task exposes, with its checks. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Service(
    @JsonProperty("Name") String name,
    @JsonProperty("PortLabel") String portLabel,
    @JsonProperty("Tags") List<String> tags,
    @JsonProperty("Provider") String provider,
    @JsonProperty("TaskName") String taskName,
    @JsonProperty("Checks") List<ServiceCheck> checks,
    @JsonProperty("Meta") Map<String, String> meta,
    @JsonProperty("CanaryMeta") Map<String, String> canaryMeta,
    @JsonProperty("CanaryTags") List<String> canaryTags,
    @JsonProperty("EnableTagOverride") boolean enableTagOverride,
    @JsonProperty("AddressMode") String addressMode,
    @JsonProperty("Address") String address,
    @JsonProperty("OnUpdate") String onUpdate,
    @JsonProperty("TaggedAddresses") Map<String, String> taggedAddresses) {

  public Service {
    tags = Structs.copy(tags);
    checks = Structs.copy(checks);
    provider = provider == null || provider.isEmpty() ? "nomad" : provider;
    meta = Structs.copy(meta);
    canaryMeta = Structs.copy(canaryMeta);
    canaryTags = Structs.copy(canaryTags);
    taggedAddresses = Structs.copy(taggedAddresses);
  }

  /** The components before {@code Meta}, kept for callers written against them. */
  public Service(String name, String portLabel, List<String> tags, String provider,
      String taskName, List<ServiceCheck> checks) {
    this(name, portLabel, tags, provider, taskName, checks, Map.of(), Map.of(), List.of(), false,
        null, null, null, Map.of());
  }

  /** This service with another name and checks. */
  public Service with(String newName, List<ServiceCheck> newChecks) {
    return new Service(newName, portLabel, tags, provider, taskName, newChecks, meta, canaryMeta,
        canaryTags, enableTagOverride, addressMode, address, onUpdate, taggedAddresses);
  }
}
