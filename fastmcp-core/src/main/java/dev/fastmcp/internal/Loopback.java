package dev.fastmcp.internal;

import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for "loopback": which hosts may be reached over plain {@code http}, which {@code Host} names a
 * loopback server answers, which redirect URIs may change port. A host is loopback when its text says so,
 * without any DNS lookup (a resolver's answer can change, and the peer that connects may ask another resolver):
 * <ul>
 *   <li>{@code localhost} and names under it, such as {@code app.localhost} (RFC 6761 §6.3; browsers resolve
 *       them to loopback themselves), in any case; not with a trailing dot, which makes some resolvers ask
 *       DNS;</li>
 *   <li>an IPv4 address of {@code 127.0.0.0/8} in dotted-decimal form ({@code 127.0.0.1}, {@code 127.5.6.7});
 *       not with leading zeros, which some parsers read as octal, nor in the short or integer forms;</li>
 *   <li>the IPv6 address {@code ::1} in any textual form ({@code ::1}, {@code 0:0:0:0:0:0:0:1}), and an
 *       IPv4-mapped loopback address ({@code ::ffff:127.0.0.1}), with or without brackets; not with a zone
 *       ({@code %eth0}).</li>
 * </ul>
 * Everything else is not loopback: another name, even one that resolves to {@code 127.0.0.1} here, and look-alikes
 * such as {@code 127.0.0.1.example.com} or {@code localhost.example.com}.
 */
public final class Loopback {

    // Compiled once: the host of every request is checked here.
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]{2,45}");
    private static final Pattern HEXTET = Pattern.compile("[0-9a-f]{1,4}");

    private Loopback() {
    }

    /** Whether {@code host} (a URI's host or a {@code Host} name without its port) is loopback; null is not. */
    public static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            byte[] v6 = ipv6(h.substring(1, h.length() - 1));
            return v6 != null && isLoopback(v6);
        }
        if (h.indexOf(':') >= 0) {
            byte[] v6 = ipv6(h);
            return v6 != null && isLoopback(v6);
        }
        byte[] v4 = ipv4(h);
        if (v4 != null) {
            return isLoopback(v4);
        }
        return isLocalhostName(h);
    }

    /** Whether an address, such as the one a server socket is bound to, is loopback: the same addresses. */
    public static boolean isLoopbackAddress(InetAddress address) {
        return address != null && isLoopback(address.getAddress());
    }

    private static boolean isLoopback(byte[] address) {
        if (address.length == 4) {
            return address[0] == 127;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        if (address[10] == (byte) 0xff && address[11] == (byte) 0xff) {
            return address[12] == 127; // IPv4-mapped
        }
        for (int i = 10; i < 15; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[15] == 1;
    }

    private static boolean isLocalhostName(String h) {
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.endsWith(".localhost")) {
            return false;
        }
        for (String label : h.substring(0, h.length() - ".localhost".length()).split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Four dotted-decimal octets, none with a leading zero; null otherwise. Also read by {@link NetworkAddresses}. */
    static byte[] ipv4(String s) {
        // Four decimal octets without leading zeros (0-255), read in one pass: this runs on every request's Host.
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || (digits > 1 && s.charAt(start) == '0') || value > 255) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? out : null;
    }

    /**
     * An IPv6 address (RFC 4291 §2.2 text forms, a trailing dotted IPv4 part allowed), lower case; null otherwise.
     * Also read by {@link NetworkAddresses}.
     */
    static byte[] ipv6(String s) {
        if (!IPV6_CHARS.matcher(s).matches()) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? s : s.substring(0, gap);
        String tail = gap < 0 ? "" : s.substring(gap + 2);
        int[] left = groups(head, gap < 0);
        int[] right = gap < 0 ? new int[0] : groups(tail, true);
        if (left == null || right == null) {
            return null;
        }
        int count = left.length + right.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < left.length; i++) {
            out[2 * i] = (byte) (left[i] >> 8);
            out[2 * i + 1] = (byte) left[i];
        }
        for (int i = 0; i < right.length; i++) {
            int at = 8 - right.length + i;
            out[2 * at] = (byte) (right[i] >> 8);
            out[2 * at + 1] = (byte) right[i];
        }
        return out;
    }

    /** The 16-bit groups of one side of {@code ::}; the last may be dotted IPv4 when {@code last}. */
    private static int[] groups(String side, boolean last) {
        if (side.isEmpty()) {
            return new int[0];
        }
        String[] parts = side.split(":", -1);
        boolean dotted = parts[parts.length - 1].indexOf('.') >= 0;
        if (dotted && !last) {
            return null;
        }
        int[] out = new int[parts.length + (dotted ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (dotted && i == parts.length - 1) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                out[i] = (v4[0] & 0xff) << 8 | v4[1] & 0xff;
                out[i + 1] = (v4[2] & 0xff) << 8 | v4[3] & 0xff;
            } else if (HEXTET.matcher(p).matches()) {
                out[i] = Integer.parseInt(p, 16);
            } else {
                return null;
            }
        }
        return out;
    }
}
