package dev.caravan.cluster.client.template;

/** A template that cannot be rendered; the message names the template and the line. */
public final class TemplateException extends Exception {
  private static final long serialVersionUID = 1L;

  public TemplateException(String template, int line, String problem) {
    super(template + ":" + line + ": " + problem);
  }

  public TemplateException(String message) {
    super(message);
  }
}
