package dev.caravan.agent;

import dev.caravan.webhook.Provider;

/**
 * What a source's {@code webhook} and {@code preview} blocks say: the secret its deliveries are
 * signed with (empty: unsigned deliveries are accepted), and where pull request plan previews
 * are published (null: not published). Secrets read from {@code secret_env} / {@code
 * secret_file} and tokens from {@code token_env} / {@code token_file} are resolved when the
 * config is read.
 */
record SourceHooks(String webhookSecret, Preview preview) {
  static final SourceHooks NONE = new SourceHooks("", null);

  SourceHooks {
    webhookSecret = webhookSecret == null ? "" : webhookSecret;
  }

  /**
   * {@code preview { provider, api_url, repository, token }}; {@code apiUrl} empty for the
   * provider's default, {@code repository} empty to take it from the source's URL.
   */
  record Preview(Provider provider, String apiUrl, String repository, String token) {
    /** Never prints the token. */
    @Override
    public String toString() {
      return "Preview[" + provider.pathName() + " " + apiUrl + " " + repository + "]";
    }
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "SourceHooks[signed=" + !webhookSecret.isEmpty() + ", preview=" + preview + "]";
  }
}
