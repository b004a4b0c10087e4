package dev.fastmcp.auth.storage;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import dev.fastmcp.auth.storage.DiskEntryFormat.Read;
import dev.fastmcp.auth.storage.DiskEntryFormat.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenStorage} in a local directory, one file per entry: OAuth state survives a restart, and several
 * server processes on one host can share the directory. For several hosts use a network storage (Redis).
 *
 * <p>Layout and guarantees:
 * <ul>
 *   <li>An entry's file is named by the base64url SHA-256 of its key plus the extension ({@code .json} by default),
 *       so names never collide and never reveal the key in a directory listing. The owner-only file holds the key,
 *       the expiry (epoch milliseconds) and the value as JSON. Wrap the store in {@link EncryptedTokenStorage} to
 *       encrypt values.</li>
 *   <li>The directory is created owner-only ({@code rwx------}) and files {@code rw-------} where the file system
 *       supports POSIX permissions; an existing directory open to other users is reported at WARN.</li>
 *   <li>Every write goes to a temporary file in the directory, is flushed to disk, then atomically renamed over the
 *       entry's file: a reader sees the old or the new entry, never part of one. Writes take a short lock on a
 *       {@code .lock} file of the directory (shared by threads and processes), which makes
 *       {@link #saveIfAbsent} and {@link #replace} atomic, including the former's replacement of an expired
 *       entry.</li>
 *   <li>{@link #take} and {@link #delete} rename the entry's file to a unique claim name first, under the same
 *       lock: of concurrent callers in any process, only one rename succeeds, so only one caller gets the value,
 *       and no {@link #replace} writes back an entry taken or deleted meanwhile.</li>
 *   <li>An unreadable entry file (damaged, or not in this format) is reported at WARN without its content, read as
 *       absent and left in place for inspection; a write to its key replaces it and {@link #delete} removes it. Temporary and claim files left by
 *       a crashed process are ignored by reads and removed by {@link #cleanup()} once older than 15 minutes.</li>
 * </ul>
 */
public final class DiskStore implements TokenStorage {

    /** The default period of the expired-entry sweep: one minute. */
    public static final long DEFAULT_CLEANUP_INTERVAL_MS = 60_000;
    /** The default extension of entry files. */
    public static final String DEFAULT_FILE_EXTENSION = ".json";

    static final Duration ORPHAN_AGE = Duration.ofMinutes(15);

    private static final Logger LOG = LoggerFactory.getLogger(DiskStore.class);
    private static final Pattern EXTENSION = Pattern.compile("|\\.[A-Za-z0-9_-]{1,15}");
    private final DiskDirectory files;
    private final Path directory;
    private final String extension;
    private final Clock clock;
    private final StorageSweeper sweeper;
    private volatile boolean closed;

    /**
     * A store in {@code directory} (created if missing), swept every minute, with {@code .json} files.
     *
     * @throws UncheckedIOException if the directory cannot be created or opened
     */
    public DiskStore(Path directory) {
        this(directory, DEFAULT_CLEANUP_INTERVAL_MS, DEFAULT_FILE_EXTENSION);
    }

    /**
     * A store in {@code directory} (created if missing).
     *
     * @param cleanupIntervalMs the period of the expired-entry sweep; 0 turns it off
     * @param fileExtension     the extension of entry files: empty, or a dot and 1 to 15 letters, digits,
     *                          {@code _} or {@code -}, like {@code ".json"}
     * @throws IllegalArgumentException if the interval is negative or the extension malformed
     * @throws UncheckedIOException     if the directory cannot be created or opened
     */
    public DiskStore(Path directory, long cleanupIntervalMs, String fileExtension) {
        this(directory, cleanupIntervalMs, fileExtension, Clock.systemUTC());
    }

    DiskStore(Path directory, long cleanupIntervalMs, String fileExtension, Clock clock) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fileExtension, "fileExtension");
        if (!EXTENSION.matcher(fileExtension).matches()) {
            throw new IllegalArgumentException("fileExtension must be empty or a dot followed by 1 to 15 letters, "
                    + "digits, '_' or '-', like \".json\"; got \"" + fileExtension + "\"");
        }
        this.extension = fileExtension;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.files = new DiskDirectory(directory);
        this.directory = files.path();
        this.sweeper = new StorageSweeper("disk-store", cleanupIntervalMs, this::cleanup);
    }

    @Override
    public void save(String key, Object value, long ttlSeconds) {
        byte[] data = encode(key, value, ttlSeconds);
        Path file = fileFor(key);
        Path temp = files.writeTemp(data);
        try {
            files.locked(() -> Files.move(temp, file, ATOMIC_MOVE));
        } catch (IOException e) {
            throw files.failure("save an entry", e);
        } finally {
            files.deleteQuietly(temp); // already gone after a successful move
        }
    }

    @Override
    public boolean saveIfAbsent(String key, Object value, long ttlSeconds) {
        byte[] data = encode(key, value, ttlSeconds);
        Path file = fileFor(key);
        Path temp = files.writeTemp(data);
        try {
            // Under the lock no other write can land between the check and the rename; take and delete may
            // remove the entry meanwhile, which only makes it more absent.
            return files.locked(() -> {
                if (readEntry(file, key).state() == State.LIVE) {
                    return false;
                }
                Files.move(temp, file, ATOMIC_MOVE);
                return true;
            });
        } catch (IOException e) {
            throw files.failure("save an entry", e);
        } finally {
            files.deleteQuietly(temp);
        }
    }

    @Override
    public boolean replace(String key, Object expected, Object value, long ttlSeconds) {
        StorageValues.checkReplace(key, expected, value, ttlSeconds);
        byte[] data = encode(key, value, ttlSeconds);
        Path file = fileFor(key);
        Path temp = files.writeTemp(data);
        try {
            // Under the lock no other write, take or delete can land between the comparison and the rename.
            return files.locked(() -> {
                Read read = readEntry(file, key);
                if (read.state() != State.LIVE || !StorageValues.sameJson(read.value(), expected)) {
                    return false;
                }
                Files.move(temp, file, ATOMIC_MOVE);
                return true;
            });
        } catch (IOException e) {
            throw files.failure("replace an entry", e);
        } finally {
            files.deleteQuietly(temp);
        }
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        StorageValues.checkKey(key);
        Objects.requireNonNull(type, "type");
        checkOpen();
        Read read = readEntry(fileFor(key), key);
        return read.state() == State.LIVE ? StorageValues.fromTree(read.value(), type) : null;
    }

    @Override
    public boolean delete(String key) {
        StorageValues.checkKey(key);
        checkOpen();
        Path claim = claim(fileFor(key));
        if (claim == null) {
            return false;
        }
        try {
            return read(claim, key, clock.millis()).state() == State.LIVE;
        } finally {
            files.deleteQuietly(claim);
        }
    }

    @Override
    public <T> T take(String key, Class<T> type) {
        StorageValues.checkKey(key);
        Objects.requireNonNull(type, "type");
        checkOpen();
        Path file = fileFor(key);
        Path claim = claim(file);
        if (claim == null) {
            return null;
        }
        try {
            Read read = readEntry(claim, key, file);
            if (read.state() == State.UNREADABLE) {
                files.restore(claim, file);
            }
            return read.state() == State.LIVE ? StorageValues.fromTree(read.value(), type) : null;
        } finally {
            files.deleteQuietly(claim);
        }
    }

    /** True: instances may share the directory (its atomic steps hold across processes). */
    @Override
    public boolean sharedAcrossInstances() {
        return true;
    }

    @Override
    public int cleanup() {
        checkOpen();
        long now = clock.millis();
        int removed = 0;
        for (Path file : files.list()) {
            String name = file.getFileName().toString();
            try {
                if (isEntryName(name)) {
                    if (read(file, null, now).state() == State.EXPIRED && removeIfExpired(file)) {
                        removed++;
                    }
                } else if (DiskDirectory.isLeftover(name)
                        && now - Files.getLastModifiedTime(file).toMillis() > ORPHAN_AGE.toMillis()) {
                    Files.deleteIfExists(file); // left by a writer or taker that crashed
                }
            } catch (NoSuchFileException gone) {
                // taken, deleted or renamed meanwhile
            } catch (IOException e) {
                LOG.debug("DiskStore cleanup skipped {}: {}", name, e.toString());
            }
        }
        return removed;
    }

    @Override
    public int size() {
        checkOpen();
        long now = clock.millis();
        int live = 0;
        for (Path file : files.list()) {
            if (isEntryName(file.getFileName().toString()) && read(file, null, now).state() == State.LIVE) {
                live++;
            }
        }
        return live;
    }

    /** Stops the sweep. The entries stay on disk for the next instance. Idempotent. */
    @Override
    public void close() {
        closed = true;
        sweeper.close();
    }

    @Override
    public String toString() {
        return "DiskStore[" + directory + (closed ? ", closed]" : "]");
    }

    private byte[] encode(String key, Object value, long ttlSeconds) {
        StorageValues.checkWrite(key, value, ttlSeconds);
        checkOpen();
        return DiskEntryFormat.encode(key, StorageValues.expiresAt(clock.millis(), ttlSeconds), value);
    }

    /** Reads an entry file, reporting an unreadable one at WARN. */
    private Read readEntry(Path file, String key) {
        return readEntry(file, key, file);
    }

    /** Reads {@code path} (the entry file or its claim), reporting an unreadable one at WARN as {@code entryFile}. */
    private Read readEntry(Path path, String key, Path entryFile) {
        Read read = read(path, key, clock.millis());
        if (read.state() == State.UNREADABLE) {
            LOG.warn("DiskStore ignores entry file {} in {}: {}. It is read as absent and left in place; "
                    + "the next save of its key replaces it", entryFile.getFileName(), directory, read.problem());
        }
        return read;
    }

    /** Reads an entry file; {@code key} null accepts any key. Never throws. */
    private Read read(Path file, String key, long now) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Read.MISSING;
        } catch (IOException e) {
            return Read.unreadable("it cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return DiskEntryFormat.parse(bytes, key, now);
    }

    /**
     * Claims an entry file under the write lock: a {@link #replace} compares and renames under the same lock, so a
     * take or delete can never fall between the two (and have its entry written back).
     */
    private Path claim(Path file) {
        try {
            return files.locked(() -> files.claim(file));
        } catch (IOException e) {
            throw files.failure("claim an entry", e);
        }
    }

    private boolean removeIfExpired(Path file) throws IOException {
        return files.locked(() -> read(file, null, clock.millis()).state() == State.EXPIRED
                && Files.deleteIfExists(file));
    }

    private Path fileFor(String key) {
        return directory.resolve(DiskEntryFormat.fileName(key, extension));
    }

    private boolean isEntryName(String name) {
        return DiskEntryFormat.isEntryName(name, extension);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This DiskStore is closed; create a new one on the same directory");
        }
    }
}
