package dev.fastmcp.auth.storage;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

import dev.fastmcp.auth.storage.DiskEntryFormat.Read;
import dev.fastmcp.auth.storage.DiskEntryFormat.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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
 *       {@link #saveIfAbsent} atomic, including its replacement of an expired entry.</li>
 *   <li>{@link #take} and {@link #delete} rename the entry's file to a unique claim name first: of concurrent
 *       callers in any process, only one rename succeeds, so only one caller gets the value.</li>
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
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String CLAIM_PREFIX = ".claim-";
    private static final Pattern EXTENSION = Pattern.compile("|\\.[A-Za-z0-9_-]{1,15}");
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");
    // FileChannel locks belong to the process, so threads (and stores) of one JVM also queue on this lock.
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    private final Path directory;
    private final String extension;
    private final Clock clock;
    private final boolean posix;
    private final Path lockFile;
    private final ReentrantLock jvmLock;
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
        this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, posix
                        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RWX)}
                        : new FileAttribute<?>[0]);
            } else if (posix) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(directory);
                if (!OWNER_RWX.containsAll(perms)) {
                    LOG.warn("DiskStore directory {} is open to other users ({}); it holds OAuth state. "
                            + "Restrict it to its owner (chmod 700)", directory, PosixFilePermissions.toString(perms));
                }
            }
            this.directory = directory.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("DiskStore cannot create or open its directory " + directory + " ("
                    + e + "); check the path and the permissions of its parent", e);
        }
        this.lockFile = this.directory.resolve(".lock");
        this.jvmLock = JVM_LOCKS.computeIfAbsent(this.directory, d -> new ReentrantLock());
        this.sweeper = new StorageSweeper("disk-store", cleanupIntervalMs, this::cleanup);
    }

    @Override
    public void save(String key, Object value, long ttlSeconds) {
        byte[] data = encode(key, value, ttlSeconds);
        Path file = fileFor(key);
        Path temp = writeTemp(data);
        try {
            locked(() -> Files.move(temp, file, ATOMIC_MOVE));
        } catch (IOException e) {
            throw failure("save an entry", e);
        } finally {
            deleteQuietly(temp); // already gone after a successful move
        }
    }

    @Override
    public boolean saveIfAbsent(String key, Object value, long ttlSeconds) {
        byte[] data = encode(key, value, ttlSeconds);
        Path file = fileFor(key);
        Path temp = writeTemp(data);
        try {
            // Under the lock no other write can land between the check and the rename; take and delete may
            // remove the entry meanwhile, which only makes it more absent.
            return locked(() -> {
                if (readEntry(file, key).state() == State.LIVE) {
                    return false;
                }
                Files.move(temp, file, ATOMIC_MOVE);
                return true;
            });
        } catch (IOException e) {
            throw failure("save an entry", e);
        } finally {
            deleteQuietly(temp);
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
            deleteQuietly(claim);
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
                restore(claim, file);
            }
            return read.state() == State.LIVE ? StorageValues.fromTree(read.value(), type) : null;
        } finally {
            deleteQuietly(claim);
        }
    }

    @Override
    public int cleanup() {
        checkOpen();
        long now = clock.millis();
        int removed = 0;
        for (Path file : list()) {
            String name = file.getFileName().toString();
            try {
                if (isEntryName(name)) {
                    if (read(file, null, now).state() == State.EXPIRED && removeIfExpired(file)) {
                        removed++;
                    }
                } else if ((name.startsWith(TEMP_PREFIX) || name.startsWith(CLAIM_PREFIX))
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
        for (Path file : list()) {
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

    /** Renames {@code file} to a unique claim name; null if it does not exist (or another caller claimed it). */
    private Path claim(Path file) {
        Path claim = directory.resolve(CLAIM_PREFIX + UUID.randomUUID());
        try {
            Files.move(file, claim, ATOMIC_MOVE);
            return claim;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failure("claim an entry", e);
        }
    }

    /** Puts a claimed unreadable file back, unless its key has been written meanwhile. */
    private void restore(Path claim, Path file) {
        try {
            Files.createLink(file, claim);
        } catch (FileAlreadyExistsException newer) {
            // a newer entry replaced it; the unreadable one is superseded
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("DiskStore could not put back unreadable entry file {}: {}", file.getFileName(), e.toString());
        }
    }

    private boolean removeIfExpired(Path file) throws IOException {
        return locked(() -> read(file, null, clock.millis()).state() == State.EXPIRED && Files.deleteIfExists(file));
    }

    private Path writeTemp(byte[] data) {
        Path temp = directory.resolve(TEMP_PREFIX + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(temp,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly())) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true); // the rename must never publish a file whose content is not on disk yet
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write a temporary file", e);
        }
    }

    private <T> T locked(IoAction<T> action) throws IOException {
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile,
                EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly());
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            jvmLock.unlock();
        }
    }

    private List<Path> list() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw failure("list the directory", e);
        } catch (DirectoryIteratorException e) {
            throw failure("list the directory", e.getCause());
        }
        return files;
    }

    private FileAttribute<?>[] ownerOnly() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)} : new FileAttribute<?>[0];
    }

    private Path fileFor(String key) {
        return directory.resolve(DiskEntryFormat.fileName(key, extension));
    }

    private boolean isEntryName(String name) {
        return DiskEntryFormat.isEntryName(name, extension);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("DiskStore could not delete {}: {}", file.getFileName(), e.toString());
        }
    }

    private UncheckedIOException failure(String what, IOException e) {
        return new UncheckedIOException("DiskStore could not " + what + " in " + directory + ": " + e
                + ". Check that the directory exists, is writable and its disk is not full", e);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This DiskStore is closed; create a new one on the same directory");
        }
    }
}
