package dev.caravan.reconciler.jobspec;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.bertramlabs.plugins.hcl4j.HCLParserException;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.Function;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.helpers.NOPLogger;

/**
 * HCL4j's parser without side effects: no data lookups (HCL4j's {@code data "http"} makes a
 * real request), no functions that read the clock or make random values, and an error for
 * any function it does not offer (HCL4j would silently give null). One instance per parse.
 */
final class SandboxedHclParser extends HCLParser {

  /** Functions refused with the reason; any other unknown function is an error too. */
  static final Map<String, String> REFUSED = Map.of(
      "file", "a job file may not read other files",
      "filebase64", "a job file may not read other files",
      "fileexists", "a job file may not read other files",
      "templatefile", "a job file may not read other files",
      "pathexpand", "a job file may not read the file system",
      "timestamp", "a job file must decode to the same job every time",
      "uuid", "a job file must decode to the same job every time",
      "uuidv4", "a job file must decode to the same job every time",
      "env", "a job file may not read the environment");

  /** The message of an error that is already complete (no "syntax error" prefix). */
  static final class Refused extends HCLParserException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super("!" + message);
    }
  }

  static {
    // HCL4j logs every parse error at ERROR with its stack trace; a bad file is not a fault.
    try {
      Field log = HCLParser.class.getDeclaredField("log");
      log.setAccessible(true);
      log.set(null, NOPLogger.NOP_LOGGER);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Keep HCL4j's logger: noisier, not wrong.
    }
  }

  SandboxedHclParser(Map<String, Object> vars) {
    dataLookupRegistry.clear();
    for (String name : Set.copyOf(functionRegistry.keySet())) {
      if (REFUSED.containsKey(name)) {
        functionRegistry.remove(name);
      }
    }
    registerFunction("uuidv5", SandboxedHclParser::uuidv5);
    setVariables(new HashMap<>(vars));
  }

  private static final Map<String, String> UUID_NAMESPACES = Map.of(
      "dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
      "oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8", "x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8");

  /** Terraform's and Nomad's uuidv5(namespace, name): deterministic, SHA-1 based (RFC 4122). */
  static Object uuidv5(java.util.List<Object> args) {
    if (args.size() != 2 || !(args.get(0) instanceof String ns) || !(args.get(1) instanceof String name)) {
      throw new IllegalArgumentException("uuidv5 takes a namespace and a name");
    }
    java.util.UUID namespace = java.util.UUID.fromString(UUID_NAMESPACES.getOrDefault(ns, ns));
    java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(16);
    in.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
    try {
      java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
      sha1.update(in.array());
      byte[] h = sha1.digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      h[6] = (byte) ((h[6] & 0x0f) | 0x50);
      h[8] = (byte) ((h[8] & 0x3f) | 0x80);
      java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(h, 0, 16);
      return new java.util.UUID(out.getLong(), out.getLong()).toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected Object evaluateFunctionCall(String name, Function symbol, Map<String, Object> localVars)
      throws HCLParserException {
    if (!functionRegistry.containsKey(name)) {
      String where = symbol == null || symbol.getLine() == null ? ""
          : " (line: " + (symbol.getLine() + 1) + " col: " + (symbol.getColumn() + 1) + ")";
      String reason = REFUSED.get(name);
      throw new Refused(reason != null
          ? name + "() " + Unsupported.MARKER + ": " + reason + where
          : "unknown function " + name + "(): Caravan's jobspec offers " + String.join(", ",
              new java.util.TreeSet<>(functionRegistry.keySet())) + where);
    }
    try {
      return super.evaluateFunctionCall(name, symbol, localVars);
    } catch (RuntimeException e) {
      throw new Refused(name + "(): " + (e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage()));
    }
  }
}
