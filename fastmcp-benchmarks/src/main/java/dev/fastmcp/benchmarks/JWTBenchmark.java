package dev.fastmcp.benchmarks;

import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.jwt.JWTIssuer;
import dev.fastmcp.auth.jwt.JWTVerifier;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Issuing and verifying tokens: our HS256 tokens (JWTIssuer) and RS256 tokens (JWTVerifier with a PEM key). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JWTBenchmark {

    private JWTIssuer issuer;
    private String hs256Token;
    private TokenVerifier rs256Verifier;
    private TokenVerifier hs256Verifier;
    private RSAKeyPair rsa;
    private String rs256Token;

    @Setup
    public void setUp() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        issuer = new JWTIssuer("https://mcp.example.com", "https://mcp.example.com/mcp", key);
        hs256Verifier = issuer.accessTokenVerifier();
        hs256Token = issuer.issueAccessToken("client-1", List.of("read", "write"), Map.of("sub", "alice"));
        rsa = RSAKeyPair.generate();
        rs256Token = rsa.createToken("alice", "https://idp.example.com", "https://mcp.example.com/mcp",
                List.of("read"), Duration.ofHours(1), Map.of(), rsa.keyId());
        rs256Verifier = JWTVerifier.builder().publicKey(rsa.publicKeyPem()).issuer("https://idp.example.com")
                .audience("https://mcp.example.com/mcp").build();
    }

    @Benchmark
    public String hs256Issue() {
        return issuer.issueAccessToken("client-1", List.of("read", "write"), Map.of("sub", "alice"));
    }

    /** Full verification of an HS256 access token (parse, signature, claims); no cache on this path. */
    @Benchmark
    public Object hs256Verify() {
        return issuer.verifyAccessToken(hs256Token);
    }

    @Benchmark
    public String rs256Issue() {
        return rsa.createToken("alice", "https://idp.example.com", "https://mcp.example.com/mcp", List.of("read"),
                Duration.ofHours(1), Map.of(), rsa.keyId());
    }

    /** The same RS256 token again, as clients send it: answered by the verified-token cache. */
    @Benchmark
    public Object rs256VerifyRepeated() {
        return rs256Verifier.verify(rs256Token);
    }

    /** The same HS256 access token again through the issuer's verifier: answered by the verified-token cache. */
    @Benchmark
    public Object hs256VerifyRepeated() {
        return hs256Verifier.verify(hs256Token);
    }
}
