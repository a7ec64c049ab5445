package org.minuteswarm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's /status as JsonWriter writes it, and malformed input. */
class JsonTest {
    @Test
    void readsAnAgentStatus() {
        Map<String, Object> m = Json.object("{\"channel\":\"live\",\"segmentsPlayed\":12,\"bufferedSeconds\":3.5,"
                + "\"liveEdge\":-1,\"ok\":true,\"none\":null,\"segments\":[{\"seq\":4,\"completedAtMillis\":1795635246719},"
                + "{\"seq\":5,\"completedAtMillis\":-1}],\"esc\":\"a\\\"b\\u0041\"}");
        assertEquals("live", m.get("channel"));
        assertEquals(12L, Json.number(m, "segmentsPlayed", 0));
        assertEquals(3.5, m.get("bufferedSeconds"));
        assertEquals(-1L, m.get("liveEdge"));
        assertEquals(true, m.get("ok"));
        assertEquals(null, m.get("none"));
        assertEquals(List.of(Map.of("seq", 4L, "completedAtMillis", 1795635246719L),
                Map.of("seq", 5L, "completedAtMillis", -1L)), m.get("segments"));
        assertEquals("a\"bA", m.get("esc"));
        assertEquals(7, Json.number(m, "absent", 7));
    }

    @Test
    void rejectsMalformedJson() {
        for (String bad : List.of("", "{", "{\"a\":}", "[1,2", "{\"a\":1} x", "\"open", "{\"a\" 1}", "tru")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }
}
