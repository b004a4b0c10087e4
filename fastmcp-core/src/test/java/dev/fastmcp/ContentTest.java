package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContentTest {

    private static final byte[] PNG = bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R');
    private static final byte[] FLAC = ascii("fLaC\0\0\0\"");
    private static final byte[] UNKNOWN = ascii("just some bytes");

    @TempDir
    Path dir;

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64);
    }

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("png", PNG, "image/png"),
                Arguments.of("jpeg", bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'), "image/jpeg"),
                Arguments.of("gif87a", ascii("GIF87a\1\0\1\0"), "image/gif"),
                Arguments.of("gif89a", ascii("GIF89a\1\0\1\0"), "image/gif"),
                Arguments.of("webp", ascii("RIFF\u0024\0\0\0WEBPVP8 "), "image/webp"),
                Arguments.of("bmp", bytes('B', 'M', 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0), "image/bmp"),
                Arguments.of("too short for bmp falls back", ascii("BM"), "image/png"),
                Arguments.of("svg", ascii("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "image/svg+xml"),
                Arguments.of("svg after whitespace", ascii("\n  <svg width=\"1\"/>"), "image/svg+xml"),
                Arguments.of("svg with xml declaration", ascii("<?xml version=\"1.0\"?>\n<!-- logo -->\n<svg/>"), "image/svg+xml"),
                Arguments.of("svg with byte order mark", ascii("\u00EF\u00BB\u00BF<svg/>"), "image/svg+xml"),
                Arguments.of("xml that is not svg falls back", ascii("<?xml version=\"1.0\"?><html/>"), "image/png"),
                Arguments.of("wav is not an image", ascii("RIFF\u0024\0\0\0WAVEfmt "), "image/png"),
                Arguments.of("unknown falls back", UNKNOWN, "image/png"),
                Arguments.of("empty falls back", new byte[0], "image/png"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void imageMimeTypeIsSniffedFromMagicBytes(String label, byte[] data, String expected) {
        McpSchema.ImageContent content = Content.imageContent(data);
        assertEquals(expected, content.mimeType());
        assertArrayEquals(data, decode(content.data()));
    }

    static Stream<Arguments> audio() {
        return Stream.of(
                Arguments.of("wav", ascii("RIFF\u0024\0\0\0WAVEfmt "), "audio/wav"),
                Arguments.of("mp3 with id3 tag", ascii("ID3\u0004\0\0\0\0\0\0"), "audio/mpeg"),
                Arguments.of("mp3 frame sync", bytes(0xFF, 0xFB, 0x90, 0x64), "audio/mpeg"),
                Arguments.of("aac adts", bytes(0xFF, 0xF1, 0x50, 0x80), "audio/aac"),
                Arguments.of("ogg", ascii("OggS\0\2\0\0"), "audio/ogg"),
                Arguments.of("flac", FLAC, "audio/flac"),
                Arguments.of("m4a", ascii("\0\0\0\u0020ftypM4A \0\0\0\0"), "audio/mp4"),
                Arguments.of("webp is not audio", ascii("RIFF\u0024\0\0\0WEBPVP8 "), "audio/mpeg"),
                Arguments.of("unknown falls back", UNKNOWN, "audio/mpeg"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("audio")
    void audioMimeTypeIsSniffedFromMagicBytes(String label, byte[] data, String expected) {
        McpSchema.AudioContent content = Content.audioContent(data);
        assertEquals(expected, content.mimeType());
        assertArrayEquals(data, decode(content.data()));
    }

    @Test
    void textWrapsTheString() {
        assertEquals("hello", Content.text("hello").text());
    }

    @Test
    void explicitMimeTypeIsKeptAndDataIsBase64Encoded() {
        McpSchema.ImageContent image = Content.imageContent(UNKNOWN, "image/avif");
        assertEquals("image/avif", image.mimeType());
        assertEquals(Base64.getEncoder().encodeToString(UNKNOWN), image.data());
        McpSchema.AudioContent audio = Content.audioContent(PNG, "audio/x-custom");
        assertEquals("audio/x-custom", audio.mimeType());
        assertArrayEquals(PNG, decode(audio.data()));
    }

    @Test
    void textResourceIsEmbedded() {
        McpSchema.EmbeddedResource resource = Content.resource("file:///notes.md", "text/markdown", "# Notes");
        var contents = (McpSchema.TextResourceContents) resource.resource();
        assertEquals("file:///notes.md", contents.uri());
        assertEquals("text/markdown", contents.mimeType());
        assertEquals("# Notes", contents.text());
    }

    @Test
    void blobResourceIsEmbeddedAsBase64() {
        McpSchema.EmbeddedResource resource = Content.blobResource("data://logo", "image/png", PNG);
        var contents = (McpSchema.BlobResourceContents) resource.resource();
        assertEquals("data://logo", contents.uri());
        assertEquals("image/png", contents.mimeType());
        assertArrayEquals(PNG, decode(contents.blob()));
    }

    @Test
    void resourceLinkCarriesItsFields() {
        McpSchema.ResourceLink link = Content.resourceLink("file:///report.pdf", "report", "Q3 report", "application/pdf");
        assertEquals("file:///report.pdf", link.uri());
        assertEquals("report", link.name());
        assertEquals("Q3 report", link.description());
        assertEquals("application/pdf", link.mimeType());
        assertNull(Content.resourceLink("file:///a", "a", null, null).description());
    }

    @Test
    void nullArgumentsAreRejectedByName() {
        assertEquals("text == null", assertThrows(NullPointerException.class, () -> Content.text(null)).getMessage());
        assertEquals("data == null",
                assertThrows(NullPointerException.class, () -> Content.imageContent((byte[]) null)).getMessage());
        assertEquals("mimeType == null",
                assertThrows(NullPointerException.class, () -> Content.audioContent(PNG, null)).getMessage());
        assertEquals("file == null",
                assertThrows(NullPointerException.class, () -> Content.audioContent((Path) null)).getMessage());
        assertEquals("url == null",
                assertThrows(NullPointerException.class, () -> Content.imageContent((URI) null)).getMessage());
        assertEquals("name == null",
                assertThrows(NullPointerException.class, () -> Content.resourceLink("file:///a", null, null, null)).getMessage());
    }

    @Test
    void imageFileIsSniffedBeforeItsExtension() throws IOException {
        Path misnamed = Files.write(dir.resolve("actually-png.gif"), PNG);
        McpSchema.ImageContent content = Content.imageContent(misnamed);
        assertEquals("image/png", content.mimeType());
        assertArrayEquals(PNG, decode(content.data()));
    }

    @Test
    void imageFileFallsBackToExtensionThenToPng() throws IOException {
        assertEquals("image/jpeg", Content.imageContent(Files.write(dir.resolve("photo.JPG"), UNKNOWN)).mimeType());
        assertEquals("image/webp", Content.imageContent(Files.write(dir.resolve("photo.webp"), UNKNOWN)).mimeType());
        assertEquals("image/png", Content.imageContent(Files.write(dir.resolve("photo.dat"), UNKNOWN)).mimeType());
    }

    @Test
    void audioFileIsSniffedThenFallsBackToExtensionThenToMpeg() throws IOException {
        assertEquals("audio/flac", Content.audioContent(Files.write(dir.resolve("song.mp3"), FLAC)).mimeType());
        assertEquals("audio/wav", Content.audioContent(Files.write(dir.resolve("take.wav"), UNKNOWN)).mimeType());
        assertEquals("audio/mpeg", Content.audioContent(Files.write(dir.resolve("take"), UNKNOWN)).mimeType());
    }

    @Test
    void missingFileIsAnIoException() {
        assertThrows(NoSuchFileException.class, () -> Content.imageContent(dir.resolve("nope.png")));
    }

    private record Route(int status, String contentType, byte[] body, String location) {
        static Route ok(String contentType, byte[] body) {
            return new Route(200, contentType, body, null);
        }
    }

    private static HttpServer serve(Map<String, Route> routes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Route route = routes.getOrDefault(exchange.getRequestURI().getPath(),
                    new Route(404, "text/plain", ascii("not found"), null));
            if (route.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", route.contentType());
            }
            if (route.location() != null) {
                exchange.getResponseHeaders().set("Location", route.location());
            }
            exchange.sendResponseHeaders(route.status(), route.body().length == 0 ? -1 : route.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(route.body());
            } catch (IOException clientHungUp) {
                // expected when the client stops reading an oversized body
            }
        });
        server.start();
        return server;
    }

    private static URI url(HttpServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void imageUrlUsesAnImageContentTypeFromTheResponse() throws IOException {
        HttpServer server = serve(Map.of("/pic", Route.ok("image/gif; charset=binary", UNKNOWN)));
        try {
            McpSchema.ImageContent content = Content.imageContent(url(server, "/pic"));
            assertEquals("image/gif", content.mimeType());
            assertArrayEquals(UNKNOWN, decode(content.data()));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void imageUrlWithoutAnImageContentTypeIsSniffedThenJudgedByExtension() throws IOException {
        HttpServer server = serve(Map.of(
                "/download", Route.ok("application/octet-stream", PNG),
                "/files/pic.bmp", Route.ok("application/octet-stream", UNKNOWN),
                "/files/blob", Route.ok(null, UNKNOWN)));
        try {
            assertEquals("image/png", Content.imageContent(url(server, "/download")).mimeType());
            assertEquals("image/bmp", Content.imageContent(url(server, "/files/pic.bmp")).mimeType());
            assertEquals("image/png", Content.imageContent(url(server, "/files/blob")).mimeType());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void audioUrlUsesAnAudioContentTypeElseSniffs() throws IOException {
        HttpServer server = serve(Map.of(
                "/voice", Route.ok("audio/ogg; codecs=opus", UNKNOWN),
                "/track", Route.ok("image/png", FLAC)));
        try {
            McpSchema.AudioContent voice = Content.audioContent(url(server, "/voice"));
            assertEquals("audio/ogg", voice.mimeType());
            assertArrayEquals(UNKNOWN, decode(voice.data()));
            assertEquals("audio/flac", Content.audioContent(url(server, "/track")).mimeType());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void urlRedirectsAreFollowed() throws IOException {
        HttpServer server = serve(Map.of(
                "/old", new Route(302, null, new byte[0], "/new"),
                "/new", Route.ok("image/jpeg", UNKNOWN)));
        try {
            assertEquals("image/jpeg", Content.imageContent(url(server, "/old")).mimeType());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void non2xxStatusIsAnIoExceptionNamingStatusAndUrl() throws IOException {
        HttpServer server = serve(Map.of());
        try {
            URI missing = url(server, "/missing.png");
            IOException e = assertThrows(IOException.class, () -> Content.imageContent(missing));
            assertTrue(e.getMessage().contains("404") && e.getMessage().contains(missing.toString()), e.getMessage());
            assertThrows(IOException.class, () -> Content.audioContent(missing));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void bodyOverTwentyMebibytesIsRefused() throws IOException {
        HttpServer server = serve(Map.of(
                "/huge", Route.ok("image/png", new byte[20 * 1024 * 1024 + 1]),
                "/limit", Route.ok("image/png", new byte[20 * 1024 * 1024])));
        try {
            IOException e = assertThrows(IOException.class, () -> Content.imageContent(url(server, "/huge")));
            assertTrue(e.getMessage().contains("20 MiB"), e.getMessage());
            assertEquals(20 * 1024 * 1024, decode(Content.imageContent(url(server, "/limit")).data()).length);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void nonHttpUrlIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> Content.imageContent(URI.create("ftp://example.com/cat.png")));
        assertTrue(e.getMessage().contains("ftp://example.com/cat.png"), e.getMessage());
    }
}
