package dev.fastmcp.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away TLS identity for tests, made at test time with the JDK's {@code keytool} (nothing is committed): one
 * self-signed EC certificate for the names in {@link #NAMES}, the server's context holding its key, and a client's
 * context trusting that certificate alone. Made once per test JVM.
 *
 * <p>Shared with the other modules' tests through this module's test jar.
 */
public final class TestTls {

    /** The names the certificate is valid for; any other name fails the client's host name check. */
    public static final List<String> NAMES = List.of("localhost", "docs.test", "keys.test", "127.0.0.1", "::1");

    private static final String PASSWORD = "test-only";
    private static TestTls instance;

    private final SSLContext server;
    private final SSLContext client;

    private TestTls(SSLContext server, SSLContext client) {
        this.server = server;
        this.client = client;
    }

    /** The identity of this test JVM, made on first use. */
    public static synchronized TestTls get() {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    /** The server's context: the key and the certificate. */
    public SSLContext server() {
        return server;
    }

    /** A client's context that trusts the certificate and nothing else. */
    public SSLContext client() {
        return client;
    }

    private static TestTls create() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("fastmcp-tls");
            Path store = dir.resolve("test.p12");
            String san = String.join(",", NAMES.stream().map(n -> (n.matches("[0-9.]+|.*:.*") ? "ip:" : "dns:") + n)
                    .toList());
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=fastmcp test", "-ext", "SAN=" + san, "-validity", "2",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                    "-keypass", PASSWORD, "-noprompt").redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);

            Certificate certificate = keys.getCertificate("test");
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("test", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
            return new TestTls(server, client);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the test certificate: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the test certificate", e);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
