package dev.fastmcp;

/** The code of a custom HTTP route, run on a worker thread (blocking is fine). */
@FunctionalInterface
public interface RouteHandler {

    /** Answers the request. An exception gives a 500 with a generic JSON body (and a server-side log line). */
    ServerResponse handle(ServerRequest request) throws Exception;
}
