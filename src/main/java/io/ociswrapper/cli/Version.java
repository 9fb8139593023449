package io.ociswrapper.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (set by the build), or {@code dev} when run from classes. */
public final class Version implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = Version.class.getPackage().getImplementationVersion();
    return new String[] {"ociswrapper " + (version == null ? "dev" : version)};
  }
}
