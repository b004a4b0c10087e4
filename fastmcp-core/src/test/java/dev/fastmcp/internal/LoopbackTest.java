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
}
