package dev.caravan.reconciler.git;

/**
 * How Caravan authenticates to a source: an HTTPS token, HTTPS basic auth, or an SSH key with
 * a known_hosts file (host keys are always checked). At most one kind; {@link #NONE} for
 * anonymous {@code file://}, {@code git://} or public HTTPS. {@link #toString()} hides secrets.
 */
public record SourceAuth(String token, String username, String password, String sshKeyFile,
    String knownHostsFile) {

  public static final SourceAuth NONE = new SourceAuth(null, null, null, null, null);

  /**
   * @throws IllegalArgumentException when kinds are mixed, or a half of a pair is missing
   */
  public SourceAuth {
    token = blankToNull(token);
    username = blankToNull(username);
    password = blankToNull(password);
    sshKeyFile = blankToNull(sshKeyFile);
    knownHostsFile = blankToNull(knownHostsFile);
    int kinds = (token != null ? 1 : 0) + (username != null || password != null ? 1 : 0)
        + (sshKeyFile != null || knownHostsFile != null ? 1 : 0);
    if (kinds > 1) {
      throw new IllegalArgumentException(
          "auth: use one of token, username + password, ssh_key_file + known_hosts_file");
    }
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("auth: username and password go together");
    }
    if (sshKeyFile != null && knownHostsFile == null) {
      throw new IllegalArgumentException(
          "auth: ssh_key_file needs known_hosts_file (host keys are always checked)");
    }
  }

  public boolean isNone() {
    return token == null && username == null && sshKeyFile == null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public String toString() {
    if (token != null) {
      return "token";
    }
    if (username != null) {
      return "basic(" + username + ")";
    }
    return sshKeyFile != null ? "ssh(" + sshKeyFile + ")" : "none";
  }
}
