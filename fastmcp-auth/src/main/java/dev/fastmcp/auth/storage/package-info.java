/**
 * The {@link TokenStorage} SPI, where the OAuth proxy keeps its state, and its implementations:
 * {@link MemoryTokenStorage}, {@link DiskStore}, and {@link EncryptedTokenStorage} over either.
 */
package dev.fastmcp.auth.storage;
