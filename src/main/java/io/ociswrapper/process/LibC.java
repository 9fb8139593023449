package io.ociswrapper.process;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls Java lacks: kill(2) on a process group (Java can only SIGTERM/SIGKILL
 * one process, and has no SIGINT at all) and termios on a pseudo-terminal. Through JNA,
 * which pty4j already brings.
 */
interface LibC extends Library {

  LibC INSTANCE = Native.load("c", LibC.class);

  int SIGINT = 2;
  int SIGKILL = 9;
  int SIGTERM = 15;

  int kill(int pid, int signal);

  int tcgetattr(int fd, Pointer termios);

  int tcsetattr(int fd, int when, Pointer termios);
}
