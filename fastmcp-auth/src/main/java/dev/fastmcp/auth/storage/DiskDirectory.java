package dev.fastmcp.auth.storage;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;

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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file operations {@link DiskStore} is built from, on its owner-only directory: durable temporary files, atomic
 * claims by rename, and the write lock shared by the threads and processes that use the directory.
 */
final class DiskDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DiskStore.class);
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String CLAIM_PREFIX = ".claim-";
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");
    // FileChannel locks belong to the process, so threads (and stores) of one JVM also queue on this lock.
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    private final Path directory;
    private final boolean posix;
    private final Path lockFile;
    private final ReentrantLock jvmLock;

    /** Opens {@code directory}, creating it owner-only if missing; warns when an existing one is open to others. */
    DiskDirectory(Path directory) {
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
    }

    /** The directory's real path. */
    Path path() {
        return directory;
    }

    /** Whether {@code name} is a temporary or claim file, which a crashed writer or taker may leave behind. */
    static boolean isLeftover(String name) {
        return name.startsWith(TEMP_PREFIX) || name.startsWith(CLAIM_PREFIX);
    }

    /** Writes {@code data} to a new owner-only temporary file, flushed to disk. */
    Path writeTemp(byte[] data) {
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

    /** Renames {@code file} to a unique claim name; null if it does not exist (or another caller claimed it). */
    Path claim(Path file) {
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
    void restore(Path claim, Path file) {
        try {
            Files.createLink(file, claim);
        } catch (FileAlreadyExistsException newer) {
            // a newer entry replaced it; the unreadable one is superseded
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("DiskStore could not put back unreadable entry file {}: {}", file.getFileName(), e.toString());
        }
    }

    /** Runs {@code action} under the directory's write lock, held against this JVM's threads and other processes. */
    <T> T locked(IoAction<T> action) throws IOException {
        jvmLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile,
                EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly());
             FileLock ignored = channel.lock()) {
            return action.run();
        } finally {
            jvmLock.unlock();
        }
    }

    /** The directory's files. */
    List<Path> list() {
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

    void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("DiskStore could not delete {}: {}", file.getFileName(), e.toString());
        }
    }

    UncheckedIOException failure(String what, IOException e) {
        return new UncheckedIOException("DiskStore could not " + what + " in " + directory + ": " + e
                + ". Check that the directory exists, is writable and its disk is not full", e);
    }

    private FileAttribute<?>[] ownerOnly() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
                : new FileAttribute<?>[0];
    }
}
