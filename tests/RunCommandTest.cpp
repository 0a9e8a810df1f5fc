//===- RunCommandTest.cpp - `ballast run` end to end ----------------------===//
//
// A busybox-static rootfs (with passwd and group) is imported with `ballast import --change`,
// then run through the `ballast` binary: Docker's Entrypoint/Cmd/Env/WorkingDir/User rules, the
// flags, exit statuses, and that nothing stays mounted or changed after a run.
//
//===----------------------------------------------------------------------===//
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builder/SandboxTestUtil.h"
#include "tests/TestUtil.h"

using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

std::string exe() { return BALLAST_EXE; }

class RunCommandTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = tempDir("ballast-runcli");
    MountsBefore = ballast::builder::testutil::mountPoints(Dir.string());
    Root = Dir / "root";
    ballast::builder::testutil::makeBusyboxRootfs(Dir / "rootfs");
    std::string Out;
    ASSERT_EQ(run("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C " +
                      (Dir / "rootfs").string() + " -cf " + (Dir / "rootfs.tar").string() + " .",
                  Out, true),
              0)
        << Out;
  }
  void TearDown() override {
    EXPECT_EQ(ballast::builder::testutil::mountPoints(Dir.string()), MountsBefore);
    // No overlay work folder stays behind in the store.
    EXPECT_TRUE(ballast::builder::testutil::listDir(Root / ".ballast/snapshots/.tmp").empty());
    fs::remove_all(Dir);
  }
  void import(const std::string &Changes, const std::string &Name) {
    std::string Out;
    ASSERT_EQ(run(exe() + " import --root " + Root.string() + " " + Changes + " " +
                      (Dir / "rootfs.tar").string() + " " + Name,
                  Out, true),
              0)
        << Out;
  }
  /// `ballast run --root ROOT ARGS`; Out gets stdout (and stderr when MergeErr).
  int ballastRun(const std::string &Args, std::string &Out, bool MergeErr = false) {
    return run(exe() + " run --root " + Root.string() + " " + Args + " </dev/null", Out, MergeErr);
  }
  std::multiset<std::string> MountsBefore;
  fs::path Dir, Root;
};

} // namespace

TEST_F(RunCommandTest, ImageConfigIsApplied) {
  import("--change 'CMD [\"echo\", \"hello\"]' --change 'ENV GREETING=hi' "
         "--change 'WORKDIR /app' --change 'USER app'",
         "bb:1");
  std::string Out;
  EXPECT_EQ(ballastRun("bb:1", Out), 0);
  EXPECT_EQ(Out, "hello\n");
  EXPECT_EQ(
      ballastRun("bb:1 sh -c 'echo $GREETING $(pwd) $(id -u) $(hostname | wc -c); exit 7'", Out),
      7);
  // A random 12-hex-digit hostname, like Docker's container id.
  EXPECT_EQ(Out, "hi /app 1000 13\n");
}

TEST_F(RunCommandTest, FlagsOverrideTheImage) {
  import("--change 'ENV GREETING=hi' --change 'USER app'", "bb:1");
  std::string Out;
  EXPECT_EQ(ballastRun("-e GREETING=yo -e EXTRA=1 -w /work/dir -u nobody:wheel --hostname box "
                       "bb:1 sh -c 'echo $GREETING $EXTRA $(pwd) $(id -u):$(id -g) $(hostname)'",
                       Out),
            0);
  EXPECT_EQ(Out, "yo 1 /work/dir 65534:10 box\n");
  // Flags after the image belong to the command.
  EXPECT_EQ(ballastRun("bb:1 ls -d -1 /etc", Out), 0);
  EXPECT_EQ(Out, "/etc\n");
}

TEST_F(RunCommandTest, EntrypointRules) {
  import("--change 'ENTRYPOINT [\"echo\", \"ep\"]' --change 'CMD [\"c\"]'", "ep:1");
  std::string Out;
  EXPECT_EQ(ballastRun("ep:1", Out), 0);
  EXPECT_EQ(Out, "ep c\n");
  EXPECT_EQ(ballastRun("ep:1 x y", Out), 0);
  EXPECT_EQ(Out, "ep x y\n");
  // --entrypoint drops the image's CMD.
  EXPECT_EQ(ballastRun("--entrypoint pwd ep:1", Out), 0);
  EXPECT_EQ(Out, "/\n");
  EXPECT_EQ(ballastRun("--entrypoint sh ep:1 -c 'echo z'", Out), 0);
  EXPECT_EQ(Out, "z\n");
}

TEST_F(RunCommandTest, VolumesAndNetwork) {
  import("", "bb:1");
  fs::create_directories(Dir / "data");
  fs::create_directories(Dir / "ro");
  spit(Dir / "ro" / "in", "input");
  std::string Out;
  EXPECT_EQ(ballastRun("-v " + (Dir / "data").string() + ":/data -v " + (Dir / "ro").string() +
                           ":/in:ro bb:1 sh -c 'cat /in/in; echo; echo out > /data/f; "
                           "touch /in/x 2>/dev/null || echo ro'",
                       Out),
            0);
  EXPECT_EQ(Out, "input\nro\n");
  EXPECT_EQ(slurp(Dir / "data" / "f"), "out\n");
  EXPECT_EQ(ballastRun("--network none bb:1 ls /sys/class/net", Out), 0);
  EXPECT_EQ(Out, "lo\n");
}

TEST_F(RunCommandTest, StdinOnlyWithInteractiveAndATerminalWithTty) {
  import("", "bb:1");
  std::string Base = exe() + " run --root " + Root.string();
  std::string Out;
  // -i hands the caller's stdin to the command; without it the command reads /dev/null.
  EXPECT_EQ(run("printf 'in put\\n' | " + Base + " -i bb:1 sh -c 'read L; echo \"got $L\"'", Out),
            0);
  EXPECT_EQ(Out, "got in put\n");
  EXPECT_EQ(run("printf 'in put\\n' | " + Base + " bb:1 sh -c 'cat; echo end'", Out), 0);
  EXPECT_EQ(Out, "end\n");
  // -t: stdin and stdout are a terminal (the line ends as a terminal writes it).
  EXPECT_EQ(run(Base + " -t bb:1 sh -c 'test -t 0 && test -t 1 && echo terminal' </dev/null", Out),
            0);
  EXPECT_EQ(Out, "terminal\r\n");
  EXPECT_EQ(run(Base + " bb:1 sh -c 'test -t 1 || echo pipe' </dev/null", Out), 0);
  EXPECT_EQ(Out, "pipe\n");
}

TEST_F(RunCommandTest, EveryRunStartsFromTheImage) {
  import("", "bb:1");
  std::string Out;
  EXPECT_EQ(ballastRun("--rm bb:1 sh -c 'echo x > /etc/made; rm /bin/vi; ls /etc/made'", Out), 0);
  EXPECT_EQ(Out, "/etc/made\n");
  EXPECT_EQ(ballastRun("bb:1 sh -c 'ls /etc/made 2>/dev/null || echo clean; ls /bin/vi'", Out), 0);
  EXPECT_EQ(Out, "clean\n/bin/vi\n");
}

TEST_F(RunCommandTest, ExitStatusesAndErrors) {
  import("", "bb:1");
  std::string Out;
  EXPECT_EQ(ballastRun("bb:1 nosuch", Out, true), 127);
  EXPECT_EQ(Out, "ballast run: exec: \"nosuch\": executable file not found in $PATH\n");
  EXPECT_EQ(ballastRun("bb:1 /etc/passwd", Out, true), 126);
  EXPECT_EQ(Out, "ballast run: exec: \"/etc/passwd\": Permission denied\n");
  EXPECT_EQ(ballastRun("bb:1", Out, true), 125);
  EXPECT_EQ(Out, "ballast run: no command specified; give one after the image name or set CMD "
                 "or ENTRYPOINT in the image\n");
  EXPECT_EQ(ballastRun("missing:1 true", Out, true), 125);
  EXPECT_THAT(Out, HasSubstr("ballast run: "));
  EXPECT_THAT(Out, HasSubstr("missing"));
  EXPECT_EQ(ballastRun("-u ghost bb:1 true", Out, true), 125);
  EXPECT_EQ(Out, "ballast run: unable to find user ghost: no matching entries in passwd file; "
                 "use a numeric uid or add the user\n");
  EXPECT_EQ(run(exe() + " run --root " + Root.string(), Out, true), 2);
  EXPECT_EQ(Out, "ballast run: requires at least 1 argument; usage: ballast run [OPTIONS] IMAGE "
                 "[COMMAND] [ARG...]\n");
  EXPECT_EQ(ballastRun("--network bridge bb:1 true", Out, true), 2);
  EXPECT_EQ(Out, "ballast run: unknown network mode 'bridge'; use host or none\n");
  EXPECT_EQ(ballastRun("-v relative:/x bb:1 true", Out, true), 2);
  EXPECT_EQ(Out, "ballast run: invalid volume 'relative:/x'; both paths must be absolute\n");
}

TEST_F(RunCommandTest, InterruptStopsTheContainerAndCleansUp) {
  import("", "bb:1");
  // The first SIGINT goes to the command (sleep as pid 1 ignores it, as under Docker), the next
  // one kills the container; either way nothing stays mounted (TearDown checks).
  std::string Log = (Dir / "out").string();
  std::string Out;
  EXPECT_EQ(run(exe() + " run --root " + Root.string() +
                    " bb:1 sh -c 'echo ready; exec sleep 60' >" + Log +
                    " 2>&1 </dev/null & P=$!; "
                    "i=0; while ! grep -q ready " +
                    Log +
                    "; do kill -0 $P 2>/dev/null || break; i=$((i+1)); "
                    "[ $i -le 1200 ] || { echo never ready; break; }; sleep 0.05; done; "
                    "i=0; while kill -INT $P 2>/dev/null; do i=$((i+1)); "
                    "[ $i -le 600 ] || { echo SIGINT did not stop it; kill -KILL $P; break; }; "
                    "sleep 0.1; done; wait $P; echo status=$?",
                Out, true),
            0);
  EXPECT_EQ(Out, "status=137\n");
  EXPECT_EQ(slurp(Log), "ready\n");
}
