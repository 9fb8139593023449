package io.ociswrapper.standin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate like oCIS's own: made once with the JDK's keytool and kept in the
 * temp directory, so only the first HTTPS stand-in on a machine pays for it.
 */
final class Tls {

  private static final char[] PASSWORD = "standin".toCharArray();

  private Tls() {
  }

  static SSLContext context() throws Exception {
    Path store = keystore();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    return ssl;
  }

  private static Path keystore() throws IOException, InterruptedException {
    String configured = System.getenv("STANDIN_KEYSTORE");
    Path store = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "ocis-standin-tls.p12");
    if (Files.exists(store)) {
      return store;
    }
    Path tmp = Files.createTempFile(store.getParent(), "standin", ".p12");
    Files.delete(tmp);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "standin", "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "3650", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", tmp.toString(), "-storepass", new String(PASSWORD))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IOException("keytool failed to create " + tmp);
    }
    // Two stand-ins may race here: whichever renames last wins, both files are valid.
    Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return store;
  }
}
