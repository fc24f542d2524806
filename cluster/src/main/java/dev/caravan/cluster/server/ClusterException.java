package dev.caravan.cluster.server;

/**
 * A refused request, with the HTTP status the API answers: 400 bad input (the message names
 * the field), 404 unknown object, 409 check-and-set mismatch, 503 no leader.
 */
public class ClusterException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  public ClusterException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ClusterException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ClusterException badRequest(String message) {
    return new ClusterException(400, message);
  }

  public static ClusterException notFound(String message) {
    return new ClusterException(404, message);
  }

  public static ClusterException conflict(String message) {
    return new ClusterException(409, message);
  }
}
