package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modules' arrows point one way: examples → providers, devidp → auth → core. A main source file that imports a
 * package of a module above its own fails here, naming the file and the import, so the layering cannot erode one
 * convenient import at a time.
 */
class ModuleLayeringTest {

    /** Each module's packages, and the packages of the modules it must never see. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "fastmcp-core", List.of("dev.fastmcp.auth", "dev.fastmcp.devidp", "dev.fastmcp.providers",
                    "dev.fastmcp.examples"),
            "fastmcp-auth", List.of("dev.fastmcp.devidp", "dev.fastmcp.providers", "dev.fastmcp.examples"),
            "fastmcp-devidp", List.of("dev.fastmcp.providers", "dev.fastmcp.examples"),
            "fastmcp-providers", List.of("dev.fastmcp.devidp", "dev.fastmcp.examples"));

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void noModuleImportsAModuleAboveIt() throws IOException {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        List<String> wrong = new ArrayList<>();
        int files = scan(root, FORBIDDEN, wrong);
        assertTrue(files > 100, "the scan found the modules' sources (" + files + " files)");
        assertEquals(List.of(), wrong, "imports against the module layering");
    }

    @Test
    void theScanFindsAnImportThatPointsUp(@TempDir Path root) throws IOException {
        Path file = root.resolve("fastmcp-core/src/main/java/dev/fastmcp/Leak.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "package dev.fastmcp;\n\nimport java.util.List;\nimport static "
                + "dev.fastmcp.auth.proxy.OAuthProxy.builder;\n\nclass Leak {\n}\n");
        List<String> wrong = new ArrayList<>();
        scan(root, Map.of("fastmcp-core", FORBIDDEN.get("fastmcp-core")), wrong);
        assertEquals(List.of("fastmcp-core/src/main/java/dev/fastmcp/Leak.java imports "
                + "dev.fastmcp.auth.proxy.OAuthProxy.builder"), wrong);
    }

    /** Adds each import against {@code forbidden} to {@code wrong}; returns how many files it read. */
    private static int scan(Path root, Map<String, List<String>> forbidden, List<String> wrong) throws IOException {
        int files = 0;
        for (Map.Entry<String, List<String>> module : forbidden.entrySet()) {
            Path sources = root.resolve(module.getKey()).resolve("src/main/java");
            assertTrue(Files.isDirectory(sources), "no sources at " + sources);
            List<Path> javaFiles;
            try (Stream<Path> walk = Files.walk(sources)) {
                javaFiles = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            files += javaFiles.size();
            for (Path file : javaFiles) {
                Matcher m = IMPORT.matcher(read(file));
                while (m.find()) {
                    String imported = m.group(1);
                    for (String above : module.getValue()) {
                        if (imported.startsWith(above + ".")) {
                            wrong.add(root.relativize(file).toString().replace('\\', '/') + " imports " + imported);
                        }
                    }
                }
            }
        }
        return files;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
