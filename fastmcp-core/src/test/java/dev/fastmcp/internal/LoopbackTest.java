package dev.fastmcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one loopback rule, host by host: the text decides, never a resolver. */
class LoopbackTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            localhost                       | true
            LocalHost                       | true
            app.localhost                   | true
            a.b-c.localhost                 | true
            localhost.                      | false
            app.localhost.                  | false
            .localhost                      | false
            a..localhost                    | false
            -a.localhost                    | false
            a_b.localhost                   | false
            localhost.example.com           | false
            localhostx                      | false
            xlocalhost                      | false
            127.0.0.1                       | true
            127.0.0.2                       | true
            127.5.6.7                       | true
            127.255.255.255                 | true
            127.0.0.0                       | true
            127.0.0.256                     | false
            127.999.0.1                     | false
            127.0.0.01                      | false
            0127.0.0.1                      | false
            127.1                           | false
            2130706433                      | false
            127.0.0.1.                      | false
            127.0.0.1.example.com           | false
            127.example.com                 | false
            128.0.0.1                       | false
            10.0.0.1                        | false
            0.0.0.0                         | false
            ::1                             | true
            [::1]                           | true
            [0:0:0:0:0:0:0:1]               | true
            0000:0000:0000:0000:0000:0000:0000:0001 | true
            [0::0:1]                        | true
            [::0:0:1]                       | true
            [::ffff:127.0.0.1]              | true
            [::FFFF:127.1.2.3]              | true
            [::ffff:7f00:1]                 | true
            [0:0:0:0:0:ffff:127.0.0.1]      | true
            [::ffff:10.0.0.1]               | false
            [::127.0.0.1]                   | false
            [::]                            | false
            [::2]                           | false
            [1::1]                          | false
            [fe80::1]                       | false
            [::1%lo]                        | false
            [::1%25lo]                      | false
            [:::1]                          | false
            [::1::]                         | false
            [0:0:0:0:0:0:0:0:1]             | false
            [0:0:0:0:0:0:0:1:]              | false
            [::00001]                       | false
            [::ffff:127.0.0.1.]             | false
            [127.0.0.1]                     | false
            [localhost]                     | false
            [::1                            | false
            ::1]                            | false
            ''                              | false
            """)
    void theRuleDecidesFromTheTextAlone(String host, boolean loopback) {
        assertEquals(loopback, Loopback.isLoopbackHost(host), host);
    }

    @Test
    void nullIsNotLoopback() {
        assertFalse(Loopback.isLoopbackHost(null));
        assertFalse(Loopback.isLoopbackAddress(null));
    }

    @Test
    void aBoundAddressFollowsTheSameRule() throws Exception {
        // literals: InetAddress parses them without a lookup
        assertTrue(Loopback.isLoopbackAddress(InetAddress.getByName("127.0.0.1")));
        assertTrue(Loopback.isLoopbackAddress(InetAddress.getByName("127.3.2.1")));
        assertTrue(Loopback.isLoopbackAddress(InetAddress.getByName("::1")));
        assertTrue(Loopback.isLoopbackAddress(InetAddress.getByName("::ffff:127.0.0.9")));
        assertFalse(Loopback.isLoopbackAddress(InetAddress.getByName("0.0.0.0")));
        assertFalse(Loopback.isLoopbackAddress(InetAddress.getByName("::")));
        assertFalse(Loopback.isLoopbackAddress(InetAddress.getByName("192.168.1.1")));
        assertFalse(Loopback.isLoopbackAddress(InetAddress.getByName("::2")));
    }

    /** The dotted-quad rule as plainly as it can be written: four parts, each 0 or 1-3 digits without a leading 0. */
    private static byte[] ipv4Reference(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    @Test
    void ipv4ReadsExactlyTheDottedQuads() {
        String[] samples = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
            "1.2.3.04", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1234.1.1.1", "1.2.3.1000", "a.b.c.d",
            "127.0.0.1:8080", "", "1.2.3.-4", "99.099.9.9", "10.0.0.255", "300.300.300.300", "1.2.3.4.", "0.0.0.00"};
        for (String s : samples) {
            assertEquals(java.util.Arrays.toString(ipv4Reference(s)), java.util.Arrays.toString(Loopback.ipv4(s)), s);
        }
        java.util.Random random = new java.util.Random(20);
        String alphabet = "0123456789..x";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(16); k > 0; k--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = b.toString();
            assertEquals(java.util.Arrays.toString(ipv4Reference(s)), java.util.Arrays.toString(Loopback.ipv4(s)), s);
        }
    }
}
