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

/**
 * Every Java snippet in the README and in {@code docs/} is code that compiles: it appears in the examples'
 * sources.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyJavaSnippetOfTheReadmeAndTheDocsIsInAnExample() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> snippets = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(page));
            int before = snippets.size();
            while (m.find()) {
                snippets.add(page.getFileName() + "\n" + m.group(1));
            }
            assertFalse(page.getFileName().toString().equals("README.md") && snippets.size() == before,
                    "the README shows Java code");
        }
        String sources;
        try (Stream<Path> files = Files.walk(ROOT.resolve("fastmcp-examples/src/main/java"))) {
            sources = normalize(files.filter(p -> p.toString().endsWith(".java")).map(ReadmeSnippetsTest::read)
                    .collect(Collectors.joining("\n")));
        }
        for (String snippet : snippets) {
            String page = snippet.substring(0, snippet.indexOf('\n'));
            String code = snippet.substring(snippet.indexOf('\n') + 1);
            assertTrue(sources.contains(normalize(code)), page + ": snippet not found in any example:\n" + code);
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
