package io.autotag.shared.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a host name to every address it has; the fetcher vets all of them. */
@FunctionalInterface
public interface HostResolver {

  InetAddress[] resolve(String host) throws UnknownHostException;

  /** The JVM's resolver, whose cache the HTTP client then uses too. */
  static HostResolver system() {
    return InetAddress::getAllByName;
  }
}
