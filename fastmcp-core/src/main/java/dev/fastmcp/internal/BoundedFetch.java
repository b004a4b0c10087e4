package dev.fastmcp.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;

/**
 * The one way FastMCP fetches over HTTP: one exchange with a deadline for the whole of it (connecting, the
 * headers and every byte of the body, so a server trickling its answer cannot hold the caller past it), and a
 * cap on the body, which stops reading as soon as the body grows past it. Callers phrase the failures for their
 * own protocol; this class only says which one it was.
 *
 * <pre>{@code
 * BoundedFetch fetch = BoundedFetch.create(Duration.ofSeconds(5), 1024 * 1024, HttpClient.Redirect.NEVER);
 * BoundedFetch.Response r = fetch.send(HttpRequest.newBuilder(uri).GET().build(), status -> status == 200);
 * }</pre>
 */
public final class BoundedFetch {

    /**
     * An answer.
     *
     * @param status  the HTTP status
     * @param headers the response headers
     * @param body    the body, complete and within the cap; empty for a status whose body was not wanted
     */
    public record Response(int status, HttpHeaders headers, byte[] body) {

        /** The media type of the body, lower case and without parameters; empty when none was sent. */
        public String mediaType() {
            String type = headers.firstValue("content-type").orElse("");
            return type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        }
    }

    /** The body grew past the cap; the rest was not read. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        TooLargeException(long limit) {
            super("the response is larger than " + limit + " bytes");
            this.limit = limit;
        }

        /** The cap, in bytes. */
        public long limit() {
            return limit;
        }
    }

    private final HttpClient client;
    private final Duration deadline;
    private final long maxBytes;

    /**
     * A fetch through {@code client}.
     *
     * @param deadline for the whole exchange, from the call to the last byte of the body
     * @param maxBytes the largest body read
     */
    public BoundedFetch(HttpClient client, Duration deadline, long maxBytes) {
        this.client = Objects.requireNonNull(client, "client == null");
        this.deadline = Objects.requireNonNull(deadline, "deadline == null");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** A fetch through a client of its own, which connects within the deadline and follows {@code redirects}. */
    public static BoundedFetch create(Duration deadline, long maxBytes, HttpClient.Redirect redirects) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(deadline).followRedirects(redirects).build();
        return new BoundedFetch(client, deadline, maxBytes);
    }

    /** The deadline of one exchange. */
    public Duration deadline() {
        return deadline;
    }

    /**
     * Sends {@code request} and reads the answer within the deadline and the cap.
     *
     * @param bodyWanted the statuses whose body is read; the body of any other is discarded unread
     * @throws HttpTimeoutException when the exchange did not complete within the deadline (connecting included)
     * @throws TooLargeException    when a wanted body is larger than the cap
     * @throws IOException          when the exchange failed otherwise, as the HTTP client reported it
     * @throws InterruptedException when the calling thread was interrupted; the exchange is abandoned
     */
    public Response send(HttpRequest request, IntPredicate bodyWanted) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(request, info ->
                bodyWanted.test(info.statusCode()) ? new CappedBody(maxBytes)
                        : HttpResponse.BodySubscribers.replacing(new byte[0]));
        HttpResponse<byte[]> response;
        try {
            response = pending.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no complete response within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof IOException io ? io : new IOException(describe(cause), cause);
        }
        return new Response(response.statusCode(), response.headers(), response.body());
    }

    /** An exception as a short phrase: its type and the first message found along its causes. */
    public static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return e.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e instanceof java.net.ConnectException ? "ConnectException: cannot connect to the server"
                : e.getClass().getSimpleName();
    }

    /** Collects the body, failing as soon as it grows past the cap. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final long limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        CappedBody(long limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if ((long) buffer.size() + item.remaining() > limit) {
                    result.completeExceptionally(new TooLargeException(limit));
                    subscription.cancel();
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
