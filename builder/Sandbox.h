//===- Sandbox.h - Run a command in Linux namespaces over a rootfs -*- C++ -*-===//
//
// The sandbox RUN steps and `ballast run` share: a process in fresh mount, pid, uts and ipc
// namespaces (and a network namespace holding only `lo` with NetworkMode::None), whose root is
// Spec::Rootfs entered with pivot_root. It gets /proc, a minimal /dev (null zero full random
// urandom tty, devpts, shm), a read-only /sys and generated /etc/hosts, /etc/hostname and
// /etc/resolv.conf bound from a temporary folder, so none of them reach the rootfs. Mount points
// the rootfs lacks are created before the run and removed after it (with their parent's times
// restored), like BuildKit's mount stubs, so an overlay upper only holds what the command wrote.
//
// The child runs only system calls between clone and execve (no allocation), so it is safe to
// call from a multi-threaded program.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::builder {

/// Which network the sandboxed process sees.
enum class NetworkMode { Host, None };

/// Parses "host" / "none" (Docker's `--network`); "default" is host.
llvm::Expected<NetworkMode> parseNetworkMode(llvm::StringRef S);

/// An extra mount inside the sandbox.
struct MountSpec {
  enum class Kind { Bind, Tmpfs };
  Kind Type = Kind::Bind;
  std::string Source;     ///< host path (Bind); file or directory
  std::string Target;     ///< absolute path inside the sandbox
  bool ReadOnly = false;  ///< Bind: read-only view; Tmpfs: read-only tmpfs
  uint64_t TmpfsSize = 0; ///< bytes, 0 for the kernel default
  unsigned TmpfsMode = 01777;
};

/// A user resolved through the rootfs's /etc/passwd and /etc/group.
struct ResolvedUser {
  uint32_t Uid = 0, Gid = 0;
  std::vector<uint32_t> Groups; ///< supplementary groups (the primary one included)
  std::string Home = "/";
};

/// Resolves Docker's USER forms (`name`, `uid`, `name:group`, `uid:gid`, empty for root) against
/// the passwd and group files of the tree at Rootfs (read without leaving Rootfs: symlinks are
/// resolved inside it).
llvm::Expected<ResolvedUser> resolveUser(llvm::StringRef Rootfs, llvm::StringRef User);

/// Which stream a line of output came from.
enum class OutputStream { Stdout, Stderr };

/// What to run and how.
struct SandboxSpec {
  std::string Rootfs;               ///< the new root (an overlay merged dir, or any directory)
  std::vector<std::string> Argv;    ///< argv[0] is looked up in PATH inside the sandbox
  std::vector<std::string> Env;     ///< "K=V"; PATH gets Docker's default when absent
  std::string Cwd = "/";            ///< created (as root) when missing, like Docker does
  std::string User;                 ///< Docker's USER syntax, resolved in the rootfs
  std::string Hostname = "ballast"; ///< also the name of 127.0.0.1 in /etc/hosts
  NetworkMode Network = NetworkMode::Host;
  std::vector<MountSpec> Mounts;
  /// When set, stdout and stderr are read line by line and handed here (a last line without a
  /// newline is delivered too); when empty the sandbox inherits the caller's stdout/stderr.
  std::function<void(OutputStream, llvm::StringRef Line)> OnLine;
  bool Stdin = false; ///< inherit stdin (else /dev/null)
  bool Tty = false;   ///< give the command a pseudo-terminal relayed to the caller's stdio
  /// SIGINT/SIGTERM while running: true kills the sandbox at once (a build step); false forwards
  /// the signal to the command and kills on the second one (`ballast run`).
  bool KillOnSignal = true;
  size_t TailLines = 20; ///< how many last output lines SandboxResult::Tail keeps
};

/// How a sandboxed command ended.
struct SandboxResult {
  int ExitCode = 0;    ///< its exit status, or 128 + signal number when a signal killed it
  int Signal = 0;      ///< the signal that killed it, 0 when it exited
  int Interrupted = 0; ///< SIGINT/SIGTERM received by the caller during the run, else 0
  std::vector<std::string> Tail; ///< the last TailLines lines of output (with OnLine only)
  /// Set when the command could not be executed (then ExitCode is 127 when it was not found,
  /// 126 otherwise), e.g. `exec: "foo": executable file not found in $PATH`.
  std::string ExecError;
};

/// Runs Spec to completion. An error when the sandbox could not be set up (the message names
/// the step, e.g. "cannot mount proc: ..." or "exec: \"foo\": executable file not found in
/// $PATH"); otherwise the command's status. Nothing stays mounted afterwards.
llvm::Expected<SandboxResult> runSandboxed(const SandboxSpec &Spec);

/// A mount point every sandbox needs in its root: created when missing (a stub removed after
/// the run), or provided by OverlayMount in a small extra lower layer so it never reaches upper.
struct StandardMountPoint {
  const char *Path; ///< relative to the root
  bool Dir;
};
/// proc, sys, dev, etc/hosts, etc/hostname, etc/resolv.conf.
extern const StandardMountPoint StandardMountPoints[6];

/// Docker's default PATH.
inline constexpr const char *DefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

} // namespace ballast::builder
