package dev.fastmcp;

import java.util.List;

/**
 * Suggests values for a prompt or resource-template argument ({@code completion/complete}). At most 100
 * values are sent; the client is told when there were more.
 */
@FunctionalInterface
public interface Completer {

    /** Returns values for the argument, given what the user typed so far ({@code value}, never null). */
    List<String> complete(String value, Context ctx) throws Exception;
}
