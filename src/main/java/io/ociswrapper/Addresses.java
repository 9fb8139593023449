package io.ociswrapper;

/**
 * Every event bus address in one place. The HTTP verticle and the supervisor verticle talk
 * only through these; {@code ocis.*} are public (the SockJS bridge), the rest are internal.
 */
public final class Addresses {

  /** Published: one message per child output line. */
  public static final String LOG = "ocis.log";
  /**
   * Published: the same lines as {@link #LOG}, many per message ({@code {"lines":[…],"dropped":n}}),
   * for clients that follow a flood: one frame per batch instead of one per line.
   */
  public static final String LOG_BATCH = "ocis.log.batch";
  /** Published: one message per state change of a child. */
  public static final String STATUS = "ocis.status";
  /** Request: {@code {"tail":N}} answers the buffered lines. */
  public static final String LOG_TAIL = "ocis.log.tail";

  private static final String SUPERVISOR = "ociswrapper.supervisor.";
  public static final String START = SUPERVISOR + "start";
  public static final String STOP = SUPERVISOR + "stop";
  public static final String CONFIGURE = SUPERVISOR + "configure";
  public static final String ROLLBACK = SUPERVISOR + "rollback";
  public static final String COMMAND = SUPERVISOR + "command";
  public static final String SNAPSHOT = SUPERVISOR + "snapshot";
  public static final String SERVICE_START = SUPERVISOR + "service.start";
  public static final String SERVICE_RESTART = SUPERVISOR + "service.restart";
  public static final String SERVICE_STOP = SUPERVISOR + "service.stop";
  public static final String SERVICES_ROLLBACK = SUPERVISOR + "services.rollback";
  /** {@code {"deployments":{"<name>":{"KEY":"value"}}}}: Kubernetes mode's PUT /k8s/config. */
  public static final String K8S_CONFIGURE = SUPERVISOR + "k8s.configure";
  public static final String K8S_ROLLBACK = SUPERVISOR + "k8s.rollback";

  private Addresses() {
  }
}
