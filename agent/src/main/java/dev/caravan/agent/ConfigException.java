package dev.caravan.agent;

/** A bad agent config or flag: the message names the file and key; the CLI exits 1. */
public class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
