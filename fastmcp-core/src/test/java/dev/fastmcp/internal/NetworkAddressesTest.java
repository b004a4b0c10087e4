package dev.fastmcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule for internal addresses, over every form a stranger's host name could resolve to. */
class NetworkAddressesTest {

    /** From literal text only: InetAddress.getByAddress never asks DNS. */
    private static InetAddress address(String literal) throws UnknownHostException {
        byte[] bytes = literal.indexOf(':') >= 0 ? Loopback.ipv6(literal) : Loopback.ipv4(literal);
        assertNotNull(bytes, literal);
        return InetAddress.getByAddress(bytes);
    }

    /** A raw 16-byte address, never turned into an Inet4Address as the JDK does for the mapped form. */
    private static String judge16(String literal) {
        byte[] bytes = Loopback.ipv6(literal);
        assertNotNull(bytes, literal);
        return NetworkAddresses.whyInternal(bytes);
    }

    @Test
    void everySpecialPurposeIpv4RangeIsInternal() throws Exception {
        for (String a : List.of("0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254",
                "127.0.0.1", "127.255.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8",
                "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
                "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255")) {
            assertNotNull(NetworkAddresses.whyInternal(address(a)), a + " must be internal");
        }
        assertEquals("a link-local address (169.254.0.0/16, where clouds serve instance metadata)",
                NetworkAddresses.whyInternal(address("169.254.169.254")));
        assertEquals("the broadcast address", NetworkAddresses.whyInternal(address("255.255.255.255")));
    }

    @Test
    void publicIpv4AddressesAreNotInternal() throws Exception {
        for (String a : List.of("1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.0",
                "172.15.255.255", "172.32.0.0", "192.169.0.1", "198.20.0.1", "223.255.255.255")) {
            assertNull(NetworkAddresses.whyInternal(address(a)), a + " is public");
        }
    }

    @Test
    void ipv6LoopbackUniqueLocalLinkLocalAndMulticastAreInternal() throws Exception {
        for (String a : List.of("::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1",
                "ff02::1", "100::1", "64:ff9b:1::a00:1", "2001:db8::1", "3fff::1", "2001:2::1", "5f00::1")) {
            assertNotNull(NetworkAddresses.whyInternal(address(a)), a + " must be internal");
        }
        assertEquals("a unique local address (fc00::/7)", NetworkAddresses.whyInternal(address("fd00::1")));
        assertEquals("a link-local address (fe80::/10)", NetworkAddresses.whyInternal(address("fe80::1")));
    }

    @Test
    void teredoAddressesAreInternalWhateverTheyCarry() throws Exception {
        // server 65.54.227.120, client 192.0.2.45 obfuscated: the documented example of RFC 4380
        assertEquals("a Teredo tunnel address (2001::/32)",
                NetworkAddresses.whyInternal(address("2001:0:4136:e378:8000:63bf:3fff:fdd2")));
    }

    @Test
    void transitionFormsAreJudgedByTheIpv4AddressTheyCarry() throws Exception {
        assertEquals("a loopback address (127.0.0.0/8), inside an IPv6 address (IPv4-mapped)",
                judge16("::ffff:127.0.0.1"));
        assertNotNull(judge16("::ffff:10.1.2.3"));
        assertNotNull(judge16("::ffff:169.254.169.254"));
        assertNull(judge16("::ffff:93.184.216.34"));
        // NAT64: a public server seen from an IPv6-only network stays reachable, an internal one does not
        assertNotNull(NetworkAddresses.whyInternal(address("64:ff9b::7f00:1")));
        assertNotNull(NetworkAddresses.whyInternal(address("64:ff9b::192.168.0.1")));
        assertNull(NetworkAddresses.whyInternal(address("64:ff9b::5db8:d822")));
        // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
        assertNotNull(NetworkAddresses.whyInternal(address("2002:7f00:1::1")));
        assertNotNull(NetworkAddresses.whyInternal(address("2002:a9fe:a9fe::1")));
        assertNull(NetworkAddresses.whyInternal(address("2002:5db8:d822::1")));
        // IPv4-compatible (deprecated): internal whatever it carries
        assertNotNull(NetworkAddresses.whyInternal(address("::5db8:d822")));
    }

    @Test
    void theJdkTurnsMappedTextIntoIpv4AndTheRuleStillHolds() throws Exception {
        InetAddress mapped = InetAddress.getByName("::ffff:127.0.0.1"); // a literal: no DNS
        assertEquals(4, mapped.getAddress().length);
        assertNotNull(NetworkAddresses.whyInternal(mapped));
    }

    @Test
    void publicIpv6AddressesAreNotInternal() throws Exception {
        for (String a : List.of("2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:80b::200e",
                "2001:200::1")) {
            assertNull(NetworkAddresses.whyInternal(address(a)), a + " is public");
        }
    }

    @Test
    void operatorNetworksMatchByPrefixAndRefuseHostNames() throws Exception {
        NetworkAddresses.Network intranet = new NetworkAddresses.Network("10.20.0.0/16");
        assertTrue(intranet.contains(address("10.20.3.4")));
        assertFalse(intranet.contains(address("10.21.0.1")));
        assertTrue(intranet.contains(InetAddress.getByAddress(Loopback.ipv6("::ffff:10.20.0.9"))));
        assertTrue(new NetworkAddresses.Network("127.0.0.1").contains(address("127.0.0.1")));
        assertFalse(new NetworkAddresses.Network("127.0.0.1").contains(address("127.0.0.2")));
        assertTrue(new NetworkAddresses.Network("fd00:1::/64").contains(address("fd00:1::abcd")));
        assertFalse(new NetworkAddresses.Network("fd00:1::/64").contains(address("fd00:2::1")));
        for (String bad : List.of("intranet.example", "10.0.0.0/33", "10.0.0/8", "010.0.0.0/8", "::1/129", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new NetworkAddresses.Network(bad));
            assertTrue(e.getMessage().contains("CIDR"), e.getMessage());
        }
    }
}
