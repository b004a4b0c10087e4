package dev.fastmcp.benchmarks;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.DiskStore;
import dev.fastmcp.auth.storage.EncryptedTokenStorage;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of storing OAuth state: a save-then-take round trip (what an authorization code does) in memory,
 * in memory behind AES-256-GCM encryption, and on disk; plus PKCE.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StorageBenchmark {

    /** A value shaped like an upstream token set. */
    public record Tokens(String accessToken, String refreshToken, long expiresIn, String scope) {
    }

    private static final Tokens VALUE = new Tokens("ya29." + "a".repeat(180), "1//" + "r".repeat(100), 3599,
            "openid email profile");

    private final AtomicLong keys = new AtomicLong();
    private MemoryTokenStorage memory;
    private EncryptedTokenStorage encrypted;
    private DiskStore disk;
    private Path directory;
    private String verifier;
    private String challenge;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        memory = new MemoryTokenStorage();
        encrypted = new EncryptedTokenStorage(new MemoryTokenStorage(), key);
        directory = Files.createTempDirectory("fastmcp-bench");
        disk = new DiskStore(directory);
        PKCEUtils.PKCEPair pair = PKCEUtils.generatePair();
        verifier = pair.verifier();
        challenge = pair.challenge();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        memory.close();
        encrypted.close();
        disk.close();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Tokens roundTrip(TokenStorage storage, String key) {
        storage.save(key, VALUE, 300);
        return storage.take(key, Tokens.class);
    }

    @Benchmark
    public Tokens memorySaveTake() {
        return roundTrip(memory, "code:" + keys.incrementAndGet());
    }

    @Benchmark
    public Tokens encryptedSaveTake() {
        return roundTrip(encrypted, "code:" + keys.incrementAndGet());
    }

    @Benchmark
    public Tokens diskSaveTake() {
        return roundTrip(disk, "code:" + keys.incrementAndGet());
    }

    @Benchmark
    public boolean pkceS256Validate() {
        return PKCEUtils.validateChallenge(verifier, challenge, "S256");
    }
}
