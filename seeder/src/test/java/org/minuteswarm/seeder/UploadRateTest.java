package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UploadRateTest {
    @ParameterizedTest
    @CsvSource({"2mbit,250000", "500kbit,62500", "1.5mbit,187500", "500k,500000", "2m,2000000", "250000,250000",
            "0,0", "unlimited,0", "8Mbit,1000000", "100kB,100000", "1mbit/s,125000", "3mbps,3000000"})
    void parses(String text, long bytesPerSecond) {
        assertEquals(bytesPerSecond, UploadRate.parseBytesPerSecond(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fast", "-1m", "2 mbits", "1e6", "10", "5kbit"})
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> UploadRate.parseBytesPerSecond(text));
    }
}
