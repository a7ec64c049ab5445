package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bt interrupts its data workers when a runtime shuts down, often in the middle of a block: a block written
 * or read by an interrupted thread still goes through (a FileChannel would close itself and bt would log an
 * ERROR with a stack trace to the listener), the file stays usable, and the thread keeps its interrupt.
 */
class SegmentStorageTest {

    @Test
    void anInterruptedWorkerStillWritesAndReadsItsBlockAndKeepsItsInterrupt(@TempDir Path dir) throws Exception {
        TransferLedger ledger = new TransferLedger();
        TransferLedger.Transfer transfer = ledger.open(TorrentId.fromBytes(new byte[20]), () -> 0);
        byte[] block = "a block in flight at shutdown".getBytes(StandardCharsets.US_ASCII);
        try (SegmentStorage storage = new SegmentStorage(dir.resolve("seg.ts"), 1024, true, transfer)) {
            Thread.currentThread().interrupt();
            int written = storage.writeBlock(ByteBuffer.wrap(block), 100);
            assertTrue(Thread.interrupted(), "the interrupt is kept (and cleared here)");
            assertEquals(block.length, written);
            assertEquals(block.length, transfer.downloaded());

            Thread.currentThread().interrupt();
            ByteBuffer back = ByteBuffer.allocate(block.length);
            storage.readBlock(back, 100);
            assertTrue(Thread.interrupted());
            assertArrayEquals(block, back.array());

            Thread.currentThread().interrupt(); // bt's start-up verification asks for the size, too
            assertEquals(100 + block.length, storage.size());
            assertTrue(Thread.interrupted());
            assertTrue(storage.isOpen());
        } finally {
            Thread.interrupted();
        }
    }
}
