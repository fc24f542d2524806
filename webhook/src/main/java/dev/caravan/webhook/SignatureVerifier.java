package dev.caravan.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a delivery's proof against a source's secret: HMAC-SHA256 of the raw body (hex, with
 * {@code sha256=} for GitHub, Bitbucket and generic, bare for Gitea and Forgejo) or, for GitLab,
 * the secret itself. Every comparison is constant-time.
 */
public final class SignatureVerifier {
    /** The outcome of a check. */
    public enum Verdict { VALID, MISSING, INVALID }

    private static final String SHA256_PREFIX = "sha256=";

    private SignatureVerifier() {
    }

    /** Checks the proof the provider puts in the headers for {@code body} against {@code secret}. */
    public static Verdict verify(Provider provider, Map<String, String> headers, byte[] body, String secret) {
        byte[] raw = body == null ? new byte[0] : body;
        return switch (provider) {
            case GITHUB -> prefixed(Headers.get(headers, "X-Hub-Signature-256"), raw, secret);
            case BITBUCKET, BITBUCKET_SERVER -> prefixed(firstOf(headers, "X-Hub-Signature-256", "X-Hub-Signature"), raw, secret);
            case GITEA -> bare(firstOf(headers, "X-Gitea-Signature", "X-Forgejo-Signature"), raw, secret);
            case FORGEJO -> bare(firstOf(headers, "X-Forgejo-Signature", "X-Gitea-Signature"), raw, secret);
            case GITLAB -> token(Headers.get(headers, "X-Gitlab-Token"), secret);
            case GENERIC -> prefixed(Headers.get(headers, "X-Caravan-Signature"), raw, secret);
        };
    }

    /** The header that carries the proof for the provider. */
    public static String proofHeader(Provider provider) {
        return switch (provider) {
            case GITHUB -> "X-Hub-Signature-256";
            case BITBUCKET, BITBUCKET_SERVER -> "X-Hub-Signature";
            case GITEA -> "X-Gitea-Signature";
            case FORGEJO -> "X-Forgejo-Signature";
            case GITLAB -> "X-Gitlab-Token";
            case GENERIC -> "X-Caravan-Signature";
        };
    }

    /** Lower-case hex HMAC-SHA256 of {@code body} keyed with the UTF-8 bytes of {@code secret}. */
    public static String hmacSha256Hex(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // every Java runtime ships HmacSHA256; a non-empty key is always valid
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static Verdict prefixed(String header, byte[] body, String secret) {
        if (header == null) {
            return Verdict.MISSING;
        }
        if (!header.regionMatches(true, 0, SHA256_PREFIX, 0, SHA256_PREFIX.length())) {
            return Verdict.INVALID;
        }
        return bare(header.substring(SHA256_PREFIX.length()), body, secret);
    }

    private static Verdict bare(String header, byte[] body, String secret) {
        if (header == null) {
            return Verdict.MISSING;
        }
        if (secret == null || secret.isEmpty()) {
            return Verdict.INVALID;
        }
        String expected = hmacSha256Hex(secret, body);
        return equal(expected, header.strip().toLowerCase(Locale.ROOT));
    }

    private static Verdict token(String header, String secret) {
        if (header == null) {
            return Verdict.MISSING;
        }
        if (secret == null || secret.isEmpty()) {
            return Verdict.INVALID;
        }
        return equal(secret, header);
    }

    private static Verdict equal(String expected, String received) {
        boolean same = MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), received.getBytes(StandardCharsets.UTF_8));
        return same ? Verdict.VALID : Verdict.INVALID;
    }

    private static String firstOf(Map<String, String> headers, String a, String b) {
        String v = Headers.get(headers, a);
        return v != null ? v : Headers.get(headers, b);
    }
}
