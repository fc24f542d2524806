package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A task's {@code lifecycle} block: prestart, poststart or poststop, optionally a sidecar. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskLifecycle(
    @JsonProperty("Hook") String hook,
    @JsonProperty("Sidecar") boolean sidecar) {

  public static final String PRESTART = "prestart";
  public static final String POSTSTART = "poststart";
  public static final String POSTSTOP = "poststop";
}
