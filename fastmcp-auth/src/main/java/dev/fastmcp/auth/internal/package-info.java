/**
 * Not API: the helpers the auth packages share (HKDF, claim reading, HTML escaping, the immutable stored value).
 * They are public only so that those packages can reach them, and may change in any release without notice.
 */
package dev.fastmcp.auth.internal;
