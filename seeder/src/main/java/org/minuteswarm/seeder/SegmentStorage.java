package org.minuteswarm.seeder;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.net.buffer.ByteBufferView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A single-file torrent's data at a path the caller chose (bt's FileSystemStorage insists on
 * {@code root/name}). It counts block writes as downloaded bytes and can be closed by us, so a stopped
 * swarm releases its file even when bt does not (stop() of an incomplete torrent, see BT-NOTES).
 */
final class SegmentStorage implements Storage, StorageUnit {
    private final Path file;
    private final long capacity;
    private final TransferLedger.Transfer transfer;
    private final FileChannel channel;

    /** Opens {@code file} read-only when seeding, read-write (created if absent) when downloading. */
    SegmentStorage(Path file, long capacity, boolean writable, TransferLedger.Transfer transfer) throws IOException {
        this.file = file;
        this.capacity = capacity;
        this.transfer = transfer;
        if (writable) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
        } else {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    @Override
    public StorageUnit getUnit(Torrent torrent, TorrentFile torrentFile) {
        return this;
    }

    @Override
    public void flush() {
        // Nothing to do: segments are short-lived and readable through the page cache at once.
    }

    @Override
    public int readBlock(ByteBuffer buffer, long offset) {
        checkRange(offset, buffer.remaining());
        return (int) uninterrupted(() -> channel.read(buffer, offset), "read", offset);
    }

    @Override
    public int writeBlock(ByteBuffer buffer, long offset) {
        checkRange(offset, buffer.remaining());
        return counted((int) uninterrupted(() -> channel.write(buffer, offset), "write", offset));
    }

    @Override
    public int writeBlock(ByteBufferView buffer, long offset) {
        checkRange(offset, buffer.remaining());
        return counted((int) uninterrupted(() -> buffer.transferTo(channel, offset), "write", offset));
    }

    private interface Io {
        long run() throws IOException;
    }

    /**
     * Runs one read, write or size query with the thread's interrupt flag cleared, then restores it. bt interrupts its data
     * workers when a runtime shuts down; a {@link FileChannel} call on an interrupted thread closes the channel
     * and fails, and bt then logs an ERROR with a stack trace for every block in flight (seen on listeners
     * stopped mid-download). A block whose worker was interrupted before the call (nearly always: a call takes
     * microseconds) goes through instead, and the worker still sees its interrupt afterwards.
     */
    private long uninterrupted(Io io, String what, long offset) {
        boolean interrupted = Thread.interrupted();
        try {
            return io.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + what + " " + file + " at " + offset, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int counted(int written) {
        if (written > 0) {
            transfer.countDownloaded(written);
        }
        return written;
    }

    private void checkRange(long offset, int length) {
        if (offset < 0 || offset > capacity - length) {
            throw new IllegalArgumentException("block [" + offset + ", +" + length + ") outside " + file
                    + " of " + capacity + " bytes");
        }
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public long size() {
        return uninterrupted(channel::size, "size", 0);
    }

    /** Idempotent; bt calls it when the torrent unregisters, we call it on stop. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    boolean isOpen() {
        return channel.isOpen();
    }
}
