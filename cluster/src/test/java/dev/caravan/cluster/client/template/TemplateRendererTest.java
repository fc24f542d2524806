package dev.caravan.cluster.client.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TemplateRendererTest {
  private static final Map<String, String> ENV = Map.of("NOMAD_ALLOC_ID", "a1",
      "CARAVAN_TASK_NAME", "web", "PORT", "8080");

  record Case(String name, String template, String left, String right, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> renders() {
    return Stream.of(
        new Case("literal text is kept", "plain\ntext\n", null, null, "plain\ntext\n"),
        new Case("env reads the task environment", "id={{ env \"NOMAD_ALLOC_ID\" }}", null, null,
            "id=a1"),
        new Case("env without spaces", "{{env \"PORT\"}}", null, null, "8080"),
        new Case("env of an unset variable is empty", "[{{ env \"NOPE\" }}]", null, null, "[]"),
        new Case("raw string argument", "{{ env `CARAVAN_TASK_NAME` }}", null, null, "web"),
        new Case("string literal", "{{ \"a\\tb\" }}", null, null, "a\tb"),
        new Case("comment renders nothing", "a{{/* note }} here */}}b", null, null, "ab"),
        new Case("trim markers eat surrounding whitespace",
            "port =\n  {{- env \"PORT\" -}}  \n;", null, null, "port =8080;"),
        new Case("trimmed comment", "a  {{- /* x */ -}}\n  b", null, null, "ab"),
        new Case("dash without space is not a trim marker", "x {{\"-1\"}} y", null, null,
            "x -1 y"),
        new Case("custom delimiters", "{{ not an action }} [[ env \"PORT\" ]]", "[[", "]]",
            "{{ not an action }} 8080"),
        new Case("several actions on several lines",
            "alloc {{ env \"NOMAD_ALLOC_ID\" }}\nport {{ env \"PORT\" }}\n", null, null,
            "alloc a1\nport 8080\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void rendersTheSupportedSubset(Case c) throws Exception {
    assertEquals(c.expected(), TemplateRenderer.render("local/app.conf", c.template(), c.left(),
        c.right(), ENV));
  }

  record Failure(String name, String template, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Failure> failures() {
    return Stream.of(
        new Failure("consul key", "a\n{{ key \"app/port\" }}",
            "local/app.conf:2: function \"key\" is not supported (Caravan renders templates "
                + "without Consul or Vault: only env \"NAME\", string literals and comments)"),
        new Failure("range", "{{ range service \"web\" }}x{{ end }}",
            "local/app.conf:1: function \"range\" is not supported (Caravan renders templates "
                + "without Consul or Vault: only env \"NAME\", string literals and comments)"),
        new Failure("vault secret", "{{ with secret \"kv/x\" }}{{ end }}",
            "local/app.conf:1: function \"with\" is not supported (Caravan renders templates "
                + "without Consul or Vault: only env \"NAME\", string literals and comments)"),
        new Failure("pipeline", "{{ env \"PORT\" | toUpper }}",
            "local/app.conf:1: unexpected \"|\" in {{ env \"PORT\" | toUpper }} (pipelines and "
                + "further arguments are not supported)"),
        new Failure("env without a name", "{{ env }}",
            "local/app.conf:1: env takes one quoted variable name, as in {{ env \"NAME\" }}"),
        new Failure("unclosed action", "x {{ env \"PORT\"",
            "local/app.conf:1: unclosed action (no }})"),
        new Failure("unclosed comment", "{{/* x }}", "local/app.conf:1: unclosed comment"),
        new Failure("empty action", "{{ }}", "local/app.conf:1: missing value for command"),
        new Failure("unterminated string", "{{ env \"PORT }}",
            "local/app.conf:1: unterminated quoted string"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void refusesWhatItCannotRenderNamingTheTemplateAndFunction(Failure f) {
    TemplateException e = assertThrows(TemplateException.class,
        () -> TemplateRenderer.render("local/app.conf", f.template(), null, null, ENV));

    assertEquals(f.message(), e.getMessage());
  }
}
