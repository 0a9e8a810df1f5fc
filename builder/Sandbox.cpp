//===- Sandbox.cpp - Run a command in Linux namespaces over a rootfs ------===//
#include "builder/Sandbox.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <mutex>

#include "support/Errors.h"
#include "support/UniqueFd.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::builder {

namespace {

/// openat2 with RESOLVE_IN_ROOT: Rel is resolved as if RootFd were "/", so neither ".." nor an
/// absolute symlink leaves the tree.
int openInRoot(int RootFd, const std::string &Rel, uint64_t Flags, uint64_t Mode = 0) {
  struct open_how How;
  std::memset(&How, 0, sizeof How);
  How.flags = Flags | O_CLOEXEC;
  How.mode = Mode;
  How.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string P = Rel.empty() ? "." : Rel;
  return static_cast<int>(::syscall(SYS_openat2, RootFd, P.c_str(), &How, sizeof How));
}

/// Path components of an absolute or relative container path ("." and empty dropped).
std::vector<std::string> components(llvm::StringRef Path) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Path.split(Parts, '/', -1, false);
  std::vector<std::string> Out;
  for (llvm::StringRef P : Parts)
    if (P != ".")
      Out.push_back(P.str());
  return Out;
}

std::string joinParts(const std::vector<std::string> &Parts, size_t N) {
  std::string S;
  for (size_t I = 0; I < N; ++I) {
    if (I)
      S += '/';
    S += Parts[I];
  }
  return S;
}

llvm::Expected<std::string> readInRoot(int RootFd, const std::string &Rel, bool &Missing) {
  Missing = false;
  UniqueFd F(openInRoot(RootFd, Rel, O_RDONLY));
  if (!F) {
    if (errno == ENOENT || errno == ENOTDIR) {
      Missing = true;
      return std::string();
    }
    return errnoError("cannot read /" + Rel);
  }
  std::string Out;
  char Buf[8192];
  for (;;) {
    ssize_t N = ::read(F.F, Buf, sizeof Buf);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      return errnoError("cannot read /" + Rel);
    if (N == 0)
      break;
    Out.append(Buf, N);
    if (Out.size() > (16u << 20))
      return makeError("/" + Rel + " is larger than 16 MiB; is it really a passwd file?");
  }
  return Out;
}

bool parseId(llvm::StringRef S, uint32_t &Out) {
  unsigned long long V;
  if (S.empty() || S.getAsInteger(10, V) || V > 0xffffffffull)
    return false;
  Out = static_cast<uint32_t>(V);
  return true;
}

/// Makes sure a mount point exists inside the rootfs, creating what is missing; remembers what
/// it created so it can be removed after the run.
class Stubs {
public:
  explicit Stubs(int RootFd) : RootFd(RootFd) {}
  ~Stubs() { cleanup(); }

  llvm::Error ensure(llvm::StringRef Path, bool IsDir, bool Remove = true) {
    std::vector<std::string> Parts = components(Path);
    if (Parts.empty())
      return llvm::Error::success();
    for (size_t I = 1; I <= Parts.size(); ++I) {
      std::string Prefix = joinParts(Parts, I);
      UniqueFd Probe(openInRoot(RootFd, Prefix, O_PATH));
      if (Probe)
        continue;
      if (errno != ENOENT)
        return errnoError("cannot create mount point " + Path.str());
      std::string Parent = joinParts(Parts, I - 1);
      UniqueFd PFd(openInRoot(RootFd, Parent, O_RDONLY | O_DIRECTORY));
      if (!PFd)
        return errnoError("cannot create mount point " + Path.str());
      if (Remove) {
        struct stat St;
        if (::fstat(PFd.F, &St) == 0)
          Times.push_back({Parent, St.st_atim, St.st_mtim});
      }
      bool Dir = I < Parts.size() || IsDir;
      if (Dir) {
        if (::mkdirat(PFd.F, Parts[I - 1].c_str(), 0755) && errno != EEXIST)
          return errnoError("cannot create mount point " + Path.str());
      } else {
        int F = ::openat(PFd.F, Parts[I - 1].c_str(),
                         O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (F < 0 && errno != EEXIST)
          return errnoError("cannot create mount point " + Path.str());
        if (F >= 0)
          ::close(F);
      }
      if (Remove)
        Created.push_back({Prefix, Dir});
    }
    return llvm::Error::success();
  }

  /// Removes the created stubs (deepest first; a directory only when empty, a file only when
  /// empty) and restores the times of the directories they were created in.
  void cleanup() {
    for (auto It = Created.rbegin(); It != Created.rend(); ++It) {
      std::vector<std::string> Parts = components(It->Path);
      UniqueFd PFd(openInRoot(RootFd, joinParts(Parts, Parts.size() - 1), O_PATH | O_DIRECTORY));
      if (!PFd)
        continue;
      struct stat St;
      if (::fstatat(PFd.F, Parts.back().c_str(), &St, AT_SYMLINK_NOFOLLOW))
        continue;
      if (It->Dir && S_ISDIR(St.st_mode))
        ::unlinkat(PFd.F, Parts.back().c_str(), AT_REMOVEDIR);
      else if (!It->Dir && S_ISREG(St.st_mode) && St.st_size == 0)
        ::unlinkat(PFd.F, Parts.back().c_str(), 0);
    }
    for (auto It = Times.rbegin(); It != Times.rend(); ++It) {
      UniqueFd D(openInRoot(RootFd, It->Path, O_RDONLY | O_DIRECTORY));
      if (!D)
        continue;
      struct timespec TS[2] = {It->ATime, It->MTime};
      ::futimens(D.F, TS);
    }
    Created.clear();
    Times.clear();
  }

private:
  struct Item {
    std::string Path;
    bool Dir;
  };
  struct SavedTimes {
    std::string Path;
    struct timespec ATime, MTime;
  };
  int RootFd;
  std::vector<Item> Created;
  std::vector<SavedTimes> Times;
};

/// A temporary directory removed (recursively, without following symlinks) on destruction.
class TempDir {
public:
  llvm::Error create() {
    const char *T = ::getenv("TMPDIR");
    std::string Tmpl = std::string(T && *T ? T : "/tmp") + "/ballast-sandbox-XXXXXX";
    if (!::mkdtemp(Tmpl.data()))
      return errnoError("cannot create a temporary folder in " + Tmpl);
    Path = Tmpl;
    return llvm::Error::success();
  }
  ~TempDir() {
    if (!Path.empty())
      removeTree(AT_FDCWD, Path.c_str());
  }
  std::string Path;

private:
  static void removeTree(int Dir, const char *Name) {
    UniqueFd D(::openat(Dir, Name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (D) {
      DIR *DP = ::fdopendir(::dup(D.F));
      if (DP) {
        std::vector<std::string> Names;
        while (struct dirent *E = ::readdir(DP))
          if (std::strcmp(E->d_name, ".") != 0 && std::strcmp(E->d_name, "..") != 0)
            Names.push_back(E->d_name);
        ::closedir(DP);
        for (const std::string &N : Names) {
          if (::unlinkat(D.F, N.c_str(), 0) && (errno == EISDIR || errno == EPERM))
            removeTree(D.F, N.c_str());
        }
      }
    }
    ::unlinkat(Dir, Name, AT_REMOVEDIR);
  }
};

// --- signals --------------------------------------------------------------------------------

constexpr int MaxCatchers = 64;
std::atomic<int> SignalPipes[MaxCatchers];
std::mutex SignalMutex;
int SignalUsers = 0;
struct sigaction OldInt, OldTerm;

void onSignal(int Sig) {
  int Saved = errno;
  unsigned char B = static_cast<unsigned char>(Sig);
  for (std::atomic<int> &P : SignalPipes) {
    int Fd = P.load();
    if (Fd >= 0) {
      [[maybe_unused]] ssize_t N = ::write(Fd, &B, 1);
    }
  }
  errno = Saved;
}

/// Routes SIGINT and SIGTERM into a pipe for the duration of a run. Concurrent runs each get
/// their own pipe; the caller's handlers are back once the last run ends.
class SignalCatcher {
public:
  llvm::Error install() {
    int P[2];
    if (::pipe2(P, O_CLOEXEC | O_NONBLOCK))
      return errnoError("cannot create a pipe");
    Read = UniqueFd(P[0]);
    Write = UniqueFd(P[1]);
    std::lock_guard<std::mutex> L(SignalMutex);
    for (int I = 0; I < MaxCatchers; ++I) {
      int Expected = -1;
      if (SignalPipes[I].compare_exchange_strong(Expected, Write.F)) {
        Slot = I;
        break;
      }
    }
    if (Slot < 0)
      return makeError("too many sandboxes at once; run fewer steps in parallel");
    if (SignalUsers++ == 0) {
      struct sigaction SA;
      std::memset(&SA, 0, sizeof SA);
      SA.sa_handler = onSignal;
      sigemptyset(&SA.sa_mask);
      SA.sa_flags = SA_RESTART;
      ::sigaction(SIGINT, &SA, &OldInt);
      ::sigaction(SIGTERM, &SA, &OldTerm);
    }
    return llvm::Error::success();
  }
  ~SignalCatcher() {
    if (Slot < 0)
      return;
    std::lock_guard<std::mutex> L(SignalMutex);
    SignalPipes[Slot].store(-1);
    if (--SignalUsers == 0) {
      ::sigaction(SIGINT, &OldInt, nullptr);
      ::sigaction(SIGTERM, &OldTerm, nullptr);
    }
  }
  UniqueFd Read, Write;

private:
  int Slot = -1;
};

/// Marks every signal pipe slot free at start-up.
struct SignalPipesInit {
  SignalPipesInit() {
    for (std::atomic<int> &P : SignalPipes)
      P.store(-1);
  }
} SignalPipesInitOnce;

// --- the child ------------------------------------------------------------------------------

/// Docker's default capability set minus CAP_MKNOD: CHOWN DAC_OVERRIDE FOWNER FSETID KILL
/// SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT AUDIT_WRITE SETFCAP.
constexpr uint64_t KeptCaps =
    (1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_FOWNER) | (1ull << CAP_FSETID) |
    (1ull << CAP_KILL) | (1ull << CAP_SETGID) | (1ull << CAP_SETUID) | (1ull << CAP_SETPCAP) |
    (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_NET_RAW) | (1ull << CAP_SYS_CHROOT) |
    (1ull << CAP_AUDIT_WRITE) | (1ull << CAP_SETFCAP);

/// What the child reports through the error pipe when it cannot exec.
struct ChildError {
  int Errno = 0;
  int IsExec = 0;
  char Msg[480] = {0};
};

/// Everything the child needs, prepared by the parent so the child never allocates.
struct ChildPlan {
  int CapLast = 40; ///< /proc/sys/kernel/cap_last_cap
  const char *Rootfs;
  const char *Hostname;
  bool NewNet;
  // Bind mounts: host source, container target, read-only.
  struct Bind {
    const char *Source, *Target;
    bool ReadOnly;
  };
  std::vector<Bind> Binds;
  struct Tmpfs {
    const char *Target, *Data;
    unsigned long Flags;
  };
  std::vector<Tmpfs> Tmpfses;
  std::vector<int> BindFds; // filled in the child (capacity reserved by the parent)
  uint32_t Uid, Gid;
  std::vector<gid_t> Groups;
  const char *Cwd;
  std::vector<const char *> ExecCandidates; // full paths tried in order
  const char *Argv0;                        // for messages
  char *const *Argv;
  char *const *Envp;
  int StdinFd = -1, StdoutFd = -1, StderrFd = -1; // -1: inherit
  int TtyFd = -1;
  int ErrFd = -1;
};

size_t appendStr(char *Buf, size_t Pos, size_t Cap, const char *S) {
  while (*S && Pos + 1 < Cap)
    Buf[Pos++] = *S++;
  Buf[Pos] = 0;
  return Pos;
}

[[noreturn]] void childFail(const ChildPlan &P, const char *What, const char *Arg, int Err,
                            int IsExec = 0) {
  ChildError E;
  E.Errno = Err;
  E.IsExec = IsExec;
  size_t N = appendStr(E.Msg, 0, sizeof E.Msg, What);
  if (Arg) {
    N = appendStr(E.Msg, N, sizeof E.Msg, " ");
    N = appendStr(E.Msg, N, sizeof E.Msg, Arg);
  }
  [[maybe_unused]] ssize_t W = ::write(P.ErrFd, &E, sizeof E);
  ::_exit(125);
}

int moveFdTo(int Fd, int Target) {
  if (Fd == Target)
    return ::fcntl(Fd, F_SETFD, 0);
  return ::dup2(Fd, Target) < 0 ? -1 : 0;
}

[[noreturn]] void childMain(ChildPlan &P) {
  // Default signal dispositions and an empty mask for the command.
  sigset_t All;
  sigemptyset(&All);
  ::sigprocmask(SIG_SETMASK, &All, nullptr);
  for (int S : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP, SIGCHLD})
    ::signal(S, SIG_DFL);
  ::syscall(SYS_prctl, 1 /*PR_SET_PDEATHSIG*/, SIGKILL, 0, 0, 0);

  if (P.TtyFd >= 0) {
    ::setsid();
    if (::ioctl(P.TtyFd, TIOCSCTTY, 0) < 0)
      childFail(P, "cannot set the controlling terminal", nullptr, errno);
    for (int T = 0; T < 3; ++T)
      if (moveFdTo(P.TtyFd, T) < 0)
        childFail(P, "cannot set up the terminal", nullptr, errno);
  } else {
    if (P.StdinFd >= 0 && moveFdTo(P.StdinFd, 0) < 0)
      childFail(P, "cannot set up stdin", nullptr, errno);
    if (P.StdoutFd >= 0 && moveFdTo(P.StdoutFd, 1) < 0)
      childFail(P, "cannot set up stdout", nullptr, errno);
    if (P.StderrFd >= 0 && moveFdTo(P.StderrFd, 2) < 0)
      childFail(P, "cannot set up stderr", nullptr, errno);
  }

  if (::sethostname(P.Hostname, std::strlen(P.Hostname)))
    childFail(P, "cannot set the hostname", nullptr, errno);
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr))
    childFail(P, "cannot make mounts private", nullptr, errno);

  // Host-side sources are captured as detached mounts before the host's tree goes away.
  for (size_t I = 0; I < P.Binds.size(); ++I) {
    int Fd = static_cast<int>(::open_tree(AT_FDCWD, P.Binds[I].Source,
                                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
    if (Fd < 0)
      childFail(P, "cannot bind", P.Binds[I].Source, errno);
    if (P.Binds[I].ReadOnly) {
      struct mount_attr A;
      std::memset(&A, 0, sizeof A);
      A.attr_set = MOUNT_ATTR_RDONLY;
      if (::mount_setattr(Fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &A, sizeof A))
        childFail(P, "cannot make read-only", P.Binds[I].Source, errno);
    }
    P.BindFds[I] = Fd;
  }

  if (::mount(P.Rootfs, P.Rootfs, nullptr, MS_BIND | MS_REC, nullptr))
    childFail(P, "cannot bind the root filesystem", P.Rootfs, errno);
  if (::chdir(P.Rootfs))
    childFail(P, "cannot enter the root filesystem", P.Rootfs, errno);
  if (::syscall(SYS_pivot_root, ".", "."))
    childFail(P, "cannot pivot_root into", P.Rootfs, errno);
  if (::umount2(".", MNT_DETACH))
    childFail(P, "cannot detach the old root", nullptr, errno);
  if (::chdir("/"))
    childFail(P, "cannot enter /", nullptr, errno);

  ::umask(0);
  if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr))
    childFail(P, "cannot mount /proc", nullptr, errno);
  if (::mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"))
    childFail(P, "cannot mount /dev", nullptr, errno);
  struct DevNode {
    const char *Path;
    unsigned Major, Minor;
  };
  static const DevNode Nodes[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},
                                  {"/dev/full", 1, 7},    {"/dev/random", 1, 8},
                                  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  for (const DevNode &N : Nodes)
    if (::mknod(N.Path, S_IFCHR | 0666, makedev(N.Major, N.Minor)))
      childFail(P, "cannot create", N.Path, errno);
  if (::mkdir("/dev/pts", 0755) || ::mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                                           "newinstance,ptmxmode=0666,mode=0620,gid=5"))
    childFail(P, "cannot mount /dev/pts", nullptr, errno);
  if (::symlink("pts/ptmx", "/dev/ptmx"))
    childFail(P, "cannot create /dev/ptmx", nullptr, errno);
  if (::mkdir("/dev/shm", 01777) ||
      ::mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=1777,size=65536k"))
    childFail(P, "cannot mount /dev/shm", nullptr, errno);
  static const char *const Links[][2] = {{"/proc/self/fd", "/dev/fd"},
                                         {"/proc/self/fd/0", "/dev/stdin"},
                                         {"/proc/self/fd/1", "/dev/stdout"},
                                         {"/proc/self/fd/2", "/dev/stderr"}};
  for (const auto &L : Links)
    if (::symlink(L[0], L[1]))
      childFail(P, "cannot create", L[1], errno);
  if (::mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr))
    childFail(P, "cannot mount /sys", nullptr, errno);
  // Docker's masked and read-only /proc paths: the kernel's knobs stay out of reach.
  static const char *const Masked[] = {
      "/proc/kcore",         "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
      "/proc/latency_stats", "/proc/acpi", "/proc/scsi",       "/proc/sys/firmware"};
  for (const char *M : Masked) {
    struct stat St;
    if (::lstat(M, &St))
      continue;
    bool Dir = S_ISDIR(St.st_mode);
    if (Dir ? ::mount("tmpfs", M, "tmpfs", MS_RDONLY, "size=0")
            : ::mount("/dev/null", M, nullptr, MS_BIND, nullptr))
      childFail(P, "cannot mask", M, errno);
  }
  static const char *const ReadOnly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                         "/proc/sysrq-trigger"};
  for (const char *R : ReadOnly) {
    struct stat St;
    if (::lstat(R, &St))
      continue;
    if (::mount(R, R, nullptr, MS_BIND | MS_REC, nullptr) ||
        ::mount(nullptr, R, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_REC, nullptr))
      childFail(P, "cannot make read-only", R, errno);
  }

  for (size_t I = 0; I < P.Binds.size(); ++I) {
    // Targets inside the fresh /dev tmpfs (a heredoc script folder) are created there.
    if (std::strncmp(P.Binds[I].Target, "/dev/", 5) == 0 && ::mkdir(P.Binds[I].Target, 0755) &&
        errno != EEXIST)
      childFail(P, "cannot create", P.Binds[I].Target, errno);
    if (::move_mount(P.BindFds[I], "", AT_FDCWD, P.Binds[I].Target, MOVE_MOUNT_F_EMPTY_PATH))
      childFail(P, "cannot mount on", P.Binds[I].Target, errno);
  }
  for (const ChildPlan::Tmpfs &T : P.Tmpfses)
    if (::mount("tmpfs", T.Target, "tmpfs", T.Flags, T.Data))
      childFail(P, "cannot mount a tmpfs on", T.Target, errno);

  if (P.NewNet) {
    int S = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq Req;
    std::memset(&Req, 0, sizeof Req);
    std::memcpy(Req.ifr_name, "lo", 3);
    if (S < 0 || ::ioctl(S, SIOCGIFFLAGS, &Req) < 0)
      childFail(P, "cannot bring up lo", nullptr, errno);
    Req.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(S, SIOCSIFFLAGS, &Req) < 0)
      childFail(P, "cannot bring up lo", nullptr, errno);
    ::close(S);
  }

  if (::chdir(P.Cwd))
    childFail(P, "cannot change to the working directory", P.Cwd, errno);
  // Docker's default capabilities without CAP_MKNOD (there is no device cgroup to stop a
  // device node of the host's disk from being opened): no mounts, modules, raw I/O, ptrace of
  // the host. The bounding set limits what any later exec (setuid binaries too) can gain.
  for (int C = 0; C <= P.CapLast; ++C)
    if (!(KeptCaps & (1ull << C)) && ::prctl(PR_CAPBSET_DROP, C, 0, 0, 0) && errno != EINVAL)
      childFail(P, "cannot drop capabilities", nullptr, errno);
  // Raw system calls, not glibc's setgroups/setgid/setuid: in a multi-threaded program those
  // run __nptl_setxid, which takes the thread-stack lock and waits for every other thread of
  // the parent to switch its credentials too. After a raw clone those threads do not exist in
  // the child, and a lock another thread held at clone time is never released: the child hung
  // on a futex before execve when two stages started sandboxes at once.
  if (::syscall(SYS_setgroups, P.Groups.size(), P.Groups.data()))
    childFail(P, "cannot set supplementary groups", nullptr, errno);
  if (::syscall(SYS_setresgid, P.Gid, P.Gid, P.Gid))
    childFail(P, "cannot set the group id", nullptr, errno);
  if (::syscall(SYS_setresuid, P.Uid, P.Uid, P.Uid))
    childFail(P, "cannot set the user id", nullptr, errno);
  if (P.Uid == 0) {
    // root keeps only the kept capabilities (setuid to another user dropped them all).
    struct __user_cap_header_struct H = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct D[2];
    std::memset(D, 0, sizeof D);
    D[0].effective = D[0].permitted = D[0].inheritable = static_cast<uint32_t>(KeptCaps);
    D[1].effective = D[1].permitted = D[1].inheritable = static_cast<uint32_t>(KeptCaps >> 32);
    if (::syscall(SYS_capset, &H, D))
      childFail(P, "cannot drop capabilities", nullptr, errno);
  }
  ::syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  ::umask(022);
  // Nothing of the caller's beyond stdio reaches the command.
  ::syscall(SYS_close_range, 3, ~0u, 4 /*CLOSE_RANGE_CLOEXEC*/);

  int FirstErr = ENOENT;
  bool Seen = false;
  for (const char *C : P.ExecCandidates) {
    ::execve(C, P.Argv, P.Envp);
    int E = errno;
    // execvp's rule: remember a permission problem, keep looking after "not found".
    if (E == EACCES) {
      FirstErr = EACCES;
      Seen = true;
    } else if (E != ENOENT && E != ENOTDIR) {
      if (!Seen)
        FirstErr = E;
      Seen = true;
    }
  }
  childFail(P, P.Argv0, nullptr, FirstErr, 1);
}

} // namespace

const StandardMountPoint StandardMountPoints[6] = {
    {"proc", true},       {"sys", true},           {"dev", true},
    {"etc/hosts", false}, {"etc/hostname", false}, {"etc/resolv.conf", false}};

llvm::Expected<NetworkMode> parseNetworkMode(llvm::StringRef S) {
  if (S == "host" || S == "default" || S.empty())
    return NetworkMode::Host;
  if (S == "none")
    return NetworkMode::None;
  return makeError("unknown network mode '" + S + "'; use host or none");
}

llvm::Expected<ResolvedUser> resolveUser(llvm::StringRef Rootfs, llvm::StringRef User) {
  ResolvedUser R;
  UniqueFd Root(::open(Rootfs.str().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!Root)
    return errnoError("cannot open the root filesystem " + Rootfs);
  auto [UserPart, GroupPart] = User.split(':');
  bool HasGroup = User.contains(':');
  bool PwMissing = false, GrMissing = false;
  auto Passwd = readInRoot(Root.F, "etc/passwd", PwMissing);
  if (!Passwd)
    return Passwd.takeError();
  auto Group = readInRoot(Root.F, "etc/group", GrMissing);
  if (!Group)
    return Group.takeError();

  uint32_t NumUid = 0;
  bool UidNumeric = parseId(UserPart, NumUid);
  std::string MatchedName;
  bool Found = false;
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  llvm::StringRef(*Passwd).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    llvm::SmallVector<llvm::StringRef, 7> F;
    L.split(F, ':');
    if (F.size() < 7 || L.startswith("#"))
      continue;
    uint32_t U, G;
    if (!parseId(F[2], U) || !parseId(F[3], G))
      continue;
    bool Match = UserPart.empty() ? U == 0 : (UidNumeric ? U == NumUid : F[0] == UserPart);
    if (!Match)
      continue;
    R.Uid = U;
    R.Gid = G;
    R.Home = F[5].empty() ? "/" : F[5].str();
    MatchedName = F[0].str();
    Found = true;
    break;
  }
  if (!Found) {
    if (!UserPart.empty() && !UidNumeric)
      return makeError("unable to find user " + UserPart +
                       ": no matching entries in passwd file; use a numeric uid or add the user");
    R.Uid = UidNumeric ? NumUid : 0;
    R.Gid = 0;
  }

  llvm::SmallVector<llvm::StringRef, 64> GLines;
  llvm::StringRef(*Group).split(GLines, '\n');
  if (HasGroup) {
    uint32_t NumGid = 0;
    bool GidNumeric = parseId(GroupPart, NumGid);
    bool GFound = false;
    for (llvm::StringRef L : GLines) {
      llvm::SmallVector<llvm::StringRef, 4> F;
      L.split(F, ':');
      uint32_t G;
      if (F.size() < 3 || L.startswith("#") || !parseId(F[2], G))
        continue;
      if (GidNumeric ? G == NumGid : F[0] == GroupPart) {
        R.Gid = G;
        GFound = true;
        break;
      }
    }
    if (!GFound) {
      if (!GidNumeric)
        return makeError("unable to find group " + GroupPart +
                         ": no matching entries in group file; use a numeric gid or add the "
                         "group");
      R.Gid = NumGid;
    }
    R.Groups = {R.Gid};
    return R;
  }
  R.Groups = {R.Gid};
  if (!MatchedName.empty()) {
    for (llvm::StringRef L : GLines) {
      llvm::SmallVector<llvm::StringRef, 4> F;
      L.split(F, ':');
      uint32_t G;
      if (F.size() < 4 || L.startswith("#") || !parseId(F[2], G))
        continue;
      llvm::SmallVector<llvm::StringRef, 8> Members;
      F[3].split(Members, ',', -1, false);
      for (llvm::StringRef M : Members)
        if (M.trim() == MatchedName && llvm::find(R.Groups, G) == R.Groups.end())
          R.Groups.push_back(G);
    }
  }
  return R;
}

namespace {

/// Delivers output line by line and keeps the last lines.
class LineSplitter {
public:
  LineSplitter(const SandboxSpec &S, std::deque<std::string> &Tail) : Spec(S), Tail(Tail) {}
  void feed(OutputStream Which, const char *Data, size_t N) {
    std::string &B = Which == OutputStream::Stdout ? Out : Err;
    B.append(Data, N);
    size_t Start = 0;
    for (;;) {
      size_t NL = B.find('\n', Start);
      if (NL == std::string::npos)
        break;
      emit(Which, llvm::StringRef(B).slice(Start, NL));
      Start = NL + 1;
    }
    B.erase(0, Start);
    // A very long line without a newline is delivered in pieces.
    if (B.size() > 65536) {
      emit(Which, B);
      B.clear();
    }
  }
  void finish() {
    if (!Out.empty())
      emit(OutputStream::Stdout, Out);
    if (!Err.empty())
      emit(OutputStream::Stderr, Err);
    Out.clear();
    Err.clear();
  }

private:
  void emit(OutputStream Which, llvm::StringRef Line) {
    if (Spec.OnLine)
      Spec.OnLine(Which, Line);
    if (Spec.TailLines) {
      Tail.push_back(Line.str());
      while (Tail.size() > Spec.TailLines)
        Tail.pop_front();
    }
  }
  const SandboxSpec &Spec;
  std::deque<std::string> &Tail;
  std::string Out, Err;
};

/// Puts the caller's terminal in raw mode while a tty session runs.
class RawTerminal {
public:
  explicit RawTerminal(int Fd) : Fd(Fd) {
    if (!::isatty(Fd) || ::tcgetattr(Fd, &Saved))
      return;
    struct termios Raw = Saved;
    ::cfmakeraw(&Raw);
    Active = ::tcsetattr(Fd, TCSANOW, &Raw) == 0;
  }
  ~RawTerminal() {
    if (Active)
      ::tcsetattr(Fd, TCSANOW, &Saved);
  }

private:
  int Fd;
  struct termios Saved;
  bool Active = false;
};

bool writeAll(int Fd, const char *Data, size_t N) {
  while (N) {
    ssize_t W = ::write(Fd, Data, N);
    if (W < 0 && errno == EINTR)
      continue;
    if (W <= 0)
      return false;
    Data += W;
    N -= W;
  }
  return true;
}

llvm::Error writeSmallFile(const std::string &Path, llvm::StringRef Content) {
  UniqueFd F(::open(Path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!F || !writeAll(F.F, Content.data(), Content.size()))
    return errnoError("cannot write " + Path);
  return llvm::Error::success();
}

std::string envValue(const std::vector<std::string> &Env, llvm::StringRef Key, bool &Present) {
  Present = false;
  std::string V;
  for (const std::string &E : Env)
    if (llvm::StringRef(E).startswith((Key + "=").str())) {
      Present = true;
      V = E.substr(Key.size() + 1);
    }
  return V;
}

} // namespace

llvm::Expected<SandboxResult> runSandboxed(const SandboxSpec &Spec) {
  if (Spec.Argv.empty())
    return makeError("no command to run; give a command or set Cmd/Entrypoint in the image");
  if (Spec.Rootfs.empty())
    return makeError("no root filesystem given");
  UniqueFd Root(::open(Spec.Rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!Root)
    return errnoError("cannot open the root filesystem " + Spec.Rootfs);

  auto User = resolveUser(Spec.Rootfs, Spec.User);
  if (!User)
    return User.takeError();

  // Environment: PATH and HOME as Docker sets them when absent.
  std::vector<std::string> Env = Spec.Env;
  bool HasPath, HasHome;
  std::string PathVar = envValue(Env, "PATH", HasPath);
  envValue(Env, "HOME", HasHome);
  if (!HasPath) {
    PathVar = DefaultPath;
    Env.insert(Env.begin(), std::string("PATH=") + DefaultPath);
  }
  if (!HasHome)
    Env.push_back("HOME=" + User->Home);

  // Files bound over /etc/hosts, /etc/hostname and /etc/resolv.conf.
  TempDir Tmp;
  if (auto E = Tmp.create())
    return E;
  std::string Hosts =
      "127.0.0.1\tlocalhost " + Spec.Hostname + "\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  std::string Resolv;
  if (Spec.Network == NetworkMode::Host) {
    bool Missing;
    UniqueFd HostRoot(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    auto R = readInRoot(HostRoot.F, "etc/resolv.conf", Missing);
    if (!R)
      return R.takeError();
    Resolv = R->empty() ? "nameserver 8.8.8.8\nnameserver 8.8.4.4\n" : *R;
  }
  if (auto E = writeSmallFile(Tmp.Path + "/hosts", Hosts))
    return E;
  if (auto E = writeSmallFile(Tmp.Path + "/hostname", Spec.Hostname + "\n"))
    return E;
  if (auto E = writeSmallFile(Tmp.Path + "/resolv.conf", Resolv))
    return E;

  // Mount points: created when missing, removed after the run.
  Stubs Stub(Root.F);
  for (const StandardMountPoint &MP : StandardMountPoints)
    if (auto E = Stub.ensure(MP.Path, MP.Dir))
      return E;

  std::vector<std::string> Strings; // keeps c_str()s alive
  Strings.reserve(16 + Spec.Mounts.size() * 3);
  ChildPlan P;
  {
    UniqueFd HostRoot(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    bool Missing;
    auto Last = readInRoot(HostRoot.F, "proc/sys/kernel/cap_last_cap", Missing);
    int V;
    if (Last && !llvm::StringRef(*Last).trim().getAsInteger(10, V) && V > 0 && V < 64)
      P.CapLast = V;
    else if (!Last)
      llvm::consumeError(Last.takeError());
  }
  P.Rootfs = Spec.Rootfs.c_str();
  P.Hostname = Spec.Hostname.c_str();
  P.NewNet = Spec.Network == NetworkMode::None;
  std::string HostsSrc = Tmp.Path + "/hosts", HostnameSrc = Tmp.Path + "/hostname",
              ResolvSrc = Tmp.Path + "/resolv.conf";
  P.Binds.push_back({HostsSrc.c_str(), "/etc/hosts", false});
  P.Binds.push_back({HostnameSrc.c_str(), "/etc/hostname", false});
  P.Binds.push_back({ResolvSrc.c_str(), "/etc/resolv.conf", false});
  std::vector<std::string> Targets;
  Targets.reserve(Spec.Mounts.size());
  std::vector<std::string> TmpfsData;
  TmpfsData.reserve(Spec.Mounts.size());
  for (const MountSpec &M : Spec.Mounts) {
    if (!llvm::StringRef(M.Target).startswith("/"))
      return makeError("mount target '" + M.Target + "' is not absolute; use a path from /");
    Targets.push_back(M.Target);
    if (M.Type == MountSpec::Kind::Bind) {
      struct stat St;
      if (::stat(M.Source.c_str(), &St))
        return errnoError("cannot bind " + M.Source);
      // Under /dev the child creates the target in its fresh /dev tmpfs; a stub in the rootfs
      // would copy /dev up into the layer.
      if (!llvm::StringRef(M.Target).startswith("/dev/"))
        if (auto E = Stub.ensure(M.Target, S_ISDIR(St.st_mode)))
          return E;
      P.Binds.push_back({M.Source.c_str(), Targets.back().c_str(), M.ReadOnly});
    } else {
      if (auto E = Stub.ensure(M.Target, true))
        return E;
      char Mode[16];
      std::snprintf(Mode, sizeof Mode, "%o", M.TmpfsMode);
      std::string D = std::string("mode=") + Mode;
      if (M.TmpfsSize)
        D += ",size=" + std::to_string(M.TmpfsSize);
      TmpfsData.push_back(D);
      unsigned long Flags = MS_NOSUID | MS_NODEV;
      if (M.ReadOnly)
        Flags |= MS_RDONLY;
      P.Tmpfses.push_back({Targets.back().c_str(), TmpfsData.back().c_str(), Flags});
    }
  }
  P.BindFds.assign(P.Binds.size(), -1);

  // The working directory is part of the image, like Docker's WORKDIR: created, not removed.
  std::string Cwd = Spec.Cwd.empty() ? "/" : Spec.Cwd;
  if (Cwd[0] != '/')
    Cwd = "/" + Cwd;
  if (auto E = Stub.ensure(Cwd, true, /*Remove=*/false))
    return E;
  P.Cwd = Cwd.c_str();
  P.Uid = User->Uid;
  P.Gid = User->Gid;
  for (uint32_t G : User->Groups)
    P.Groups.push_back(G);

  // argv, envp and the PATH candidates (the lookup happens inside the sandbox).
  std::vector<char *> Argv, Envp;
  for (const std::string &A : Spec.Argv)
    Argv.push_back(const_cast<char *>(A.c_str()));
  Argv.push_back(nullptr);
  for (const std::string &E : Env)
    Envp.push_back(const_cast<char *>(E.c_str()));
  Envp.push_back(nullptr);
  P.Argv = Argv.data();
  P.Envp = Envp.data();
  P.Argv0 = Spec.Argv[0].c_str();
  std::vector<std::string> Candidates;
  if (llvm::StringRef(Spec.Argv[0]).contains('/')) {
    Candidates.push_back(Spec.Argv[0]);
  } else {
    llvm::SmallVector<llvm::StringRef, 8> Dirs;
    llvm::StringRef(PathVar).split(Dirs, ':', -1, true);
    for (llvm::StringRef D : Dirs)
      Candidates.push_back((D.empty() ? std::string(".") : D.str()) + "/" + Spec.Argv[0]);
  }
  for (const std::string &C : Candidates)
    P.ExecCandidates.push_back(C.c_str());

  // Stdio.
  UniqueFd OutR, OutW, ErrR, ErrW, NullIn, TtyMaster, TtySlave;
  if (Spec.Tty) {
    TtyMaster = UniqueFd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    char Name[128];
    if (!TtyMaster || ::grantpt(TtyMaster.F) || ::unlockpt(TtyMaster.F) ||
        ::ptsname_r(TtyMaster.F, Name, sizeof Name))
      return errnoError("cannot allocate a pseudo-terminal");
    TtySlave = UniqueFd(::open(Name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!TtySlave)
      return errnoError("cannot open the pseudo-terminal");
    struct winsize WS;
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &WS) == 0)
      ::ioctl(TtySlave.F, TIOCSWINSZ, &WS);
    P.TtyFd = TtySlave.F;
  } else {
    if (Spec.OnLine) {
      int O[2], E[2];
      if (::pipe2(O, O_CLOEXEC) || ::pipe2(E, O_CLOEXEC))
        return errnoError("cannot create pipes");
      OutR = UniqueFd(O[0]);
      OutW = UniqueFd(O[1]);
      ErrR = UniqueFd(E[0]);
      ErrW = UniqueFd(E[1]);
      P.StdoutFd = OutW.F;
      P.StderrFd = ErrW.F;
    }
    if (!Spec.Stdin) {
      NullIn = UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      if (!NullIn)
        return errnoError("cannot open /dev/null");
      P.StdinFd = NullIn.F;
    }
  }
  int EP[2];
  if (::pipe2(EP, O_CLOEXEC))
    return errnoError("cannot create a pipe");
  UniqueFd ErrPipeR(EP[0]), ErrPipeW(EP[1]);
  P.ErrFd = ErrPipeW.F;

  SignalCatcher Signals;
  if (auto E = Signals.install())
    return E;

  unsigned long Flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  if (Spec.Network == NetworkMode::None)
    Flags |= CLONE_NEWNET;
  // A fork-like clone: the child shares nothing and only makes system calls until execve.
  long Pid = ::syscall(SYS_clone, Flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (Pid < 0)
    return errnoError("cannot create the sandbox (clone)");
  if (Pid == 0)
    childMain(P);

  // Parent.
  ErrPipeW.reset();
  OutW.reset();
  ErrW.reset();
  TtySlave.reset();
  UniqueFd PidFd(static_cast<int>(::syscall(SYS_pidfd_open, Pid, 0)));

  ChildError CE;
  ssize_t Got;
  do
    Got = ::read(ErrPipeR.F, &CE, sizeof CE);
  while (Got < 0 && errno == EINTR);
  SandboxResult Result;
  auto Reap = [&]() -> int {
    int Status = 0;
    while (::waitpid(static_cast<pid_t>(Pid), &Status, 0) < 0 && errno == EINTR)
      ;
    return Status;
  };
  if (Got == static_cast<ssize_t>(sizeof CE)) {
    Reap();
    CE.Msg[sizeof CE.Msg - 1] = 0;
    if (CE.IsExec) {
      Result.ExitCode = CE.Errno == ENOENT ? 127 : 126;
      std::string Msg =
          CE.Errno == ENOENT
              ? (llvm::StringRef(CE.Msg).contains('/')
                     ? std::string("exec: \"") + CE.Msg + "\": no such file or directory"
                     : std::string("exec: \"") + CE.Msg + "\": executable file not found in $PATH")
              : std::string("exec: \"") + CE.Msg + "\": " + std::strerror(CE.Errno);
      Result.ExecError = Msg;
      return Result;
    }
    return makeError(llvm::Twine(CE.Msg) + ": " + std::strerror(CE.Errno));
  }

  std::deque<std::string> Tail;
  LineSplitter Lines(Spec, Tail);
  RawTerminal Raw(Spec.Tty && Spec.Stdin ? STDIN_FILENO : -1);
  bool Exited = false;
  int Status = 0;
  int SignalsSeen = 0;
  bool StdinOpen = Spec.Tty && Spec.Stdin;
  char Buf[65536];
  for (;;) {
    struct pollfd Fds[6];
    int N = 0;
    int IOut = -1, IErr = -1, ISig = -1, IPid = -1, IMaster = -1, IIn = -1;
    if (OutR) {
      IOut = N;
      Fds[N++] = {OutR.F, POLLIN, 0};
    }
    if (ErrR) {
      IErr = N;
      Fds[N++] = {ErrR.F, POLLIN, 0};
    }
    if (TtyMaster) {
      IMaster = N;
      Fds[N++] = {TtyMaster.F, POLLIN, 0};
    }
    if (StdinOpen) {
      IIn = N;
      Fds[N++] = {STDIN_FILENO, POLLIN, 0};
    }
    ISig = N;
    Fds[N++] = {Signals.Read.F, POLLIN, 0};
    if (!Exited) {
      IPid = N;
      Fds[N++] = {PidFd.F, POLLIN, 0};
    }
    if (Exited && !OutR && !ErrR && !TtyMaster)
      break;
    int R = ::poll(Fds, N, -1);
    if (R < 0 && errno == EINTR)
      continue;
    if (R < 0)
      break;
    auto Drain = [&](UniqueFd &F, int Idx, OutputStream Which) {
      if (Idx < 0 || !(Fds[Idx].revents & (POLLIN | POLLHUP | POLLERR)))
        return;
      ssize_t Rd = ::read(F.F, Buf, sizeof Buf);
      if (Rd < 0 && errno == EINTR)
        return;
      if (Rd <= 0) {
        F.reset();
        return;
      }
      Lines.feed(Which, Buf, Rd);
    };
    Drain(OutR, IOut, OutputStream::Stdout);
    Drain(ErrR, IErr, OutputStream::Stderr);
    if (IMaster >= 0 && (Fds[IMaster].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t Rd = ::read(TtyMaster.F, Buf, sizeof Buf);
      if (Rd <= 0 && !(Rd < 0 && errno == EINTR))
        TtyMaster.reset();
      else if (Rd > 0) {
        if (Spec.OnLine)
          Lines.feed(OutputStream::Stdout, Buf, Rd);
        else
          writeAll(STDOUT_FILENO, Buf, Rd);
      }
    }
    if (IIn >= 0 && (Fds[IIn].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t Rd = ::read(STDIN_FILENO, Buf, sizeof Buf);
      if (Rd <= 0) {
        StdinOpen = false;
        if (TtyMaster) {
          char Eof = 4; // ^D: end of input for the program on the terminal
          writeAll(TtyMaster.F, &Eof, 1);
        }
      } else if (TtyMaster) {
        writeAll(TtyMaster.F, Buf, Rd);
      }
    }
    if (Fds[ISig].revents & POLLIN) {
      unsigned char S;
      while (::read(Signals.Read.F, &S, 1) == 1) {
        if (!Result.Interrupted)
          Result.Interrupted = S;
        ++SignalsSeen;
        if (!Exited) {
          if (Spec.KillOnSignal || SignalsSeen > 1)
            ::kill(static_cast<pid_t>(Pid), SIGKILL);
          else
            ::kill(static_cast<pid_t>(Pid), S);
        }
      }
    }
    if (IPid >= 0 && (Fds[IPid].revents & POLLIN)) {
      Status = Reap();
      Exited = true;
      // The pid namespace is gone with its init: every writer of the pipes is dead, so they
      // reach end of file. A pty master reports EIO then.
    }
  }
  if (!Exited)
    Status = Reap();
  Lines.finish();
  if (WIFEXITED(Status)) {
    Result.ExitCode = WEXITSTATUS(Status);
  } else if (WIFSIGNALED(Status)) {
    Result.Signal = WTERMSIG(Status);
    Result.ExitCode = 128 + Result.Signal;
  }
  Result.Tail.assign(Tail.begin(), Tail.end());
  return Result;
}

} // namespace ballast::builder
