package io.ociswrapper.process;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The default debug ports of oCIS services (shared/reference/debug-ports.md), used when a
 * separately started service has no {@code *_DEBUG_ADDR}. Names are compared lower-case with
 * {@code -} removed, as oCIS itself does: {@code storage-users} and {@code storageusers} are one.
 */
public final class DebugPorts {

  private static final Map<String, Integer> PORTS;

  static {
    Map<String, Integer> p = new TreeMap<>();
    Object[] table = {
        "ocis", 9250, "activitylog", 9197, "antivirus", 9277, "appregistry", 9243,
        "appprovider", 9165, "audit", 9229, "authapp", 9245, "authbasic", 9147,
        "authbearer", 9149, "authmachine", 9167, "authservice", 9198, "clientlog", 9260,
        "collaboration", 9304, "eventhistory", 9270, "gateway", 9143, "graph", 9124,
        "groups", 9161, "idm", 9239, "idp", 9134, "invitations", 9269, "nats", 9234,
        "notifications", 9174, "ocdav", 9163, "ocm", 9281, "ocs", 9114, "policies", 9129,
        "postprocessing", 9255, "proxy", 9205, "frontend", 9141, "search", 9224,
        "settings", 9194, "sharing", 9151, "sse", 9139, "storagepubliclink", 9179,
        "storageshares", 9156, "storagesystem", 9217, "storageusers", 9159, "thumbnails", 9189,
        "userlog", 9214, "users", 9145, "web", 9104, "webdav", 9119, "webfinger", 9279,
    };
    for (int i = 0; i < table.length; i += 2) {
      p.put((String) table[i], (Integer) table[i + 1]);
    }
    PORTS = Collections.unmodifiableMap(p);
  }

  private DebugPorts() {
  }

  public static String normalize(String service) {
    return service.toLowerCase(Locale.ROOT).replace("-", "");
  }

  public static OptionalInt of(String service) {
    Integer port = PORTS.get(normalize(service));
    return port == null ? OptionalInt.empty() : OptionalInt.of(port);
  }

  public static Set<String> names() {
    return PORTS.keySet();
  }

  /** {@code storage-users} → {@code STORAGE_USERS_DEBUG_ADDR}. */
  public static String variable(String service) {
    return service.toUpperCase(Locale.ROOT).replace('-', '_') + "_DEBUG_ADDR";
  }
}
