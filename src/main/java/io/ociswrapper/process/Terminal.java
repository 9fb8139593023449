package io.ociswrapper.process;

import com.sun.jna.Memory;

/**
 * The echo flag of a pseudo-terminal, read and written through its master side: on Linux,
 * termios calls on a pty master act on the slave, which is what the child reads from.
 * The wrapper turns echo off before it types the inputs, so answers never show up in the
 * output; if the child turns echo back on, {@link #echoes} tells the runner to strip them.
 */
final class Terminal {

  /** glibc's struct termios is 60 bytes; c_lflag is its fourth 32-bit field. */
  private static final int TERMIOS_SIZE = 256;
  private static final int C_LFLAG = 12;
  private static final int ECHO = 0x8;
  private static final int ECHONL = 0x40;
  private static final int TCSANOW = 0;

  private Terminal() {
  }

  static boolean disableEcho(int masterFd) {
    Memory termios = new Memory(TERMIOS_SIZE);
    if (LibC.INSTANCE.tcgetattr(masterFd, termios) != 0) {
      return false;
    }
    int lflag = termios.getInt(C_LFLAG);
    termios.setInt(C_LFLAG, lflag & ~(ECHO | ECHONL));
    return LibC.INSTANCE.tcsetattr(masterFd, TCSANOW, termios) == 0;
  }

  /** True when the terminal would echo what is written now (unknown counts as yes). */
  static boolean echoes(int masterFd) {
    Memory termios = new Memory(TERMIOS_SIZE);
    if (LibC.INSTANCE.tcgetattr(masterFd, termios) != 0) {
      return true;
    }
    return (termios.getInt(C_LFLAG) & ECHO) != 0;
  }
}
