package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A client node: what it offers (attributes, resources, drivers) and its status. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Node(
    @JsonProperty("ID") String id,
    @JsonProperty("SecretID") String secretId,
    @JsonProperty("Name") String name,
    @JsonProperty("Datacenter") String datacenter,
    @JsonProperty("NodeClass") String nodeClass,
    @JsonProperty("NodePool") String nodePool,
    @JsonProperty("HTTPAddr") String httpAddr,
    @JsonProperty("Attributes") Map<String, String> attributes,
    @JsonProperty("Meta") Map<String, String> meta,
    @JsonProperty("NodeResources") NodeResources nodeResources,
    @JsonProperty("Drivers") Map<String, DriverInfo> drivers,
    @JsonProperty("Status") String status,
    @JsonProperty("StatusDescription") String statusDescription,
    @JsonProperty("SchedulingEligibility") String schedulingEligibility,
    @JsonProperty("DrainStrategy") DrainStrategy drainStrategy,
    @JsonProperty("StatusUpdatedAt") long statusUpdatedAt,
    @JsonProperty("CreateIndex") long createIndex,
    @JsonProperty("ModifyIndex") long modifyIndex,
    @JsonProperty("LastDrain") DrainMetadata lastDrain) {

  public Node {
    attributes = Structs.copy(attributes);
    meta = Structs.copy(meta);
    drivers = Structs.copy(drivers);
  }

  public static final String STATUS_INITIALIZING = "initializing";
  public static final String STATUS_READY = "ready";
  public static final String STATUS_DOWN = "down";
  public static final String STATUS_DISCONNECTED = "disconnected";
  public static final String ELIGIBLE = "eligible";
  public static final String INELIGIBLE = "ineligible";

  /** True when the scheduler may place new allocations here. */
  public boolean isSchedulable() {
    return STATUS_READY.equals(status) && ELIGIBLE.equals(schedulingEligibility)
        && drainStrategy == null;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds Node values piecemeal; unset components take the defaults shown. */
  public static final class Builder {
    private String id;
    private String secretId;
    private String name;
    private String datacenter = "dc1";
    private String nodeClass = "";
    private String nodePool = "default";
    private String httpAddr;
    private Map<String, String> attributes;
    private Map<String, String> meta;
    private NodeResources nodeResources;
    private Map<String, DriverInfo> drivers;
    private String status = STATUS_INITIALIZING;
    private String statusDescription;
    private String schedulingEligibility = ELIGIBLE;
    private DrainStrategy drainStrategy;
    private long statusUpdatedAt;
    private long createIndex;
    private long modifyIndex;
    private DrainMetadata lastDrain;

    private Builder() {}

    private Builder(Node r) {
      id = r.id;
      secretId = r.secretId;
      name = r.name;
      datacenter = r.datacenter;
      nodeClass = r.nodeClass;
      nodePool = r.nodePool;
      httpAddr = r.httpAddr;
      attributes = r.attributes;
      meta = r.meta;
      nodeResources = r.nodeResources;
      drivers = r.drivers;
      status = r.status;
      statusDescription = r.statusDescription;
      schedulingEligibility = r.schedulingEligibility;
      drainStrategy = r.drainStrategy;
      statusUpdatedAt = r.statusUpdatedAt;
      createIndex = r.createIndex;
      modifyIndex = r.modifyIndex;
      lastDrain = r.lastDrain;
    }

    public Builder id(String v) { id = v; return this; }
    public Builder secretId(String v) { secretId = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder datacenter(String v) { datacenter = v; return this; }
    public Builder nodeClass(String v) { nodeClass = v; return this; }
    public Builder nodePool(String v) { nodePool = v; return this; }
    public Builder httpAddr(String v) { httpAddr = v; return this; }
    public Builder attributes(Map<String, String> v) { attributes = v; return this; }
    public Builder meta(Map<String, String> v) { meta = v; return this; }
    public Builder nodeResources(NodeResources v) { nodeResources = v; return this; }
    public Builder drivers(Map<String, DriverInfo> v) { drivers = v; return this; }
    public Builder status(String v) { status = v; return this; }
    public Builder statusDescription(String v) { statusDescription = v; return this; }
    public Builder schedulingEligibility(String v) { schedulingEligibility = v; return this; }
    public Builder drainStrategy(DrainStrategy v) { drainStrategy = v; return this; }
    public Builder statusUpdatedAt(long v) { statusUpdatedAt = v; return this; }
    public Builder createIndex(long v) { createIndex = v; return this; }
    public Builder modifyIndex(long v) { modifyIndex = v; return this; }
    public Builder lastDrain(DrainMetadata v) { lastDrain = v; return this; }

    public Node build() {
      return new Node(id, secretId, name, datacenter, nodeClass, nodePool, httpAddr, attributes, meta, nodeResources, drivers, status, statusDescription, schedulingEligibility, drainStrategy, statusUpdatedAt, createIndex, modifyIndex, lastDrain);
    }
  }
}
