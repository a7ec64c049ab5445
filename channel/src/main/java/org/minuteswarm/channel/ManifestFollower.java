package org.minuteswarm.channel;

/**
 * A listener's view of one channel over time: accepts a newly fetched manifest only if it
 * verifies and does not go backwards. A replayed older manifest (lower live edge, or the same
 * live edge issued no later) is rejected, so a hostile mirror cannot rewind a listener.
 */
public final class ManifestFollower {
    private final ChannelUrl channel;
    private SignedManifest current;

    public ManifestFollower(ChannelUrl channel) {
        this.channel = channel;
    }

    /**
     * Verifies {@code wire} and makes it current.
     *
     * @return true if it is newer than the current manifest, false if it is the same document
     * @throws ManifestException if it does not verify or goes backwards; the current one stays
     */
    public synchronized boolean accept(byte[] wire) throws ManifestException {
        SignedManifest next = SignedManifest.verify(wire, channel);
        if (current != null) {
            ChannelManifest was = current.manifest();
            ChannelManifest now = next.manifest();
            if (next.equals(current)) {
                return false;
            }
            if (now.latestSequence() < was.latestSequence()) {
                throw new ManifestException("manifest goes backwards: live edge " + now.latestSequence()
                        + " after " + was.latestSequence());
            }
            if (now.latestSequence() == was.latestSequence() && !now.issuedAt().isAfter(was.issuedAt())) {
                throw new ManifestException("manifest is stale: issued " + now.issuedAt()
                        + ", not after the current " + was.issuedAt());
            }
        }
        current = next;
        return true;
    }

    public synchronized SignedManifest current() {
        return current;
    }

    public ChannelUrl channel() {
        return channel;
    }
}
