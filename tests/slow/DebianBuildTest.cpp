//===- DebianBuildTest.cpp - apt-get install in a RUN on a debootstrap base ---===//
//
// The slow test of `ballast build` (ctest label `slow`, run by `scripts/dev slow`; skipped
// unless BALLAST_SLOW_TESTS=1): a `debootstrap --variant=minbase bookworm` root filesystem is
// imported with `ballast import`, a Dockerfile runs `apt-get update && apt-get install -y
// --no-install-recommends hello` on it, and `ballast run` checks that the package works. The
// debootstrap tarball is cached under $BALLAST_CACHE_DIR (default /var/tmp/ballast-cache),
// keyed by the UTC date, so a day's reruns skip the minutes debootstrap takes.
//
//===----------------------------------------------------------------------===//
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builder/SandboxTestUtil.h"
#include "tests/TestUtil.h"

using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

std::string exe() { return BALLAST_EXE; }

/// The Debian mirror this machine's apt uses (first `URIs:` or `deb` line naming a /debian
/// archive), else deb.debian.org.
std::string debianMirror() {
  std::vector<fs::path> Files = {"/etc/apt/sources.list"};
  std::error_code EC;
  for (const auto &E : fs::directory_iterator("/etc/apt/sources.list.d", EC))
    Files.push_back(E.path());
  std::regex Uri(R"((?:^URIs:|^deb)\s+(?:\[[^\]]*\]\s+)?(https?://\S+/debian)/?\s*$)");
  std::regex DebLine(R"(^deb\s+(?:\[[^\]]*\]\s+)?(https?://\S+/debian)/?\s)");
  for (const fs::path &F : Files) {
    std::ifstream In(F);
    std::string Line;
    while (std::getline(In, Line)) {
      std::smatch M;
      if (std::regex_search(Line, M, Uri) || std::regex_search(Line, M, DebLine))
        return M[1].str();
    }
  }
  return "http://deb.debian.org/debian";
}

/// The cached minbase tarball of today (UTC), made with debootstrap when missing.
fs::path debootstrapTarball(std::string &Log) {
  const char *C = std::getenv("BALLAST_CACHE_DIR");
  fs::path Cache = C && *C ? fs::path(C) : fs::path("/var/tmp/ballast-cache");
  fs::create_directories(Cache);
  char Day[16];
  std::time_t Now = std::time(nullptr);
  std::tm Tm;
  gmtime_r(&Now, &Tm);
  std::strftime(Day, sizeof Day, "%Y%m%d", &Tm);
  fs::path Tar = Cache / ("debootstrap-bookworm-minbase-" + std::string(Day) + ".tar");
  if (fs::exists(Tar))
    return Tar;
  fs::path Work = tempDir("ballast-debootstrap");
  // A name of this process's own: concurrent runs each write theirs, and the rename is atomic.
  std::string Tmp = Tar.string() + ".tmp." + std::to_string(getpid());
  int Rc = run("debootstrap --variant=minbase bookworm " + (Work / "rootfs").string() + " " +
                   debianMirror() + " && tar -C " + (Work / "rootfs").string() +
                   " --numeric-owner -cf " + Tmp + " . && mv " + Tmp + " " + Tar.string(),
               Log, true);
  fs::remove_all(Work);
  std::error_code EC;
  fs::remove(Tmp, EC); // left only when something failed
  return Rc == 0 ? Tar : fs::path();
}

TEST(DebianBuildTest, AptGetInstallInARunStepGivesAWorkingPackage) {
  const char *Slow = std::getenv("BALLAST_SLOW_TESTS");
  if (!Slow || std::string(Slow) != "1")
    GTEST_SKIP() << "slow test (debootstrap and apt-get, minutes): set BALLAST_SLOW_TESTS=1 or "
                    "run scripts/dev slow";
  std::string Log;
  fs::path Tar = debootstrapTarball(Log);
  ASSERT_FALSE(Tar.empty()) << "debootstrap failed:\n" << Log;

  fs::path Dir = tempDir("ballast-debian");
  fs::path Root = Dir / "root";
  std::multiset<std::string> MountsBefore = ballast::builder::testutil::mountPoints(Dir.string());
  std::string Out;
  ASSERT_EQ(run(exe() + " import --root " + Root.string() + " " + Tar.string() + " debian:minbase",
                Out, true),
            0)
      << Out;
  ballast::builder::testutil::writeFile(
      Dir / "ctx/Dockerfile",
      "FROM debian:minbase\n"
      "RUN apt-get update && apt-get install -y --no-install-recommends hello "
      "&& rm -rf /var/lib/apt/lists/*\n"
      "CMD [\"hello\", \"--greeting=built by ballast\"]\n");
  ASSERT_EQ(
      run(exe() + " build --root " + Root.string() + " -t debian-hello:1 " + (Dir / "ctx").string(),
          Out, true),
      0)
      << Out;
  EXPECT_THAT(Out, HasSubstr("Setting up hello"));

  // The package works: its binary runs with the image's Cmd, and dpkg knows it.
  std::string Hello;
  EXPECT_EQ(run(exe() + " run --root " + Root.string() + " --rm debian-hello:1", Hello, true), 0);
  EXPECT_EQ(Hello, "built by ballast\n");
  std::string Status;
  EXPECT_EQ(run(exe() + " run --root " + Root.string() +
                    " --rm debian-hello:1 dpkg-query -W -f '${Status}' hello",
                Status, true),
            0);
  EXPECT_EQ(Status, "install ok installed");
  // A rebuild runs nothing.
  ASSERT_EQ(
      run(exe() + " build --root " + Root.string() + " -t debian-hello:1 " + (Dir / "ctx").string(),
          Out, true),
      0)
      << Out;
  EXPECT_THAT(Out, HasSubstr("#2 CACHED"));
  EXPECT_EQ(ballast::builder::testutil::mountPoints(Dir.string()), MountsBefore);
  fs::remove_all(Dir);
}

} // namespace
