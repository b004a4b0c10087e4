package dev.fastmcp;

import dev.fastmcp.internal.BoundedFetch;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Factories for the content blocks a tool or prompt returns: text, images, audio, embedded resources
 * and resource links. Every method returns the MCP SDK's own {@link McpSchema} type, ready to put in a
 * {@code CallToolResult} or prompt message.
 *
 * <p>Binary data is base64-encoded for you. Each kind has one name with overloads: {@code imageContent} and
 * {@code audioContent} take the bytes, a file or a URL and work out the MIME type from the data's leading
 * "magic" bytes; pass the MIME type as a second argument only to name it yourself.
 */
public final class Content {

    /** The largest body {@link #imageContent(URI)} and {@link #audioContent(URI)} will download. */
    private static final int MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String DEFAULT_IMAGE = "image/png";
    private static final String DEFAULT_AUDIO = "audio/mpeg";
    private static final Map<String, String> IMAGE_EXTENSIONS = Map.of("png", "image/png", "jpg", "image/jpeg",
            "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp", "bmp", "image/bmp", "svg", "image/svg+xml",
            "ico", "image/x-icon", "tif", "image/tiff", "tiff", "image/tiff");
    private static final Map<String, String> AUDIO_EXTENSIONS = Map.of("wav", "audio/wav", "mp3", "audio/mpeg",
            "ogg", "audio/ogg", "oga", "audio/ogg", "opus", "audio/ogg", "flac", "audio/flac", "m4a", "audio/mp4",
            "aac", "audio/aac");

    private Content() {
    }

    /**
     * A plain text block.
     *
     * @param text the text; not null
     * @return the text content
     */
    public static McpSchema.TextContent text(String text) {
        Objects.requireNonNull(text, "text == null");
        return McpSchema.TextContent.builder(text).build();
    }

    /**
     * An image block with an explicit MIME type.
     *
     * @param data the raw image bytes (they are base64-encoded for you); not null
     * @param mimeType the image's MIME type, e.g. {@code image/png}; not null
     * @return the image content
     */
    public static McpSchema.ImageContent imageContent(byte[] data, String mimeType) {
        Objects.requireNonNull(data, "data == null");
        Objects.requireNonNull(mimeType, "mimeType == null");
        return McpSchema.ImageContent.builder(base64(data), mimeType).build();
    }

    /**
     * An image block whose MIME type is detected from the data: PNG, JPEG, GIF, WebP, BMP or SVG;
     * anything else is labelled {@code image/png}.
     *
     * @param data the raw image bytes; not null
     * @return the image content
     */
    public static McpSchema.ImageContent imageContent(byte[] data) {
        Objects.requireNonNull(data, "data == null");
        return imageContent(data, firstNonNull(sniffImage(data), DEFAULT_IMAGE));
    }

    /**
     * An image block read from a file. The MIME type is detected from the data, then from the file
     * extension, falling back to {@code image/png}.
     *
     * @param file the image file; not null
     * @return the image content
     * @throws IOException if the file cannot be read
     */
    public static McpSchema.ImageContent imageContent(Path file) throws IOException {
        Objects.requireNonNull(file, "file == null");
        byte[] data = Files.readAllBytes(file);
        return imageContent(data, firstNonNull(sniffImage(data), byExtension(file.getFileName(), IMAGE_EXTENSIONS), DEFAULT_IMAGE));
    }

    /**
     * An image block downloaded over HTTP(S), following redirects, within 30 seconds and up to 20 MiB.
     * The MIME type is the response's {@code Content-Type} when that is an {@code image/*} type; otherwise
     * it is detected from the data, then from the URL's extension, falling back to {@code image/png}.
     *
     * <p>The URL is fetched as given: check URLs that come from tool arguments before passing them in.
     *
     * @param url an {@code http} or {@code https} URL; not null
     * @return the image content
     * @throws IOException if the download fails, times out, exceeds 20 MiB or answers with a non-2xx status
     */
    public static McpSchema.ImageContent imageContent(URI url) throws IOException {
        Download download = download(url);
        return imageContent(download.body, firstNonNull(download.typeIf("image/"), sniffImage(download.body),
                byExtension(url.getPath(), IMAGE_EXTENSIONS), DEFAULT_IMAGE));
    }

    /**
     * An audio block with an explicit MIME type.
     *
     * @param data the raw audio bytes (they are base64-encoded for you); not null
     * @param mimeType the audio's MIME type, e.g. {@code audio/wav}; not null
     * @return the audio content
     */
    public static McpSchema.AudioContent audioContent(byte[] data, String mimeType) {
        Objects.requireNonNull(data, "data == null");
        Objects.requireNonNull(mimeType, "mimeType == null");
        return McpSchema.AudioContent.builder(base64(data), mimeType).build();
    }

    /**
     * An audio block whose MIME type is detected from the data: WAV, MP3, AAC (ADTS), Ogg, FLAC or
     * M4A/MP4; anything else is labelled {@code audio/mpeg}.
     *
     * @param data the raw audio bytes; not null
     * @return the audio content
     */
    public static McpSchema.AudioContent audioContent(byte[] data) {
        Objects.requireNonNull(data, "data == null");
        return audioContent(data, firstNonNull(sniffAudio(data), DEFAULT_AUDIO));
    }

    /**
     * An audio block read from a file. The MIME type is detected from the data, then from the file
     * extension, falling back to {@code audio/mpeg}.
     *
     * @param file the audio file; not null
     * @return the audio content
     * @throws IOException if the file cannot be read
     */
    public static McpSchema.AudioContent audioContent(Path file) throws IOException {
        Objects.requireNonNull(file, "file == null");
        byte[] data = Files.readAllBytes(file);
        return audioContent(data, firstNonNull(sniffAudio(data), byExtension(file.getFileName(), AUDIO_EXTENSIONS), DEFAULT_AUDIO));
    }

    /**
     * An audio block downloaded over HTTP(S), following redirects, within 30 seconds and up to 20 MiB.
     * The MIME type is the response's {@code Content-Type} when that is an {@code audio/*} type; otherwise
     * it is detected from the data, then from the URL's extension, falling back to {@code audio/mpeg}.
     *
     * <p>The URL is fetched as given: check URLs that come from tool arguments before passing them in.
     *
     * @param url an {@code http} or {@code https} URL; not null
     * @return the audio content
     * @throws IOException if the download fails, times out, exceeds 20 MiB or answers with a non-2xx status
     */
    public static McpSchema.AudioContent audioContent(URI url) throws IOException {
        Download download = download(url);
        return audioContent(download.body, firstNonNull(download.typeIf("audio/"), sniffAudio(download.body),
                byExtension(url.getPath(), AUDIO_EXTENSIONS), DEFAULT_AUDIO));
    }

    /**
     * A resource embedded as text.
     *
     * @param uri the resource's URI; not null or empty
     * @param mimeType the text's MIME type, e.g. {@code text/markdown}; may be null
     * @param text the resource's text; not null
     * @return the embedded resource
     */
    public static McpSchema.EmbeddedResource resource(String uri, String mimeType, String text) {
        Objects.requireNonNull(uri, "uri == null");
        Objects.requireNonNull(text, "text == null");
        return McpSchema.EmbeddedResource.builder(
                McpSchema.TextResourceContents.builder(uri, text).mimeType(mimeType).build()).build();
    }

    /**
     * A resource embedded as binary data (base64-encoded for you).
     *
     * @param uri the resource's URI; not null or empty
     * @param mimeType the data's MIME type, e.g. {@code application/pdf}; may be null
     * @param data the resource's bytes; not null
     * @return the embedded resource
     */
    public static McpSchema.EmbeddedResource blobResource(String uri, String mimeType, byte[] data) {
        Objects.requireNonNull(uri, "uri == null");
        Objects.requireNonNull(data, "data == null");
        return McpSchema.EmbeddedResource.builder(
                McpSchema.BlobResourceContents.builder(uri, base64(data)).mimeType(mimeType).build()).build();
    }

    /**
     * A link to a resource the client can read later, instead of embedding its contents.
     *
     * @param uri the resource's URI; not null or empty
     * @param name the resource's name; not null or empty
     * @param description what the resource is; may be null
     * @param mimeType the resource's MIME type; may be null
     * @return the resource link
     */
    public static McpSchema.ResourceLink resourceLink(String uri, String name, String description, String mimeType) {
        Objects.requireNonNull(uri, "uri == null");
        Objects.requireNonNull(name, "name == null");
        return McpSchema.ResourceLink.builder().uri(uri).name(name).description(description).mimeType(mimeType).build();
    }

    private static String sniffImage(byte[] d) {
        if (startsWith(d, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (startsWith(d, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(d, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(d, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return "image/gif";
        }
        if (startsWith(d, 0, 'R', 'I', 'F', 'F') && startsWith(d, 8, 'W', 'E', 'B', 'P')) {
            return "image/webp";
        }
        if (startsWith(d, 0, 'B', 'M') && d.length >= 14) {
            return "image/bmp";
        }
        int skip = startsWith(d, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0; // UTF-8 byte order mark
        String head = new String(d, skip, Math.min(d.length - skip, 8192), StandardCharsets.ISO_8859_1).stripLeading();
        return head.startsWith("<svg") || (head.startsWith("<?xml") && head.contains("<svg")) ? "image/svg+xml" : null;
    }

    private static String sniffAudio(byte[] d) {
        if (startsWith(d, 0, 'R', 'I', 'F', 'F') && startsWith(d, 8, 'W', 'A', 'V', 'E')) {
            return "audio/wav";
        }
        if (startsWith(d, 0, 'O', 'g', 'g', 'S')) {
            return "audio/ogg";
        }
        if (startsWith(d, 0, 'f', 'L', 'a', 'C')) {
            return "audio/flac";
        }
        if (startsWith(d, 4, 'f', 't', 'y', 'p')) {
            return "audio/mp4";
        }
        if (startsWith(d, 0, 'I', 'D', '3')) {
            return "audio/mpeg";
        }
        if (d.length >= 2 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xE0) == 0xE0) { // MPEG frame sync
            return (d[1] & 0x06) == 0 ? "audio/aac" : "audio/mpeg"; // layer bits 00 means an ADTS (AAC) header
        }
        return null;
    }

    private static boolean startsWith(byte[] data, int offset, int... magic) {
        if (data.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((data[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String byExtension(Object name, Map<String, String> types) {
        String text = name == null ? "" : name.toString();
        int dot = text.lastIndexOf('.');
        return dot < 0 ? null : types.get(text.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String firstNonNull(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        throw new IllegalStateException("no default MIME type");
    }

    private static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    private static Download download(URI url) throws IOException {
        Objects.requireNonNull(url, "url == null");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url must be an http or https URL: " + url);
        }
        BoundedFetch.Response response;
        try {
            response = Http.FETCH.send(HttpRequest.newBuilder(url).GET().build(), status -> status / 100 == 2);
        } catch (HttpTimeoutException e) {
            throw new HttpTimeoutException("GET " + url + " did not complete within " + TIMEOUT.toSeconds() + " seconds");
        } catch (BoundedFetch.TooLargeException e) {
            throw new IOException("GET " + url + " returned more than " + MAX_DOWNLOAD_BYTES / (1024 * 1024) + " MiB");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + url);
        } catch (IOException e) {
            throw new IOException("GET " + url + " failed: " + Objects.toString(e.getMessage(), e.getClass().getSimpleName()), e);
        }
        if (response.status() / 100 != 2) {
            throw new IOException("GET " + url + " failed with HTTP status " + response.status());
        }
        return new Download(response.body(), response.mediaType());
    }

    private record Download(byte[] body, String mediaType) {
        String typeIf(String prefix) {
            return mediaType.startsWith(prefix) && mediaType.length() > prefix.length() ? mediaType : null;
        }
    }

    /** Holds the shared fetch so its client is only created when a URL is first fetched. */
    private static final class Http {
        static final BoundedFetch FETCH = BoundedFetch.create(TIMEOUT, MAX_DOWNLOAD_BYTES, HttpClient.Redirect.NORMAL);
    }
}
