/**
 * Not API: the few policies that FastMCP's own modules share (the loopback rule, the bounded HTTP fetch, the
 * strength of a secret that keys are derived from). They are public only so that the auth module, the development
 * identity provider and the presets can use the one owner instead of a copy; they may change in any release without
 * notice. Applications should not use them.
 */
package dev.fastmcp.internal;
