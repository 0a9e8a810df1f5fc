//===- SandboxTest.cpp - The namespace sandbox over a busybox rootfs ------===//
#include "builder/Sandbox.h"
#include "builder/SandboxTestUtil.h"

#include <atomic>
#include <csignal>
#include <sys/stat.h>
#include <thread>

#include <gtest/gtest.h>

using namespace ballast;
using namespace ballast::builder;
using namespace ballast::builder::testutil;
namespace fs = std::filesystem;

namespace {

class SandboxTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    Root = new fs::path(makeTempDir("ballast-sandbox-rootfs"));
    makeBusyboxRootfs(*Root);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*Root);
    delete Root;
  }
  void SetUp() override {
    MountsBefore = mountPoints(Root->string());
    TopBefore = listDir(*Root);
    EtcBefore = listDir(*Root / "etc");
  }
  void TearDown() override {
    // Nothing stays mounted and no mount point stub stays in the rootfs.
    EXPECT_EQ(mountPoints(Root->string()), MountsBefore);
    EXPECT_EQ(listDir(*Root), TopBefore);
    EXPECT_EQ(listDir(*Root / "etc"), EtcBefore);
  }

  /// Runs `sh -c Script` and returns stdout lines joined by "\n" (stderr lines prefixed "E:").
  std::string sh(const std::string &Script, SandboxSpec S = {}, int *Exit = nullptr) {
    S.Rootfs = Root->string();
    S.Argv = {"/bin/sh", "-c", Script};
    std::string Out;
    S.OnLine = [&](OutputStream W, llvm::StringRef L) {
      if (!Out.empty())
        Out += "\n";
      Out += (W == OutputStream::Stderr ? "E:" : "") + L.str();
    };
    auto R = runSandboxed(S);
    if (!R) {
      ADD_FAILURE() << llvm::toString(R.takeError());
      return "";
    }
    if (Exit)
      *Exit = R->ExitCode;
    else
      EXPECT_EQ(R->ExitCode, 0) << Out;
    return Out;
  }

  static fs::path *Root;
  std::multiset<std::string> MountsBefore;
  std::vector<std::string> TopBefore, EtcBefore;
};

fs::path *SandboxTest::Root = nullptr;

TEST_F(SandboxTest, CommandIsPidOneWithItsOwnHostname) {
  SandboxSpec S;
  S.Hostname = "step-7";
  EXPECT_EQ(sh("echo $$; hostname; cat /etc/hostname; cat /proc/1/comm; true", S),
            "1\nstep-7\nstep-7\nsh");
}

TEST_F(SandboxTest, ProcShowsOnlyTheSandboxProcesses) {
  // The glob is expanded by the shell itself (pid 1), so no other process exists.
  EXPECT_EQ(sh("echo /proc/[0-9]*"), "/proc/1");
}

TEST_F(SandboxTest, DevHoldsOnlyTheMinimalNodes) {
  EXPECT_EQ(sh("ls /dev | tr '\\n' ' '"),
            "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ");
  EXPECT_EQ(
      sh("echo gone > /dev/null && head -c 3 /dev/zero | od -An -tx1 | tr -d ' '; "
         "head -c 8 /dev/urandom | wc -c; (echo x > /dev/full) 2>/dev/null || echo full-fails; "
         "stat -c '%t,%T %a' /dev/null"),
      "000000\n8\nfull-fails\n1,3 666");
  EXPECT_EQ(sh("grep -E ' /dev(/pts|/shm)? ' /proc/mounts | cut -d' ' -f1-3"),
            "tmpfs /dev tmpfs\ndevpts /dev/pts devpts\nshm /dev/shm tmpfs");
}

TEST_F(SandboxTest, SysIsReadOnly) {
  int Exit = -1;
  EXPECT_EQ(sh("grep ' /sys ' /proc/mounts | cut -d' ' -f1-4 | cut -d, -f1; "
               "mkdir /sys/x 2>/dev/null || echo denied",
               {}, &Exit),
            "sysfs /sys sysfs ro\ndenied");
}

TEST_F(SandboxTest, GeneratedEtcFilesAndNothingInTheRootfs) {
  SandboxSpec S;
  S.Hostname = "box";
  EXPECT_EQ(sh("cat /etc/hosts", S), "127.0.0.1\tlocalhost box\n::1\tlocalhost ip6-localhost "
                                     "ip6-loopback");
  // The host's resolv.conf is copied.
  std::string Host = readFile("/etc/resolv.conf");
  while (!Host.empty() && Host.back() == '\n')
    Host.pop_back();
  if (Host.empty())
    Host = "nameserver 8.8.8.8\nnameserver 8.8.4.4";
  EXPECT_EQ(sh("cat /etc/resolv.conf", S), Host);
  // Writes to them go to the temporary copies, not the rootfs (TearDown checks /etc).
  sh("echo 10.0.0.1 db >> /etc/hosts");
  EXPECT_FALSE(fs::exists(*Root / "etc/hosts"));
}

TEST_F(SandboxTest, HostFilesAreInvisible) {
  fs::path Marker = makeTempDir("ballast-host-marker");
  writeFile(Marker / "secret", "host");
  std::string Name = Marker.filename().string();
  EXPECT_EQ(sh("echo $(ls /); test -e /tmp/" + Name +
               " && echo visible || echo hidden; "
               "ls /tmp | wc -l; cat /proc/1/root/tmp/" +
               Name + "/secret 2>/dev/null || echo no"),
            "bin dev etc proc root sys tmp\nhidden\n0\nno");
  fs::remove_all(Marker);
}

TEST_F(SandboxTest, PrivilegesAreLimited) {
  // Docker's default capabilities without mknod; nothing of the host's disk or kernel knobs.
  EXPECT_EQ(sh("grep -E '^Cap(Eff|Bnd|Inh)' /proc/self/status | tr '\\t' ' '; "
               "mknod /tmp/disk b 254 0 2>/dev/null || echo no-mknod; "
               "mount -t tmpfs t /tmp 2>/dev/null || echo no-mount; "
               "(echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || echo no-sysctl; "
               "wc -c < /proc/timer_list"),
            "CapInh: 00000000a00425fb\nCapEff: 00000000a00425fb\nCapBnd: 00000000a00425fb\n"
            "no-mknod\nno-mount\nno-sysctl\n0");
  SandboxSpec S;
  S.User = "app";
  EXPECT_EQ(sh("grep -E '^Cap(Eff|Bnd)' /proc/self/status | tr '\\t' ' '", S),
            "CapEff: 0000000000000000\nCapBnd: 00000000a00425fb");
}

TEST_F(SandboxTest, UserForms) {
  SandboxSpec S;
  S.User = "app";
  EXPECT_EQ(sh("id -u; id -g; id -G; echo $HOME", S), "1000\n1000\n1000 10\n/home/app");
  S.User = "nobody:wheel";
  EXPECT_EQ(sh("id -u; id -g; id -G", S), "65534\n10\n10");
  S.User = "4242";
  EXPECT_EQ(sh("id -u; id -g; echo $HOME", S), "4242\n0\n/");
  S.User = "4242:4343";
  EXPECT_EQ(sh("id -u; id -g", S), "4242\n4343");
  S.User = "";
  // root is listed in wheel.
  EXPECT_EQ(sh("id -u; id -G; echo $HOME", S), "0\n0 10\n/root");
}

TEST_F(SandboxTest, UnknownUserIsAnError) {
  SandboxSpec S;
  S.Rootfs = Root->string();
  S.Argv = {"true"};
  S.User = "ghost";
  auto R = runSandboxed(S);
  ASSERT_FALSE(R);
  EXPECT_EQ(llvm::toString(R.takeError()),
            "unable to find user ghost: no matching entries in passwd file; use a numeric uid "
            "or add the user");
  S.User = "app:ghosts";
  R = runSandboxed(S);
  ASSERT_FALSE(R);
  EXPECT_EQ(llvm::toString(R.takeError()),
            "unable to find group ghosts: no matching entries in group file; use a numeric gid "
            "or add the group");
}

TEST_F(SandboxTest, WorkingDirectoryIsCreated) {
  SandboxSpec S;
  S.Cwd = "/srv/app/deep";
  EXPECT_EQ(sh("pwd", S), "/srv/app/deep");
  struct stat St;
  ASSERT_EQ(::lstat((*Root / "srv/app/deep").c_str(), &St), 0);
  EXPECT_TRUE(S_ISDIR(St.st_mode));
  EXPECT_EQ(St.st_mode & 07777, 0755u);
  fs::remove_all(*Root / "srv");
}

TEST_F(SandboxTest, EnvironmentAndDefaultPath) {
  SandboxSpec S;
  S.Env = {"FOO=bar baz", "HOME=/h"};
  EXPECT_EQ(sh("echo \"$FOO|$PATH|$HOME\"; env | sort | tr '\\n' ' '", S),
            "bar baz|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/h\n"
            "FOO=bar baz HOME=/h PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "
            "PWD=/ SHLVL=1 ");
  S.Env = {"PATH=/nowhere"};
  SandboxSpec T = S;
  T.Rootfs = Root->string();
  T.Argv = {"true"};
  auto R = runSandboxed(T);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->ExitCode, 127);
  EXPECT_EQ(R->ExecError, "exec: \"true\": executable file not found in $PATH");
}

TEST_F(SandboxTest, ExecFailures) {
  SandboxSpec S;
  S.Rootfs = Root->string();
  S.Argv = {"/bin/nope"};
  auto R = runSandboxed(S);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->ExitCode, 127);
  EXPECT_EQ(R->ExecError, "exec: \"/bin/nope\": no such file or directory");
  S.Argv = {"/etc/passwd"};
  R = runSandboxed(S);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->ExitCode, 126);
  EXPECT_EQ(R->ExecError, "exec: \"/etc/passwd\": Permission denied");
}

TEST_F(SandboxTest, ExitCodesAndOutputStreams) {
  int Exit = -1;
  EXPECT_EQ(sh("echo out; echo err >&2; printf 'no newline'; exit 3", {}, &Exit),
            "out\nE:err\nno newline");
  EXPECT_EQ(Exit, 3);
}

TEST_F(SandboxTest, TailKeepsTheLastLines) {
  SandboxSpec S;
  S.Rootfs = Root->string();
  S.Argv = {"/bin/sh", "-c", "for i in 1 2 3 4 5 6; do echo line $i; done; exit 1"};
  S.TailLines = 3;
  S.OnLine = [](OutputStream, llvm::StringRef) {};
  auto R = runSandboxed(S);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->ExitCode, 1);
  EXPECT_EQ(R->Tail, (std::vector<std::string>{"line 4", "line 5", "line 6"}));
}

TEST_F(SandboxTest, NetworkNoneHasOnlyLoopback) {
  SandboxSpec S;
  S.Network = NetworkMode::None;
  EXPECT_EQ(
      sh("ls /sys/class/net; cat /sys/class/net/lo/operstate; cat /etc/resolv.conf | wc -c", S),
      "lo\nunknown\n0");
  // The host network is shared by default: the same interfaces as the host.
  std::string Host;
  for (const std::string &N : listDir("/sys/class/net"))
    Host += (Host.empty() ? "" : " ") + N;
  EXPECT_EQ(sh("ls /sys/class/net | tr '\\n' ' ' | sed 's/ $//'"), Host);
}

TEST_F(SandboxTest, BindTmpfsAndFileMounts) {
  fs::path Cache = makeTempDir("ballast-sandbox-cache");
  fs::path Ro = makeTempDir("ballast-sandbox-ro");
  writeFile(Ro / "data", "read me");
  fs::path Secret = makeTempDir("ballast-sandbox-secret");
  writeFile(Secret / "token", "s3cr3t");
  SandboxSpec S;
  S.Mounts.push_back({MountSpec::Kind::Bind, Cache.string(), "/var/cache/apt", false});
  S.Mounts.push_back({MountSpec::Kind::Bind, Ro.string(), "/src", true});
  S.Mounts.push_back(
      {MountSpec::Kind::Bind, (Secret / "token").string(), "/run/secrets/tok", true});
  MountSpec T;
  T.Type = MountSpec::Kind::Tmpfs;
  T.Target = "/scratch";
  T.TmpfsSize = 1 << 20;
  S.Mounts.push_back(T);
  int Exit = -1;
  EXPECT_EQ(sh("echo cached > /var/cache/apt/pkg; cat /src/data; echo; "
               "touch /src/x 2>/dev/null || echo ro; cat /run/secrets/tok; echo; "
               "grep ' /scratch ' /proc/mounts | cut -d' ' -f1-3; echo t > /scratch/f; "
               "ls /scratch",
               S, &Exit),
            "read me\nro\ns3cr3t\ntmpfs /scratch tmpfs\nf");
  EXPECT_EQ(Exit, 0);
  EXPECT_EQ(readFile(Cache / "pkg"), "cached\n");
  EXPECT_FALSE(fs::exists(Ro / "x"));
  // Mount point stubs are gone: no /var, /src, /run, /scratch in the rootfs (TearDown).
  fs::remove_all(Cache);
  fs::remove_all(Ro);
  fs::remove_all(Secret);
}

TEST_F(SandboxTest, MountTargetsCannotEscapeThroughSymlinks) {
  // An absolute symlink in the rootfs resolves inside it, not on the host: the host folder it
  // names stays empty and the mount fails because that path does not exist in the rootfs.
  fs::path HostDir = makeTempDir("ballast-sandbox-victim");
  fs::create_directory_symlink(HostDir, *Root / "escape");
  fs::path Src = makeTempDir("ballast-sandbox-src");
  writeFile(Src / "f", "x");
  SandboxSpec S;
  S.Rootfs = Root->string();
  S.Argv = {"true"};
  S.Mounts.push_back({MountSpec::Kind::Bind, Src.string(), "/escape/m", true});
  auto R = runSandboxed(S);
  ASSERT_FALSE(R);
  EXPECT_EQ(llvm::toString(R.takeError()),
            "cannot create mount point /escape/m: No such file or directory");
  EXPECT_TRUE(listDir(HostDir).empty());
  fs::remove(*Root / "escape");
  fs::remove_all(HostDir);
  fs::remove_all(Src);
}

TEST_F(SandboxTest, PasswdSymlinkDoesNotReadTheHost) {
  fs::rename(*Root / "etc/passwd", *Root / "etc/passwd.orig");
  fs::create_symlink("../../../../../../etc/passwd", *Root / "etc/passwd");
  auto U = resolveUser(Root->string(), "root");
  // The link resolves to the rootfs's own /etc/passwd: itself, a loop, not the host's file.
  EXPECT_FALSE(U);
  if (!U)
    llvm::consumeError(U.takeError());
  fs::remove(*Root / "etc/passwd");
  fs::rename(*Root / "etc/passwd.orig", *Root / "etc/passwd");
}

TEST_F(SandboxTest, TtyGivesATerminal) {
  SandboxSpec S;
  S.Tty = true;
  EXPECT_EQ(sh("test -t 0 && test -t 1 && echo terminal", S), "terminal\r");
}

TEST_F(SandboxTest, InterruptKillsTheStepAndCleansUp) {
  fs::path Tmp = makeTempDir("ballast-sandbox-tmpdir");
  const char *Old = ::getenv("TMPDIR");
  std::string Saved = Old ? Old : "";
  ::setenv("TMPDIR", Tmp.c_str(), 1);
  SandboxSpec S;
  S.Rootfs = Root->string();
  S.Argv = {"/bin/sh", "-c", "echo started; sleep 60; echo never"};
  S.Mounts.push_back({MountSpec::Kind::Tmpfs, "", "/scratch"});
  std::vector<std::string> Lines;
  S.OnLine = [&](OutputStream, llvm::StringRef L) {
    Lines.push_back(L.str());
    if (L == "started")
      ::kill(::getpid(), SIGINT);
  };
  auto R = runSandboxed(S);
  if (Old)
    ::setenv("TMPDIR", Saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->Interrupted, SIGINT);
  EXPECT_EQ(R->Signal, SIGKILL);
  EXPECT_EQ(R->ExitCode, 137);
  EXPECT_EQ(Lines, std::vector<std::string>{"started"});
  EXPECT_TRUE(listDir(Tmp).empty());
  fs::remove_all(Tmp);
  // The caller's SIGINT disposition is back (gtest's default: terminate).
  struct sigaction SA;
  ::sigaction(SIGINT, nullptr, &SA);
  EXPECT_EQ(SA.sa_handler, SIG_DFL);
}

TEST_F(SandboxTest, ForwardedSignalReachesTheCommand) {
  SandboxSpec S;
  S.Rootfs = Root->string();
  S.KillOnSignal = false;
  S.Argv = {"/bin/sh", "-c",
            "trap 'echo got TERM; exit 42' TERM; echo ready; "
            "while true; do sleep 0.05; done"};
  std::vector<std::string> Lines;
  S.OnLine = [&](OutputStream, llvm::StringRef L) {
    Lines.push_back(L.str());
    if (L == "ready")
      ::kill(::getpid(), SIGTERM);
  };
  auto R = runSandboxed(S);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->Interrupted, SIGTERM);
  EXPECT_EQ(R->ExitCode, 42);
  EXPECT_EQ(Lines, (std::vector<std::string>{"ready", "got TERM"}));
}

// glibc's setuid/setgid/setgroups in a multi-threaded program synchronise with every other
// thread (__nptl_setxid) under the thread-stack lock: a child cloned while another thread is
// being created or destroyed waited for that lock forever. With threads coming and going all
// the time, sandboxes started from two threads at once must all run to completion.
TEST_F(SandboxTest, StartsFromManyThreadsWhileThreadsComeAndGo) {
  std::atomic<bool> Done{false};
  std::thread Churn([&]() {
    while (!Done)
      std::thread([]() {}).join();
  });
  constexpr int Runs = 40;
  std::atomic<int> Ok{0};
  // One root per worker: a run creates and removes mount point stubs in its root.
  fs::path Roots[2] = {makeTempDir("ballast-sandbox-rootfs-a"),
                       makeTempDir("ballast-sandbox-rootfs-b")};
  for (const fs::path &R : Roots)
    makeBusyboxRootfs(R);
  auto Worker = [&](const fs::path &Rootfs) {
    for (int I = 0; I < Runs; ++I) {
      SandboxSpec S;
      S.Rootfs = Rootfs.string();
      S.Argv = {"/bin/true"};
      S.User = I % 2 ? "app" : "";
      auto R = runSandboxed(S);
      if (!R)
        ADD_FAILURE() << llvm::toString(R.takeError());
      else if (R->ExitCode == 0)
        ++Ok;
    }
  };
  std::thread A(Worker, Roots[0]), B(Worker, Roots[1]);
  A.join();
  B.join();
  Done = true;
  Churn.join();
  EXPECT_EQ(Ok.load(), 2 * Runs);
  for (const fs::path &R : Roots) {
    EXPECT_EQ(mountPoints(R.string()).size(), 0u);
    fs::remove_all(R);
  }
}

TEST(NetworkModeTest, Parse) {
  EXPECT_EQ(*parseNetworkMode("host"), NetworkMode::Host);
  EXPECT_EQ(*parseNetworkMode("none"), NetworkMode::None);
  auto E = parseNetworkMode("bridge");
  ASSERT_FALSE(E);
  EXPECT_EQ(llvm::toString(E.takeError()), "unknown network mode 'bridge'; use host or none");
}

} // namespace
