package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in the README and in {@code docs/} is code that compiles: it appears in the examples'
 * sources (or a module's tests, for snippets of tests and of building blocks), and it needs nothing the examples keep
 * to themselves.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** A type declaration; its group 1 is the type's simple name. */
    private static final Pattern DECLARATION =
            Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Z][A-Za-z0-9_]*)");

    /** What the Java compiler does not read as names: comments, and string, text block and character literals. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'|//[^\\n]*|/\\*(?s:.*?)\\*/");

    private static final Pattern TYPE_NAME = Pattern.compile("\\b[A-Z][A-Za-z0-9_]*\\b");

    /** A Java snippet and the page it is on. */
    private record Snippet(String page, String code) {
    }

    @Test
    void everyJavaSnippetOfTheReadmeAndTheDocsIsInAnExample() throws IOException {
        // Snippets of tests, and of building blocks shown as their tests use them, come from tests, which run them.
        StringBuilder all = new StringBuilder(exampleSources());
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path tests : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).sorted()
                    .toList()) {
                all.append('\n').append(sources(ROOT.relativize(tests).toString()));
            }
        }
        String sources = normalize(all.toString());
        List<String> missing = new ArrayList<>();
        for (Snippet snippet : snippets()) {
            if (!sources.contains(normalize(snippet.code()))) {
                missing.add(snippet.page() + ": snippet not found in any example:\n" + snippet.code());
            }
        }
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }

    /**
     * A reader copies a snippet into code of their own, where the examples' classes do not exist: a snippet may name a
     * type declared in the examples only when it shows that declaration, itself or in an earlier snippet of its page.
     */
    @Test
    void noSnippetNamesATypeOfTheExamplesItDoesNotDeclare() throws IOException {
        Set<String> exampleTypes = declaredTypes(exampleSources());
        assertTrue(exampleTypes.containsAll(List.of("QuickstartServer", "Env", "AddArgs", "EntryPoint")),
                "types found in the examples: " + exampleTypes);
        List<String> problems = new ArrayList<>();
        String page = null;
        Set<String> shown = new HashSet<>();
        for (Snippet snippet : snippets()) {
            if (!snippet.page().equals(page)) {
                page = snippet.page();
                shown.clear();
            }
            shown.addAll(declaredTypes(snippet.code()));
            Set<String> named = new TreeSet<>();
            Matcher m = TYPE_NAME.matcher(code(snippet.code()));
            while (m.find()) {
                if (exampleTypes.contains(m.group()) && !shown.contains(m.group())) {
                    named.add(m.group());
                }
            }
            if (!named.isEmpty()) {
                problems.add(page + ": snippet names " + named + ", declared in the examples only:\n" + snippet.code());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The Java snippets of the README and of {@code docs/*.md}, page by page, in their order on the page. */
    private static List<Snippet> snippets() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<Snippet> snippets = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(page));
            int before = snippets.size();
            while (m.find()) {
                snippets.add(new Snippet(page.getFileName().toString(), m.group(1)));
            }
            assertFalse(page.getFileName().toString().equals("README.md") && snippets.size() == before,
                    "the README shows Java code");
        }
        return snippets;
    }

    private static String exampleSources() throws IOException {
        return sources("fastmcp-examples/src/main/java");
    }

    private static String sources(String directory) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve(directory))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().map(ReadmeSnippetsTest::read)
                    .collect(Collectors.joining("\n"));
        }
    }

    /** The simple names of the classes, interfaces, enums and records declared in {@code source}, nested ones too. */
    private static Set<String> declaredTypes(String source) {
        Set<String> names = new TreeSet<>();
        Matcher m = DECLARATION.matcher(code(source));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** {@code source} with its comments and literals blanked out. */
    private static String code(String source) {
        return NOT_CODE.matcher(source).replaceAll(" ");
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
