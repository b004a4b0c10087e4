package dev.fastmcp.server;

import dev.fastmcp.AuthSession;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals the {@code requestState} of a multi-round-trip request (MCP 2026-07-28) and opens it when the client sends
 * it back. The client may have changed it, so it is sealed with AES-256-GCM: without the key nobody can read it or
 * make one the server accepts. It is bound (as authenticated data, never stored in it) to the principal who asked,
 * the method, the component's name and a digest of the request's params, and it carries its expiry: a state issued
 * for another user, another component or other arguments, an expired one, or one altered in any bit is refused.
 *
 * <p>The first key seals; every key opens, so after a rotation the previous secret still opens the states it sealed
 * until they expire. A state is not single-use: the same principal can send it again, for the same request, until it
 * expires.
 */
public final class RequestStateCodec {

    /** How long a sealed state is accepted unless configured otherwise. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(RequestStateCodec.class);
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int EXPIRY_BYTES = Long.BYTES;
    private static final int MIN_SEALED = 1 + NONCE_BYTES + EXPIRY_BYTES + TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Not part of what a state is bound to: the answers and the state itself, and {@code _meta}, which describes
     *  the client and the delivery (a progress token may differ each round), not the operation. */
    private static final Set<String> NOT_SALIENT = Set.of("inputResponses", "requestState", "_meta");

    private final List<SecretKey> keys;
    private final Duration ttl;
    private final Clock clock;
    /** Set while the keys are this process's own: the first seal warns that other instances refuse them. */
    private final AtomicBoolean warnOnSeal = new AtomicBoolean();

    RequestStateCodec(List<SecretKey> keys, Duration ttl, Clock clock) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("A request state codec needs a key");
        }
        this.keys = List.copyOf(keys);
        this.ttl = Objects.requireNonNull(ttl, "ttl == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    /**
     * The codec of a server: keys derived from {@code secret} and the {@code previous} ones, or, without a secret,
     * the random key of this process. Without a secret the first state it seals logs a warning that other instances
     * will refuse its states: only servers that use multi-round-trip requests hear of the option.
     */
    static RequestStateCodec create(String secret, List<String> previous, Duration ttl) {
        if (secret != null) {
            return new RequestStateCodec(RequestStateKeys.derived(secret, previous), ttl, Clock.systemUTC());
        }
        RequestStateCodec codec = new RequestStateCodec(RequestStateKeys.ofProcess(), ttl, Clock.systemUTC());
        codec.warnOnSeal.set(true);
        return codec;
    }

    /** How long a sealed state is accepted. */
    public Duration ttl() {
        return ttl;
    }

    /**
     * Who a state is bound to: the authenticated subject and the OAuth client it used, or no one.
     *
     * @param subject  the authenticated subject; null only for {@link #ANONYMOUS}
     * @param clientId the OAuth client, or null when unknown
     */
    public record Principal(String subject, String clientId) {

        /** The caller of a server without authentication: a principal of its own, never equal to a subject. */
        public static final Principal ANONYMOUS = new Principal(null, null);

        /** An anonymous principal has no client either. */
        public Principal {
            if (subject == null && clientId != null) {
                throw new IllegalArgumentException("An anonymous principal has no client id");
            }
        }

        /** The principal of a session; {@link #ANONYMOUS} for none. */
        public static Principal of(AuthSession session) {
            return session == null ? ANONYMOUS
                    : new Principal(Objects.requireNonNull(session.subject(), "subject == null"), session.clientId());
        }
    }

    /** What {@link #open} found: the payload, or why the state is refused. */
    public sealed interface Opened permits Accepted, Refused {
    }

    /**
     * The state is the server's own, for this principal and request, and has not expired.
     *
     * @param payload the bytes given to {@link #seal}
     */
    public record Accepted(byte[] payload) implements Opened {
    }

    /**
     * The state is refused.
     *
     * @param reason why, in words that never quote the state
     */
    public record Refused(String reason) implements Opened {
    }

    /**
     * Seals {@code payload} for a retry of this request by this principal.
     *
     * @param method       the request's method, such as {@code tools/call}
     * @param name         the component's name (a tool's or prompt's name, a resource's URI)
     * @param paramsDigest {@link #paramsDigest} of the request's params
     * @return the opaque state, base64url without padding
     */
    public String seal(Principal principal, String method, String name, byte[] paramsDigest, byte[] payload) {
        if (warnOnSeal.compareAndSet(true, false)) {
            LOG.warn("No requestState secret is set, so the state of multi-round-trip requests is sealed with a random "
                    + "key of this process: another instance behind a load balancer, or this one after a restart, "
                    + "refuses it and the client has to start the request over. Multi-instance deployments need "
                    + "FastMCP.Builder.requestState(r -> r.secret(...)) with the same secret on every instance");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        long expiresAt = clock.millis() + ttl.toMillis();
        byte[] plain = ByteBuffer.allocate(EXPIRY_BYTES + payload.length).putLong(expiresAt).put(payload).array();
        byte[] sealed;
        try {
            sealed = cipher(Cipher.ENCRYPT_MODE, keys.get(0), nonce, principal, method, name, paramsDigest)
                    .doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal the request state", e);
        }
        byte[] state = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed)
                .array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(state);
    }

    /**
     * Opens a state sent back with a retry of this request by this principal. The only comparison of secret data is
     * the AEAD tag check, which the JDK makes in constant time.
     */
    public Opened open(String state, Principal principal, String method, String name, byte[] paramsDigest) {
        if (state == null || state.isEmpty()) {
            return new Refused("no request state was given");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(state);
        } catch (IllegalArgumentException e) {
            return new Refused("the request state is malformed: it is not base64url");
        }
        if (bytes.length < MIN_SEALED) {
            return new Refused("the request state is malformed: it is too short to be one this server issued");
        }
        if (bytes[0] != VERSION) {
            return new Refused("the request state is malformed: its format is unknown");
        }
        byte[] nonce = Arrays.copyOfRange(bytes, 1, 1 + NONCE_BYTES);
        for (SecretKey key : keys) {
            byte[] plain;
            try {
                plain = cipher(Cipher.DECRYPT_MODE, key, nonce, principal, method, name, paramsDigest)
                        .doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
            } catch (AEADBadTagException e) {
                continue;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed to open the request state", e);
            }
            ByteBuffer buffer = ByteBuffer.wrap(plain);
            if (clock.millis() >= buffer.getLong()) {
                return new Refused("the request state has expired; send the request again without it");
            }
            byte[] payload = new byte[buffer.remaining()];
            buffer.get(payload);
            return new Accepted(payload);
        }
        return new Refused("the request state was not issued by this server for this user, method, component and "
                + "arguments, or it was altered");
    }

    /**
     * The digest a state is bound to: SHA-256 of the params in a canonical JSON form (object keys sorted), without
     * {@code inputResponses}, {@code requestState} and {@code _meta}, so that every retry of one request has the
     * digest of the first.
     */
    public static byte[] paramsDigest(Map<String, ?> params) {
        Map<String, Object> salient = new TreeMap<>();
        if (params != null) {
            params.forEach((k, v) -> {
                if (!NOT_SALIENT.contains(k)) {
                    salient.put(k, canonical(v));
                }
            });
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(Json.bytes(salient));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java platform must provide", e);
        }
    }

    private static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(RequestStateCodec::canonical).toList();
        }
        return value;
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, Principal principal, String method,
            String name, byte[] paramsDigest) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(binding(principal, method, name, paramsDigest));
        return cipher;
    }

    /** What a state is bound to, each part length-prefixed so that no two bindings encode alike. */
    private static byte[] binding(Principal principal, String method, String name, byte[] paramsDigest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            field(out, principal.subject());
            field(out, principal.clientId());
            field(out, Objects.requireNonNull(method, "method == null"));
            field(out, name);
            out.writeInt(paramsDigest.length);
            out.write(paramsDigest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void field(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
