package dev.fastmcp.server;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes to the components while the server runs, for those listening on MCP 2026-07-28
 * ({@code subscriptions/listen}); the SDK tells the sessions of the older revisions itself.
 */
public final class ChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    /**
     * One change, as the notification that announces it.
     *
     * @param method the notification, such as {@code notifications/tools/list_changed}
     * @param uri    the resource updated, for {@code notifications/resources/updated}; else null
     */
    public record Change(String method, String uri) {
    }

    static final Change TOOLS = new Change("notifications/tools/list_changed", null);
    static final Change PROMPTS = new Change("notifications/prompts/list_changed", null);
    static final Change RESOURCES = new Change("notifications/resources/list_changed", null);

    private final CopyOnWriteArrayList<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    /** Tells {@code listener} of every change from now on, until the returned action is run. */
    public Runnable subscribe(Consumer<Change> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(Change change) {
        for (Consumer<Change> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.debug("A listener of {} failed: {}", change.method(), e.toString());
            }
        }
    }

    void resourceUpdated(String uri) {
        publish(new Change("notifications/resources/updated", uri));
    }
}
