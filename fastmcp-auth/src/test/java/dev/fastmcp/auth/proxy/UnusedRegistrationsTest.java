package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnusedRegistrationsTest {

    private static final long LATER = Long.MAX_VALUE;

    @Test
    void theLeastRecentlySeenRegistrationIsEvictedFirst() {
        UnusedRegistrations unused = new UnusedRegistrations(3);
        assertEquals(List.of(), unused.add("a", LATER, 0));
        assertEquals(List.of(), unused.add("b", LATER, 0));
        assertEquals(List.of(), unused.add("c", LATER, 0));
        unused.touch("a");
        assertEquals(List.of("b"), unused.add("d", LATER, 0));
        assertEquals(List.of("c"), unused.add("e", LATER, 0));
        assertEquals(List.of("a"), unused.add("f", LATER, 0));
        assertEquals(3, unused.size());
    }

    @Test
    void aRemovedRegistrationLeavesRoomAndIsNeverEvicted() {
        UnusedRegistrations unused = new UnusedRegistrations(2);
        unused.add("used", LATER, 0);
        unused.add("b", LATER, 0);
        unused.remove("used");
        unused.touch("used"); // a lookup of a removed id does not bring it back
        assertEquals(List.of(), unused.add("c", LATER, 0));
        assertEquals(List.of("b"), unused.add("d", LATER, 0));
    }

    @Test
    void expiredRegistrationsAreDroppedWithoutBeingEvicted() {
        UnusedRegistrations unused = new UnusedRegistrations(2);
        unused.add("old", 1_000, 0);
        unused.add("older-but-seen", 1_000, 0);
        assertEquals(List.of(), unused.add("new", 10_000, 2_000), "expired entries make room, nothing to delete");
        assertEquals(1, unused.size());
    }

    @Test
    void theBoundMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new UnusedRegistrations(0));
    }
}
