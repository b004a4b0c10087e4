package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arrows point one way, between modules (examples → providers, devidp → auth → core) and between the packages
 * inside them (the transports use the engine, the proxy uses JWT and storage, never the reverse; internal packages
 * are leaves). A main source
 * file that imports a package it must not see fails here, naming the file and the import, so the layering cannot
 * erode one convenient import at a time.
 */
class ModuleLayeringTest {

    /**
     * What a main source file must not import: files of {@code module} in package {@code from} (any package when
     * null) must not import {@code forbidden} packages; {@code "p.*"} means p and the packages below it.
     */
    record Rule(String module, String from, List<String> forbidden) {
    }

    static final List<Rule> RULES = List.of(
            // modules
            new Rule("fastmcp-core", null, List.of("dev.fastmcp.auth.*", "dev.fastmcp.devidp.*",
                    "dev.fastmcp.providers.*", "dev.fastmcp.examples.*")),
            new Rule("fastmcp-auth", null, List.of("dev.fastmcp.devidp.*", "dev.fastmcp.providers.*",
                    "dev.fastmcp.examples.*", "dev.fastmcp.server.*", "dev.fastmcp.transport.*")),
            new Rule("fastmcp-devidp", null, List.of("dev.fastmcp.providers.*", "dev.fastmcp.examples.*",
                    "dev.fastmcp.server.*", "dev.fastmcp.transport.*")),
            new Rule("fastmcp-providers", null, List.of("dev.fastmcp.devidp.*", "dev.fastmcp.examples.*",
                    "dev.fastmcp.server.*", "dev.fastmcp.transport.*")),
            // The test kit stands where a user's tests do: the public API of core, nothing else of ours.
            new Rule("fastmcp-testing", null, List.of("dev.fastmcp.auth.*", "dev.fastmcp.devidp.*",
                    "dev.fastmcp.providers.*", "dev.fastmcp.redis.*", "dev.fastmcp.examples.*",
                    "dev.fastmcp.server.*", "dev.fastmcp.transport.*", "dev.fastmcp.internal.*")),
            new Rule("fastmcp-redis", null, List.of("dev.fastmcp.devidp.*", "dev.fastmcp.providers.*",
                    "dev.fastmcp.examples.*", "dev.fastmcp.server.*", "dev.fastmcp.transport.*",
                    "dev.fastmcp.auth.proxy.*")),
            // packages of core
            new Rule("fastmcp-core", "dev.fastmcp.internal", List.of("dev.fastmcp", "dev.fastmcp.server.*",
                    "dev.fastmcp.transport.*")),
            new Rule("fastmcp-core", "dev.fastmcp.server", List.of("dev.fastmcp.transport.*")),
            // packages of auth
            new Rule("fastmcp-auth", "dev.fastmcp.auth.internal", List.of("dev.fastmcp.auth",
                    "dev.fastmcp.auth.jwt", "dev.fastmcp.auth.storage", "dev.fastmcp.auth.proxy")),
            new Rule("fastmcp-auth", "dev.fastmcp.auth.storage", List.of("dev.fastmcp.auth", "dev.fastmcp.auth.jwt",
                    "dev.fastmcp.auth.proxy")),
            new Rule("fastmcp-auth", "dev.fastmcp.auth.jwt", List.of("dev.fastmcp.auth", "dev.fastmcp.auth.storage",
                    "dev.fastmcp.auth.proxy")),
            new Rule("fastmcp-auth", "dev.fastmcp.auth", List.of("dev.fastmcp.auth.proxy")));

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void noFileImportsAPackageAboveIt() throws IOException {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        for (Rule rule : RULES) {
            assertTrue(Files.isDirectory(root.resolve(rule.module()).resolve("src/main/java")), "no sources of "
                    + rule.module());
        }
        List<String> wrong = new ArrayList<>();
        int files = scan(root, RULES, wrong);
        assertTrue(files > 150, "the scan found the modules' sources (" + files + " files)");
        assertEquals(List.of(), wrong, "imports against the layering");
    }

    @Test
    void theScanFindsAnImportThatPointsUp(@TempDir Path root) throws IOException {
        write(root, "fastmcp-core/src/main/java/dev/fastmcp/Leak.java", "package dev.fastmcp;\n\nimport java.util.List;\n"
                + "import static dev.fastmcp.auth.proxy.OAuthProxy.builder;\n\nclass Leak {\n}\n");
        write(root, "fastmcp-auth/src/main/java/dev/fastmcp/auth/jwt/Up.java", "package dev.fastmcp.auth.jwt;\n\n"
                + "import dev.fastmcp.auth.proxy.OAuthProxy;\nimport dev.fastmcp.auth.internal.Html;\n\nclass Up {\n}\n");
        write(root, "fastmcp-auth/src/main/java/dev/fastmcp/auth/Front.java", "package dev.fastmcp.auth;\n\n"
                + "import dev.fastmcp.auth.jwt.JWTIssuer;\n\nclass Front {\n}\n");
        List<String> wrong = new ArrayList<>();
        scan(root, RULES, wrong);
        assertEquals(List.of(
                "fastmcp-auth/src/main/java/dev/fastmcp/auth/jwt/Up.java imports dev.fastmcp.auth.proxy.OAuthProxy",
                "fastmcp-core/src/main/java/dev/fastmcp/Leak.java imports dev.fastmcp.auth.proxy.OAuthProxy.builder"),
                wrong.stream().sorted().toList());
    }

    /** Adds each import against {@code rules} to {@code wrong}; returns how many files it read. */
    private static int scan(Path root, List<Rule> rules, List<String> wrong) throws IOException {
        int files = 0;
        for (String module : rules.stream().map(Rule::module).distinct().toList()) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            List<Path> javaFiles;
            try (Stream<Path> walk = Files.walk(sources)) {
                javaFiles = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            files += javaFiles.size();
            for (Path file : javaFiles) {
                String text = read(file);
                Matcher p = PACKAGE.matcher(text);
                String from = p.find() ? p.group(1) : "";
                Matcher m = IMPORT.matcher(text);
                while (m.find()) {
                    String imported = m.group(1);
                    String to = packageOf(imported);
                    boolean against = rules.stream()
                            .filter(r -> r.module().equals(module) && (r.from() == null || r.from().equals(from)))
                            .flatMap(r -> r.forbidden().stream())
                            .anyMatch(f -> f.endsWith(".*") ? to.equals(f.substring(0, f.length() - 2))
                                    || to.startsWith(f.substring(0, f.length() - 1)) : to.equals(f));
                    if (against) {
                        wrong.add(root.relativize(file).toString().replace('\\', '/') + " imports " + imported);
                    }
                }
            }
        }
        return files;
    }

    /** The package of an imported name: the segments before the first that starts with a capital letter. */
    static String packageOf(String imported) {
        List<String> parts = new ArrayList<>();
        for (String part : imported.split("\\.")) {
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
                break;
            }
            parts.add(part);
        }
        return String.join(".", parts);
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
