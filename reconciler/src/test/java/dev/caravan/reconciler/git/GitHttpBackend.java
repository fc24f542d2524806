package dev.caravan.reconciler.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * {@code git http-backend} (CGI) behind the JDK's HTTPS server on 127.0.0.1, with a self-signed
 * certificate made by {@code keytool}, answering 401 unless the request carries the expected
 * Basic credentials (a token is the password of any user).
 */
final class GitHttpBackend implements AutoCloseable {
  private final HttpServer server;
  private final Path root;
  private final String user;
  private final String password;

  GitHttpBackend(Path root, Path tmp, String user, String password) throws Exception {
    this.root = root;
    this.user = user;
    this.password = password;
    Path ks = tmp.resolve("server.p12");
    Process p = new ProcessBuilder("keytool", "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1",
        "-alias", "git", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass",
        "changeit", "-keypass", "changeit", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
        "-validity", "2").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(ssl));
    https.createContext("/", this::handle);
    https.start();
    this.server = https;
  }

  String url(String repo) {
    return "https://127.0.0.1:" + server.getAddress().getPort() + "/" + repo;
  }

  private void handle(HttpExchange ex) throws java.io.IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String want = "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8));
      boolean anyUser = user == null;
      boolean ok = auth != null && (auth.equals(want) || (anyUser && auth.startsWith("Basic ")
          && new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8)
              .endsWith(":" + password)));
      if (!ok) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
        ex.sendResponseHeaders(401, -1);
        return;
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
      Map<String, String> env = pb.environment();
      env.put("GIT_PROJECT_ROOT", root.toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("REQUEST_METHOD", ex.getRequestMethod());
      env.put("PATH_INFO", ex.getRequestURI().getPath());
      env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? ""
          : ex.getRequestURI().getRawQuery());
      env.put("CONTENT_LENGTH", Integer.toString(body.length));
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      env.put("CONTENT_TYPE", type == null ? "" : type);
      String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
      if (enc != null) {
        env.put("HTTP_CONTENT_ENCODING", enc);
      }
      String proto = ex.getRequestHeaders().getFirst("Git-Protocol");
      if (proto != null) {
        env.put("GIT_PROTOCOL", proto);
      }
      env.put("REMOTE_USER", "git");
      env.put("REMOTE_ADDR", "127.0.0.1");
      Process cgi = pb.start();
      try (OutputStream in = cgi.getOutputStream()) {
        in.write(body);
      }
      byte[] out = cgi.getInputStream().readAllBytes();
      cgi.getErrorStream().readAllBytes();
      int split = indexOf(out);
      String head = new String(out, 0, split, StandardCharsets.ISO_8859_1);
      int status = 200;
      for (String line : head.split("\r?\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String k = line.substring(0, colon).trim();
        String v = line.substring(colon + 1).trim();
        if (k.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(v.substring(0, 3));
        } else {
          ex.getResponseHeaders().add(k, v);
        }
      }
      int start = split + (out.length > split + 1 && out[split] == '\r' ? 4 : 2);
      int len = Math.max(0, out.length - start);
      ex.sendResponseHeaders(status, len == 0 ? -1 : len);
      if (len > 0) {
        ex.getResponseBody().write(out, start, len);
      }
    }
  }

  /** Index of the blank line ending the CGI headers. */
  private static int indexOf(byte[] out) {
    for (int i = 0; i + 1 < out.length; i++) {
      if (out[i] == '\n' && out[i + 1] == '\n') {
        return i;
      }
      if (i + 3 < out.length && out[i] == '\r' && out[i + 1] == '\n' && out[i + 2] == '\r'
          && out[i + 3] == '\n') {
        return i;
      }
    }
    return out.length;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
