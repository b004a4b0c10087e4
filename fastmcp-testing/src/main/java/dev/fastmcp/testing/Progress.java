package dev.fastmcp.testing;

/**
 * One progress notification a call received ({@code notifications/progress}).
 *
 * @param progress how far, as the tool said ({@code ctx.reportProgress})
 * @param total    out of how much; null when unknown
 * @param message  what the tool is doing; null when none
 */
public record Progress(double progress, Double total, String message) {
}
