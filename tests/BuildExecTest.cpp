//===- BuildExecTest.cpp - `ballast build` execution: parallel stages, secrets, push, signals ===//
//
// The execution side of `ballast build` end to end through the `ballast` binary, on a
// busybox-static rootfs imported as `busybox:exec`: independent stages run at the same time
// (checked by a rendezvous, not by timing), secrets reach only their RUN, --push and several
// tags, SIGINT during a RUN, and binds of the context honour .dockerignore. After every test no
// mount is left under the test's folder and no temporary folder is left in the store.
//
//===----------------------------------------------------------------------===//
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/inotify.h>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builder/SandboxTestUtil.h"
#include "oci/Compression.h"
#include "oci/LayerReader.h"
#include "registry/testing/RegistryHarness.h"
#include "store/Store.h"
#include "tests/TestUtil.h"

using namespace ballast;
using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string exe() { return BALLAST_EXE; }

class BuildExecTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = tempDir("ballast-buildexec");
    MountsBefore = builder::testutil::mountPoints(Dir.string());
    Root = Dir / "root";
    Tmp = Dir / "tmp";
    fs::create_directories(Tmp);
    builder::testutil::makeBusyboxRootfs(Dir / "rootfs");
    std::string Out;
    ASSERT_EQ(run("tar -C " + (Dir / "rootfs").string() + " --mtime=@1600000000 -cf " +
                      (Dir / "rootfs.tar").string() + " . && " + exe() + " import --root " +
                      Root.string() + " " + (Dir / "rootfs.tar").string() + " busybox:exec",
                  Out, true),
              0)
        << Out;
  }
  void TearDown() override {
    EXPECT_EQ(builder::testutil::mountPoints(Dir.string()), MountsBefore);
    EXPECT_TRUE(builder::testutil::listDir(Root / ".ballast/snapshots/.tmp").empty());
    // The sandboxes' temporary folders (TMPDIR points here) are gone.
    EXPECT_TRUE(builder::testutil::listDir(Tmp).empty());
    fs::remove_all(Dir);
  }
  /// Runs `ballast build` with Flags (TMPDIR in the test's folder); returns the exit status,
  /// Out gets stdout+stderr.
  int build(const std::string &Flags, std::string &Out, const std::string &Env = "") {
    return run("TMPDIR=" + Tmp.string() + " " + Env + " " + exe() + " build --root " +
                   Root.string() + " " + Flags,
               Out, true);
  }
  std::string imageId(const std::string &Out) {
    auto P = Out.rfind("sha256:");
    return P == std::string::npos ? "" : Out.substr(P, 71);
  }
  /// `ballast run --rm IMAGE ARGS`: stdout.
  std::string runIn(const std::string &Image, const std::string &Args) {
    std::string Out;
    EXPECT_EQ(run("TMPDIR=" + Tmp.string() + " " + exe() + " run --root " + Root.string() + " " +
                      Image + " " + Args,
                  Out, true),
              0)
        << Out;
    return Out;
  }
  fs::path Dir, Root, Tmp;
  std::multiset<std::string> MountsBefore;
};

/// A shell loop for busybox sh: waits (at most ~30 s, then exit 7) for File to appear.
std::string waitFor(const std::string &File) {
  return "i=0; while [ ! -e " + File +
         " ]; do i=$((i+1)); if [ $i -gt 300 ]; then echo gave up waiting for " + File +
         "; exit 7; fi; sleep 0.1; done";
}

} // namespace

// Two independent stages each wait in a RUN for a file the other one creates in a shared cache
// mount: built one after the other the first RUN gives up (exit 7), built at the same time both
// meet. Repeat it (--gtest_repeat) to show that starting sandboxes from two threads never hangs.
TEST_F(BuildExecTest, IndependentStagesBuildInParallel) {
  fs::path Ctx = Dir / "ctx";
  std::string Mount = "--mount=type=cache,id=rendezvous,target=/rv ";
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:exec AS left\n"
                               "RUN " +
                                   Mount + "touch /rv/left; " + waitFor("/rv/right") +
                                   "; rm /rv/right; echo left met > /met\n"
                                   "FROM busybox:exec AS right\n"
                                   "RUN " +
                                   Mount + "touch /rv/right; " + waitFor("/rv/left") +
                                   "; rm /rv/left; echo right met > /tmp/met\n"
                                   "FROM busybox:exec\n"
                                   "COPY --from=left /met /left\n"
                                   "COPY --from=right /tmp/met /right\n");
  std::string Out;
  ASSERT_EQ(build("--no-cache -t par:1 " + Ctx.string(), Out), 0) << Out;
  EXPECT_EQ(runIn("par:1", "cat /left /right"), "left met\nright met\n");
}

namespace {

/// Every byte the store holds about its images, with layer blobs decompressed: blobs, index,
/// build cache records, snapshots' names. Used to show a secret never reached any of it.
std::string storeBytes(const fs::path &Root) {
  std::string All;
  for (const auto &E : fs::recursive_directory_iterator(Root)) {
    All += E.path().string() + "\n";
    if (!E.is_regular_file() || E.is_symlink())
      continue;
    std::string Raw = slurp(E.path());
    All += Raw;
    auto R = oci::decompress(stringReader(Raw));
    if (!R) {
      llvm::consumeError(R.takeError());
      continue;
    }
    char Buf[65536];
    for (;;) {
      auto N = (*R)->read(Buf, sizeof Buf);
      if (!N) {
        llvm::consumeError(N.takeError());
        break;
      }
      if (*N == 0)
        break;
      All.append(Buf, *N);
    }
  }
  return All;
}

/// The names of inotify events for Name in a watched folder (IN_MOVED_TO: atomic replaces).
class RenameWatch {
public:
  RenameWatch(const fs::path &Dir, std::string Name) : Name(std::move(Name)) {
    Fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    EXPECT_GE(Fd, 0);
    EXPECT_GE(::inotify_add_watch(Fd, Dir.c_str(), IN_MOVED_TO), 0);
  }
  ~RenameWatch() { ::close(Fd); }
  /// How many times Name was replaced since the last call.
  int count() {
    int N = 0;
    alignas(struct inotify_event) char Buf[65536];
    for (;;) {
      ssize_t Len = ::read(Fd, Buf, sizeof Buf);
      if (Len <= 0)
        break;
      for (char *P = Buf; P < Buf + Len;) {
        auto *Ev = reinterpret_cast<struct inotify_event *>(P);
        if (Ev->len && Name == Ev->name)
          ++N;
        P += sizeof(struct inotify_event) + Ev->len;
      }
    }
    return N;
  }

private:
  int Fd = -1;
  std::string Name;
};

} // namespace

TEST_F(BuildExecTest, SecretsReachOnlyTheirRun) {
  const std::string Secret = "s3cr3t-VALUE-4711";
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Dir / "token", Secret + "\n");
  builder::testutil::writeFile(
      Ctx / "Dockerfile",
      "FROM busybox:exec\n"
      "RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /len; "
      "stat -c '%a %u %g' /run/secrets/tok > /meta\n"
      "RUN --mount=type=secret,id=tok,target=/etc/tok,mode=0440,uid=1000,gid=10 "
      "stat -c '%a %u %g' /etc/tok >> /meta; cat /etc/tok | wc -c >> /len\n"
      "RUN --mount=type=secret,id=envtok,env=TOKEN echo ${#TOKEN} >> /len; "
      "test ! -e /run/secrets/envtok && echo no-file >> /meta\n"
      "RUN --mount=type=secret,id=optional test ! -e /run/secrets/optional\n"
      "RUN test ! -e /run/secrets/tok && test ! -e /etc/tok && echo gone >> /meta\n");
  std::string Flags = "--secret id=tok,src=" + (Dir / "token").string() +
                      " --secret id=envtok,env=MY_TOKEN -t sec:1 " + Ctx.string();
  std::string Out;
  ASSERT_EQ(build(Flags, Out, "MY_TOKEN=" + Secret), 0) << Out;
  EXPECT_THAT(Out, Not(HasSubstr(Secret)));
  EXPECT_EQ(runIn("sec:1", "cat /len /meta"), "18\n18\n17\n400 0 0\n440 1000 10\nno-file\ngone\n");
  // Not in a layer, the history, the config, the index or the cache records.
  EXPECT_EQ(storeBytes(Root).find(Secret), std::string::npos);
  // The mount points are gone too: the image has no /run and no /etc/tok.
  EXPECT_EQ(runIn("sec:1", "sh -c 'test ! -e /run && test ! -e /etc/tok && echo clean'"),
            "clean\n");

  // Another secret value keeps the cache (like BuildKit, the content is not in the key).
  builder::testutil::writeFile(Dir / "token", "another value\n");
  ASSERT_EQ(build(Flags, Out, "MY_TOKEN=other"), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("#2 [2/6] RUN --mount=type=secret,id=tok wc -c"));
  EXPECT_THAT(Out, HasSubstr("#2 CACHED\n"));
  EXPECT_THAT(Out, HasSubstr("#4 CACHED\n"));
  EXPECT_THAT(Out, Not(HasSubstr(" DONE ")));
  // Adding or removing the mount changes the step: it runs again.
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:exec\nRUN --mount=type=secret,id=tok true\n");
  ASSERT_EQ(build(Flags, Out, "MY_TOKEN=x"), 0) << Out;
  EXPECT_THAT(Out, ::testing::ContainsRegex("#2 \\[2/2\\] RUN --mount=type=secret,id=tok "
                                            "true\n#2 DONE"));
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:exec\nRUN true\n");
  ASSERT_EQ(build(Flags, Out, "MY_TOKEN=x"), 0) << Out;
  EXPECT_THAT(Out, ::testing::ContainsRegex("#2 \\[2/2\\] RUN true\n#2 DONE"));
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:exec\nRUN --mount=type=secret,id=tok true\n");
  ASSERT_EQ(build(Flags, Out, "MY_TOKEN=x"), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("#2 CACHED\n"));

  // The mount's options are in the key, like BuildKit's: another uid, gid, mode or `required`
  // reruns the step (the command sees a different file); another content still does not.
  auto WithOptions = [&](const std::string &Opts) {
    builder::testutil::writeFile(Ctx / "Dockerfile",
                                 "FROM busybox:exec\nRUN --mount=type=secret,id=tok" + Opts +
                                     " stat -c '%u %g %a' /run/secrets/tok > /owner\n");
  };
  WithOptions(",uid=1000");
  ASSERT_EQ(build(Flags, Out, "MY_TOKEN=x"), 0) << Out;
  EXPECT_THAT(Out, ::testing::ContainsRegex("\n#2 DONE"));
  EXPECT_EQ(runIn("sec:1", "cat /owner"), "1000 0 400\n");
  builder::testutil::writeFile(Dir / "token", "a third value\n");
  ASSERT_EQ(build(Flags, Out, "MY_TOKEN=x"), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("\n#2 CACHED\n"));
  for (const char *Opts : {",uid=1001", ",uid=1001,gid=10", ",uid=1001,gid=10,mode=0444",
                           ",uid=1001,gid=10,mode=0444,required=true"}) {
    SCOPED_TRACE(Opts);
    WithOptions(Opts);
    ASSERT_EQ(build(Flags, Out, "MY_TOKEN=x"), 0) << Out;
    EXPECT_THAT(Out, ::testing::ContainsRegex("\n#2 DONE"));
    EXPECT_THAT(Out, Not(HasSubstr("CACHED")));
  }
  EXPECT_EQ(runIn("sec:1", "cat /owner"), "1001 10 444\n");
  EXPECT_EQ(storeBytes(Root).find("a third value"), std::string::npos);
}

TEST_F(BuildExecTest, MissingSecrets) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:exec\n"
                               "RUN --mount=type=secret,id=npmrc,required=true cat "
                               "/run/secrets/npmrc\n");
  std::string Before, After, Out;
  ASSERT_EQ(run(exe() + " images --root " + Root.string() + " -q", Before, true), 0);
  EXPECT_EQ(build("-t miss:1 " + Ctx.string(), Out), 1);
  EXPECT_THAT(Out, HasSubstr("Dockerfile:2: RUN --mount=type=secret,id=npmrc,required=true cat "
                             "/run/secrets/npmrc: secret npmrc: not found; pass it with "
                             "`--secret id=npmrc,src=PATH` (or env=VARIABLE)\n"));
  ASSERT_EQ(run(exe() + " images --root " + Root.string() + " -q", After, true), 0);
  EXPECT_EQ(Before, After);
  EXPECT_EQ(build("--secret id=npmrc,src=" + (Dir / "absent").string() + " " + Ctx.string(), Out),
            1);
  EXPECT_THAT(Out, HasSubstr("Error: secret npmrc: cannot read " + (Dir / "absent").string() +
                             ": No such file or directory"));
  EXPECT_EQ(build("--secret id=npmrc,env=BALLAST_UNSET_VARIABLE " + Ctx.string(), Out), 1);
  EXPECT_THAT(Out, HasSubstr("secret npmrc: environment variable BALLAST_UNSET_VARIABLE is not "
                             "set"));
  EXPECT_EQ(build("--secret id=x,bogus=1 " + Ctx.string(), Out), 2);
  EXPECT_THAT(Out, HasSubstr("unexpected key 'bogus' in 'bogus=1'"));
}

// Two `ballast build` processes on one store at the same time: their second RUNs wait for each
// other through a shared cache mount (so the builds provably overlap; one after the other, the
// first would give up with exit 7), and both share the first step's cache afterwards.
TEST_F(BuildExecTest, TwoProcessesBuildOnOneStoreAtOnce) {
  for (const char *Me : {"a", "b"}) {
    std::string Other = std::string(Me) == "a" ? "b" : "a";
    builder::testutil::writeFile(Dir / Me / "Dockerfile",
                                 "FROM busybox:exec\nRUN echo shared > /shared\n"
                                 "RUN --mount=type=cache,id=meet,target=/meet touch /meet/" +
                                     std::string(Me) + " && " + waitFor("/meet/" + Other) +
                                     " && echo " + Me + " > /me\n");
  }
  std::string OutA, OutB;
  std::thread Second(
      [&] { EXPECT_EQ(build("-t two:b " + (Dir / "b").string(), OutB), 0) << OutB; });
  EXPECT_EQ(build("-t two:a " + (Dir / "a").string(), OutA), 0) << OutA;
  Second.join();
  EXPECT_EQ(runIn("two:a", "cat /shared /me"), "shared\na\n");
  EXPECT_EQ(runIn("two:b", "cat /shared /me"), "shared\nb\n");
  // Both records landed in the one store: rebuilding either runs nothing.
  for (const char *Me : {"a", "b"}) {
    std::string Out;
    ASSERT_EQ(build("-t two:" + std::string(Me) + " " + (Dir / Me).string(), Out), 0) << Out;
    EXPECT_EQ(llvm::StringRef(Out).count("CACHED"), 2u) << Out;
  }
  std::string Fsck;
  EXPECT_EQ(run(exe() + " fsck --root " + Root.string(), Fsck, true), 0) << Fsck;
  EXPECT_THAT(Fsck, HasSubstr(" 0 corrupt, 0 missing")) << Fsck;
}

TEST_F(BuildExecTest, SeveralTagsAreOneIndexUpdate) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:exec\nRUN echo hi > /hi\n");
  RenameWatch Watch(Root, "index.json");
  std::string Out;
  ASSERT_EQ(build("-t multi:1 -t multi:2 -t other/name:latest " + Ctx.string(), Out), 0) << Out;
  EXPECT_EQ(Watch.count(), 1);
  std::string Images;
  ASSERT_EQ(run(exe() + " images --root " + Root.string() +
                    " --format '{{.Repository}}:{{.Tag}} {{.ID}}'",
                Images, true),
            0);
  std::string Short = imageId(Out).substr(7, 12);
  EXPECT_THAT(Images, HasSubstr("multi:1 " + Short + "\n"));
  EXPECT_THAT(Images, HasSubstr("multi:2 " + Short + "\n"));
  EXPECT_THAT(Images, HasSubstr("other/name:latest " + Short + "\n"));
  // A rebuild moves the names again in one update; the image is the same.
  ASSERT_EQ(build("-t multi:1 -t multi:2 " + Ctx.string(), Out), 0) << Out;
  EXPECT_EQ(Watch.count(), 1);
}

TEST_F(BuildExecTest, PushSendsEveryTag) {
  auto Reg = registry::testing::RegistryServer::start(registry::testing::RegistrySetup::Plain);
  ASSERT_TRUE(!!Reg) << llvm::toString(Reg.takeError());
  std::string A = (*Reg)->host() + "/team/app:1", B = (*Reg)->host() + "/team/app:stable";
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:exec\nRUN touch /v1\n");
  std::string Env = "DOCKER_CONFIG=" + (Dir / "docker").string();
  std::string Out;
  EXPECT_EQ(build("--push " + Ctx.string(), Out, Env), 2);
  EXPECT_THAT(Out, HasSubstr("--push needs a name to push to; add -t REGISTRY/NAME:TAG"));
  ASSERT_EQ(build("--push -t " + A + " -t " + B + " " + Ctx.string(), Out, Env), 0)
      << Out << (*Reg)->log();
  auto S = store::Store::open(Root.string());
  ASSERT_TRUE(!!S);
  auto Img = (*S)->image(A);
  ASSERT_TRUE(!!Img);
  std::string Manifest = (*Img)->digest().str();
  EXPECT_THAT(Out, HasSubstr("1: digest: " + Manifest));
  EXPECT_THAT(Out, HasSubstr("stable: digest: " + Manifest));
  for (const std::string &Ref : {A, B}) {
    std::string Sk;
    ASSERT_EQ(run("skopeo inspect --tls-verify=false docker://" + Ref, Sk, true), 0) << Sk;
    EXPECT_THAT(Sk, HasSubstr("\"Digest\": \"" + Manifest + "\""));
    EXPECT_THAT(Sk, HasSubstr("\"Layers\": ["));
  }
  std::string Cfg;
  ASSERT_EQ(run("skopeo inspect --config --tls-verify=false docker://" + B, Cfg, true), 0) << Cfg;
  EXPECT_THAT(Cfg, HasSubstr("RUN /bin/sh -c touch /v1"));
}

TEST_F(BuildExecTest, InterruptDuringARunStopsAndCleansUp) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Dir / "token", "t");
  builder::testutil::writeFile(Ctx / "data.txt", "d");
  builder::testutil::writeFile(
      Ctx / "Dockerfile", "FROM busybox:exec\n"
                          "RUN echo first > /first\n"
                          "RUN --mount=type=secret,id=tok --mount=type=bind,target=/ctx "
                          "--mount=type=cache,target=/cache --mount=type=tmpfs,target=/scratch "
                          "echo ready; exec sleep 60\n");
  std::string Before, After, IndexBefore = slurp(Root / "index.json");
  ASSERT_EQ(run(exe() + " images --root " + Root.string() + " -q", Before, true), 0);
  std::string Log = (Dir / "out").string();
  std::string Out;
  // SIGINT once the RUN is running; the build must end (no second signal) with status 1.
  EXPECT_EQ(run("TMPDIR=" + Tmp.string() + " " + exe() + " build --root " + Root.string() +
                    " --secret id=tok,src=" + (Dir / "token").string() + " -t int:1 " +
                    Ctx.string() + " >" + Log + " 2>&1 </dev/null & P=$!; " +
                    "i=0; while ! grep -q '^#3 ready' " + Log +
                    "; do kill -0 $P 2>/dev/null || break; i=$((i+1)); "
                    "[ $i -le 1200 ] || { echo never ready; break; }; sleep 0.05; done; " +
                    "kill -INT $P; wait $P; echo status=$?",
                Out, true),
            0);
  EXPECT_EQ(Out, "status=1\n");
  std::string L = slurp(Log);
  EXPECT_THAT(L, HasSubstr("#3 ready\n"));
  EXPECT_THAT(L, HasSubstr("Error: interrupted by SIGINT; the build stopped and nothing "
                           "was committed\n"));
  ASSERT_EQ(run(exe() + " images --root " + Root.string() + " -q", After, true), 0);
  EXPECT_EQ(Before, After);
  EXPECT_EQ(slurp(Root / "index.json"), IndexBefore);
  // TearDown: no mount under the test folder, no temporary folder in the store or TMPDIR.
}

TEST_F(BuildExecTest, ContextBindsHonourDockerignore) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / ".dockerignore", "**/*.env\nlogs\n!logs/keep.txt\n");
  builder::testutil::writeFile(Ctx / "a.txt", "a");
  builder::testutil::writeFile(Ctx / "prod.env", "PASSWORD=x");
  builder::testutil::writeFile(Ctx / "logs/x.log", "log");
  builder::testutil::writeFile(Ctx / "logs/keep.txt", "keep");
  builder::testutil::writeFile(Ctx / "sub/b.txt", "b");
  builder::testutil::writeFile(Ctx / "sub/local.env", "L");
  ASSERT_EQ(::chmod((Ctx / "sub").c_str(), 0750), 0);
  builder::testutil::writeFile(
      Ctx / "Dockerfile",
      "FROM busybox:exec\n"
      "RUN --mount=type=bind,target=/ctx cd /ctx && find . | sort > /list && "
      "stat -c '%a' sub >> /list\n"
      "RUN --mount=type=bind,source=sub,target=/sub ls -A /sub > /sublist\n"
      "RUN --mount=type=bind,target=/ctx,rw touch /ctx/new /ctx/logs/keep.txt && "
      "rm /ctx/a.txt && ls -A /ctx > /rwlist\n");
  std::string Out;
  ASSERT_EQ(build("-t ign:1 " + Ctx.string(), Out), 0) << Out;
  EXPECT_EQ(runIn("ign:1", "cat /list /sublist /rwlist"),
            ".\n./.dockerignore\n./Dockerfile\n./a.txt\n./logs\n./logs/keep.txt\n./sub\n"
            "./sub/b.txt\n750\nb.txt\n.dockerignore\nDockerfile\nlogs\nnew\nsub\n");
  // The rw bind's writes are thrown away: the context is as it was.
  EXPECT_EQ(builder::testutil::listDir(Ctx),
            (std::vector<std::string>{".dockerignore", "Dockerfile", "a.txt", "logs", "prod.env",
                                      "sub"}));
  // An excluded file cannot be bound.
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:exec\n"
                               "RUN --mount=type=bind,source=prod.env,target=/p cat /p\n");
  EXPECT_EQ(build(Ctx.string(), Out), 1);
  EXPECT_THAT(Out, HasSubstr("Error: no file prod.env in the build context\n"));
}
