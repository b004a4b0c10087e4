package dev.fastmcp.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * The one rule for "internal" addresses: which resolved addresses a request chosen by a stranger (a client's
 * metadata document, the keys it names) must never reach. An address is internal unless it is a public unicast
 * address; the ranges are those of the IANA special-purpose registries (RFC 6890 and its updates) that are not
 * globally reachable, with multicast and broadcast.
 *
 * <p>IPv4: {@code 0.0.0.0/8}, {@code 10.0.0.0/8}, {@code 100.64.0.0/10} (carrier-grade NAT), {@code 127.0.0.0/8},
 * {@code 169.254.0.0/16} (link-local, where clouds serve instance metadata), {@code 172.16.0.0/12},
 * {@code 192.0.0.0/24}, {@code 192.0.2.0/24}, {@code 192.88.99.0/24}, {@code 192.168.0.0/16}, {@code 198.18.0.0/15},
 * {@code 198.51.100.0/24}, {@code 203.0.113.0/24}, {@code 224.0.0.0/4} (multicast), {@code 240.0.0.0/4} and
 * {@code 255.255.255.255}.
 *
 * <p>IPv6 is judged the other way round, since its special ranges keep growing: only global unicast
 * ({@code 2000::/3}) can be public, and within it {@code 2001::/23} (Teredo {@code 2001::/32} among them),
 * {@code 2001:db8::/32} and {@code 3fff::/20} are not. Forms that carry an IPv4 address are judged by that address:
 * IPv4-mapped ({@code ::ffff:a.b.c.d}), NAT64 ({@code 64:ff9b::a.b.c.d}) and 6to4 ({@code 2002:AABB:CCDD::/48}); so
 * {@code ::ffff:127.0.0.1} is loopback, while {@code 64:ff9b::93.184.216.34} (a public server seen from an IPv6-only
 * network) is public. IPv4-compatible addresses ({@code ::a.b.c.d}, deprecated), the local-use NAT64 prefix
 * {@code 64:ff9b:1::/48}, unique local ({@code fc00::/7}), link-local ({@code fe80::/10}), site-local
 * ({@code fec0::/10}) and multicast ({@code ff00::/8}) fall outside {@code 2000::/3} and are internal.
 *
 * <p>The rule reads resolved addresses, never host names: a name says nothing about where it resolves. Callers
 * resolve once, check every address, and connect to the one they checked.
 */
public final class NetworkAddresses {

    /** One range: its first bytes and prefix length, and what it is. */
    private record Range(byte[] prefix, int bits, String what) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final List<Range> IPV4 = List.of(
            v4("255.255.255.255", 32, "the broadcast address"),
            v4("0.0.0.0", 8, "a \"this network\" address (0.0.0.0/8)"),
            v4("10.0.0.0", 8, "a private address (10.0.0.0/8)"),
            v4("100.64.0.0", 10, "a carrier-grade NAT address (100.64.0.0/10)"),
            v4("127.0.0.0", 8, "a loopback address (127.0.0.0/8)"),
            v4("169.254.0.0", 16, "a link-local address (169.254.0.0/16, where clouds serve instance metadata)"),
            v4("172.16.0.0", 12, "a private address (172.16.0.0/12)"),
            v4("192.0.0.0", 24, "an IETF protocol address (192.0.0.0/24)"),
            v4("192.0.2.0", 24, "a documentation address (192.0.2.0/24)"),
            v4("192.88.99.0", 24, "a 6to4 relay address (192.88.99.0/24)"),
            v4("192.168.0.0", 16, "a private address (192.168.0.0/16)"),
            v4("198.18.0.0", 15, "a benchmarking address (198.18.0.0/15)"),
            v4("198.51.100.0", 24, "a documentation address (198.51.100.0/24)"),
            v4("203.0.113.0", 24, "a documentation address (203.0.113.0/24)"),
            v4("224.0.0.0", 4, "a multicast address (224.0.0.0/4)"),
            v4("240.0.0.0", 4, "a reserved address (240.0.0.0/4)"));

    private static final Range GLOBAL_UNICAST = v6("2000::", 3, "");
    private static final Range MAPPED = v6("::ffff:0:0", 96, "IPv4-mapped");
    private static final Range NAT64 = v6("64:ff9b::", 96, "NAT64");
    private static final Range SIX_TO_FOUR = v6("2002::", 16, "6to4");

    /** Special ranges inside {@code 2000::/3}, most specific first. */
    private static final List<Range> IPV6_SPECIAL = List.of(
            v6("2001::", 32, "a Teredo tunnel address (2001::/32)"),
            v6("2001:db8::", 32, "a documentation address (2001:db8::/32)"),
            v6("2001::", 23, "an IETF protocol address (2001::/23)"),
            v6("3fff::", 20, "a documentation address (3fff::/20)"));

    /** Special ranges outside {@code 2000::/3}, for the reason only (all of them are internal). */
    private static final List<Range> IPV6_NAMED = List.of(
            v6("::", 128, "the unspecified address (::)"),
            v6("::1", 128, "the loopback address (::1)"),
            v6("::", 96, "an IPv4-compatible address (::/96, deprecated)"),
            v6("64:ff9b:1::", 48, "a local-use NAT64 address (64:ff9b:1::/48)"),
            v6("100::", 64, "a discard-only address (100::/64)"),
            v6("fc00::", 7, "a unique local address (fc00::/7)"),
            v6("fe80::", 10, "a link-local address (fe80::/10)"),
            v6("fec0::", 10, "a site-local address (fec0::/10)"),
            v6("ff00::", 8, "a multicast address (ff00::/8)"));

    private NetworkAddresses() {
    }

    /**
     * Why {@code address} is internal, as a phrase such as {@code "a private address (10.0.0.0/8)"}; null when it
     * is a public unicast address. Null (no address) is internal.
     */
    public static String whyInternal(InetAddress address) {
        return address == null ? "no address" : whyInternal(address.getAddress());
    }

    /** The same for raw bytes: 4 for IPv4, 16 for IPv6 (the IPv4-mapped form included, as the JDK never gives it). */
    static String whyInternal(byte[] a) {
        if (a.length == 4) {
            for (Range r : IPV4) {
                if (r.contains(a)) {
                    return r.what();
                }
            }
            return null;
        }
        if (a.length != 16) {
            return "an address of unknown length";
        }
        for (Range embedding : List.of(MAPPED, NAT64)) {
            if (embedding.contains(a)) {
                return embedded(embedding.what(), a, 12);
            }
        }
        if (SIX_TO_FOUR.contains(a)) {
            return embedded(SIX_TO_FOUR.what(), a, 2);
        }
        if (GLOBAL_UNICAST.contains(a)) {
            for (Range r : IPV6_SPECIAL) {
                if (r.contains(a)) {
                    return r.what();
                }
            }
            return null;
        }
        for (Range r : IPV6_NAMED) {
            if (r.contains(a)) {
                return r.what();
            }
        }
        return "not a global unicast address (outside 2000::/3)";
    }

    /** The verdict on the IPv4 address carried at {@code at} by an IPv6 transition form. */
    private static String embedded(String form, byte[] a, int at) {
        byte[] v4 = {a[at], a[at + 1], a[at + 2], a[at + 3]};
        String inner = whyInternal(v4);
        return inner == null ? null : inner + ", inside an IPv6 address (" + form + ")";
    }

    /**
     * A network in CIDR notation ({@code 10.20.0.0/16}, {@code fd00:1::/64}; a bare address is a network of one),
     * for operators who allow an internal network explicitly. Addresses only, never host names.
     *
     * @param text the CIDR text, as configured
     */
    public record Network(String text) {

        /** Checks the notation; the error names the value and the expected form. */
        public Network {
            if (parse(text) == null) {
                throw new IllegalArgumentException("'" + text + "' is not a network in CIDR notation: write an IPv4 "
                        + "or IPv6 address and an optional prefix length, such as 10.20.0.0/16, 192.168.1.7 or "
                        + "fd00:1::/64 (no host names)");
            }
        }

        /** Whether {@code address} lies in this network; an IPv4 network also holds the IPv4-mapped forms. */
        public boolean contains(InetAddress address) {
            if (address == null) {
                return false;
            }
            Range range = parse(text);
            byte[] a = address.getAddress();
            if (a.length == 16 && range.prefix().length == 4 && MAPPED.contains(a)) {
                a = new byte[] {a[12], a[13], a[14], a[15]};
            }
            return range.contains(a);
        }

        private static Range parse(String text) {
            if (text == null) {
                return null;
            }
            int slash = text.indexOf('/');
            String host = (slash < 0 ? text : text.substring(0, slash)).trim().toLowerCase(Locale.ROOT);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            byte[] bytes = host.indexOf(':') >= 0 ? Loopback.ipv6(host) : Loopback.ipv4(host);
            if (bytes == null) {
                return null;
            }
            int bits = bytes.length * 8;
            if (slash >= 0) {
                String length = text.substring(slash + 1).trim();
                if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                    return null;
                }
                bits = Integer.parseInt(length);
            }
            return new Range(bytes, bits, text);
        }
    }

    private static Range v4(String address, int bits, String what) {
        return new Range(Loopback.ipv4(address), bits, what);
    }

    private static Range v6(String address, int bits, String what) {
        return new Range(Loopback.ipv6(address), bits, what);
    }
}
