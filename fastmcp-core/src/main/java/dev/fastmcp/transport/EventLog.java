package dev.fastmcp.transport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The SSE events a session sent, newest last, bounded, so that a client reconnecting with
 * {@code Last-Event-ID} gets what it missed on that stream. Event ids read {@code <stream>-<seq>}.
 */
final class EventLog {

    record Event(String streamId, long seq, String id, String data) {
    }

    /** The most bytes of event data a session keeps for replay, whatever the event count. */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    private final int capacity;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long seq;
    private long bytes;

    EventLog(int capacity) {
        this.capacity = capacity;
    }

    synchronized Event append(String streamId, String data) {
        long n = ++seq;
        Event event = new Event(streamId, n, streamId + "-" + n, data);
        if (capacity > 0) {
            events.addLast(event);
            bytes += data.length();
            while (events.size() > capacity || (bytes > MAX_BYTES && events.size() > 1)) {
                bytes -= events.removeFirst().data().length();
            }
        }
        return event;
    }

    /** The stream an event id belongs to, or null when the id is not one of ours. */
    static String streamOf(String eventId) {
        int dash = eventId == null ? -1 : eventId.lastIndexOf('-');
        return dash <= 0 ? null : eventId.substring(0, dash);
    }

    /** Events of the same stream sent after {@code eventId}. */
    synchronized List<Event> after(String eventId) {
        String stream = streamOf(eventId);
        long from;
        try {
            from = Long.parseLong(eventId.substring(eventId.lastIndexOf('-') + 1));
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (e.streamId().equals(stream) && e.seq() > from) {
                out.add(e);
            }
        }
        return out;
    }
}
