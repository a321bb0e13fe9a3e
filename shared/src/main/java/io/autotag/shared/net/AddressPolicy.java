package io.autotag.shared.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Decides whether an address is on the public internet. Anything else (loopback, RFC 1918 private,
 * carrier-grade NAT, link-local including the instance metadata service at 169.254.169.254,
 * unique-local IPv6, multicast, unspecified, documentation and benchmark ranges) is internal, and a
 * URL supplied by a caller must never make the function connect to it. IPv6 forms that embed an
 * IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the embedded address.
 *
 * <p>Ranges from the IANA special-purpose registries: <a
 * href="https://www.iana.org/assignments/iana-ipv4-special-registry">IPv4</a>, <a
 * href="https://www.iana.org/assignments/iana-ipv6-special-registry">IPv6</a>.
 */
public final class AddressPolicy {

  private AddressPolicy() {}

  /** Whether connecting to {@code address} stays on the public internet. */
  public static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] raw = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicIpv4(raw);
    }
    if (address instanceof Inet6Address) {
      return isPublicIpv6(raw);
    }
    return false;
  }

  private static boolean isPublicIpv4(byte[] a) {
    int b0 = a[0] & 0xFF;
    int b1 = a[1] & 0xFF;
    int b2 = a[2] & 0xFF;
    return !(b0 == 0 // 0.0.0.0/8 "this network"
        || b0 == 10
        || b0 == 127
        || (b0 == 100 && (b1 & 0xC0) == 64) // 100.64.0.0/10 carrier-grade NAT
        || (b0 == 169 && b1 == 254)
        || (b0 == 172 && (b1 & 0xF0) == 16)
        || (b0 == 192 && b1 == 168)
        || (b0 == 192 && b1 == 0 && b2 == 0) // IETF protocol assignments
        || (b0 == 192 && b1 == 0 && b2 == 2) // TEST-NET-1
        || (b0 == 192 && b1 == 88 && b2 == 99) // 6to4 relay anycast (deprecated)
        || (b0 == 198 && (b1 & 0xFE) == 18) // 198.18.0.0/15 benchmarking
        || (b0 == 198 && b1 == 51 && b2 == 100) // TEST-NET-2
        || (b0 == 203 && b1 == 0 && b2 == 113) // TEST-NET-3
        || b0 >= 224); // multicast 224/4, reserved 240/4 and broadcast
  }

  private static boolean isPublicIpv6(byte[] a) {
    int first = a[0] & 0xFF;
    int second = a[1] & 0xFF;
    if ((first & 0xFE) == 0xFC // fc00::/7 unique local
        || first == 0xFF // multicast
        || (first == 0xFE && (second & 0xC0) == 0x80) // fe80::/10 link-local
        || (first == 0xFE && (second & 0xC0) == 0xC0)) { // fec0::/10 old site-local
      return false;
    }
    if (first == 0x20 && second == 0x01 && (a[2] & 0xFF) < 0x02) {
      return false; // 2001::/23 IETF protocol assignments, Teredo included
    }
    if (first == 0x20 && second == 0x01 && (a[2] & 0xFF) == 0x0D && (a[3] & 0xFF) == 0xB8) {
      return false; // 2001:db8::/32 documentation
    }
    if (first == 0x20 && second == 0x02) { // 2002::/16 6to4 embeds an IPv4 address
      return isPublicIpv4(new byte[] {a[2], a[3], a[4], a[5]});
    }
    if (allZero(a, 0, 10)
        && (((a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF) // ::ffff:0:0/96 mapped
            || (a[10] == 0 && a[11] == 0))) { // ::/96 compatible, also :: and ::1
      return embeddedIpv4IsPublic(a);
    }
    if (allZero(a, 0, 8) && (a[8] & 0xFF) == 0xFF && (a[9] & 0xFF) == 0xFF && allZero(a, 10, 12)) {
      return embeddedIpv4IsPublic(a); // ::ffff:0:0:0/96 IPv4-translated (SIIT)
    }
    if (first == 0x00 && second == 0x64 && (a[2] & 0xFF) == 0xFF && (a[3] & 0xFF) == 0x9B) {
      return embeddedIpv4IsPublic(a); // 64:ff9b::/96 NAT64
    }
    if (first == 0x01 && second == 0x00 && allZero(a, 2, 8)) {
      return false; // 100::/64 discard
    }
    return true;
  }

  private static boolean embeddedIpv4IsPublic(byte[] a) {
    byte[] v4 = {a[12], a[13], a[14], a[15]};
    try {
      InetAddress embedded = InetAddress.getByAddress(v4);
      return isPublic(embedded);
    } catch (UnknownHostException e) {
      return false; // cannot happen for four bytes; refuse if it ever does
    }
  }

  private static boolean allZero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
