package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Java snippet in the README is code that compiles: it appears in the examples' sources. */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyJavaSnippetOfTheReadmeIsInAnExample() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> snippets = new ArrayList<>();
        while (m.find()) {
            snippets.add(m.group(1));
        }
        assertFalse(snippets.isEmpty(), "the README shows Java code");
        String sources;
        try (Stream<Path> files = Files.walk(ROOT.resolve("fastmcp-examples/src/main/java"))) {
            sources = normalize(files.filter(p -> p.toString().endsWith(".java")).map(ReadmeSnippetsTest::read)
                    .collect(Collectors.joining("\n")));
        }
        for (String snippet : snippets) {
            assertTrue(sources.contains(normalize(snippet)), "README snippet not found in any example:\n" + snippet);
        }
    }

    private static String normalize(String code) {
        return code.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
