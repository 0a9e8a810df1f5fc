//===- RegistryTest.cpp - pull, push, login end to end against real registries and skopeo -===//
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/Digest.h"
#include "registry/testing/RegistryHarness.h"
#include "tests/TestUtil.h"

using namespace ballast::test;
using namespace ballast::registry::testing;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

namespace {

std::string exe() { return BALLAST_EXE; }

class RegistryTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = tempDir("ballast-registry-e2e");
    fs::create_directories(Dir / "docker");
    // A busybox-static rootfs, imported as the base image of every test.
    fs::create_directories(Dir / "rootfs/bin");
    fs::copy_file("/bin/busybox", Dir / "rootfs/bin/busybox");
    std::string Out;
    ASSERT_EQ(run("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C " +
                      (Dir / "rootfs").string() + " -cf " + (Dir / "rootfs.tar").string() + " .",
                  Out, true),
              0)
        << Out;
  }
  void TearDown() override { fs::remove_all(Dir); }
  void startRegistry(RegistrySetup S) {
    auto R = RegistryServer::start(S);
    ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
    Reg = std::move(*R);
  }
  void startProxy() {
    auto P = FaultProxy::start(Reg->host());
    ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
    Proxy = std::move(*P);
  }
  /// Runs ballast with Args against the store Root, with a private Docker config.
  int ballast(const std::string &Args, std::string &Out, const std::string &Root = "s1") {
    return run("DOCKER_CONFIG=" + (Dir / "docker").string() + " " + exe() + " " + Args +
                   " --root " + (Dir / Root).string(),
               Out, true);
  }
  int ballastNoRoot(const std::string &Args, std::string &Out) {
    return run("DOCKER_CONFIG=" + (Dir / "docker").string() + " " + exe() + " " + Args, Out, true);
  }
  void importBase(const std::string &Name, const std::string &Extra = "") {
    std::string Out;
    ASSERT_EQ(ballast("import " + Extra + " " + (Dir / "rootfs.tar").string() + " " + Name, Out), 0)
        << Out;
  }
  void expectFsckClean(const std::string &Root) {
    std::string Out;
    EXPECT_EQ(ballast("fsck", Out, Root), 0) << Out;
    EXPECT_THAT(Out, HasSubstr(" 0 corrupt, 0 missing")) << Out;
  }
  /// Starts `ballast pull -q Ref` into the store Root as a child process, with the private
  /// Docker config; returns its pid. The child's environment is built before fork (the test
  /// process has threads).
  pid_t startPull(const std::string &Ref, const std::string &Root) {
    std::string RootDir = (Dir / Root).string();
    std::string Config = "DOCKER_CONFIG=" + (Dir / "docker").string();
    std::vector<char *> Env;
    for (char **E = environ; *E; ++E)
      if (!llvm::StringRef(*E).startswith("DOCKER_CONFIG="))
        Env.push_back(*E);
    Env.push_back(Config.data());
    Env.push_back(nullptr);
    pid_t P = fork();
    if (P == 0) {
      execle(exe().c_str(), "ballast", "pull", "-q", Ref.c_str(), "--root", RootDir.c_str(),
             nullptr, Env.data());
      _exit(127);
    }
    return P;
  }
  /// The digest `push` printed ("TAG: digest: sha256:... size: N").
  static std::string pushedDigest(const std::string &Out) {
    size_t P = Out.find(": digest: ");
    return P == std::string::npos ? "" : Out.substr(P + 10, 71);
  }
  fs::path Dir;
  std::unique_ptr<RegistryServer> Reg;
  std::unique_ptr<FaultProxy> Proxy;
};

} // namespace

TEST_F(RegistryTest, PushedImagesAreReadBySkopeoAndPulledBack) {
  startRegistry(RegistrySetup::Plain);
  std::string Ref = Reg->host() + "/demo/bb:1";
  importBase(Ref);
  std::string Out;
  ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("The push refers to repository [" + Reg->host() + "/demo/bb]"));
  std::string Digest = pushedDigest(Out);
  ASSERT_EQ(Digest.size(), 71u) << Out;
  std::string Sk;
  ASSERT_EQ(run("skopeo inspect --tls-verify=false docker://" + Ref, Sk, true), 0) << Sk;
  auto J = nlohmann::json::parse(Sk, nullptr, false);
  EXPECT_EQ(J["Digest"], Digest);
  ASSERT_EQ(run("skopeo copy --src-tls-verify=false docker://" + Ref +
                    " oci:" + (Dir / "layout").string() + ":x",
                Sk, true),
            0)
      << Sk;
  // A second push sends nothing new; a push to another repository mounts.
  ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr(": Layer already exists"));
  std::string Other = Reg->host() + "/demo/copy:2";
  ASSERT_EQ(ballast("tag " + Ref + " " + Other, Out), 0) << Out;
  ASSERT_EQ(ballast("push " + Other, Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr(": Mounted from demo/bb"));
  // Pull into a fresh store; a second pull downloads nothing.
  ASSERT_EQ(ballast("pull " + Ref, Out, "s2"), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("Digest: " + Digest));
  EXPECT_THAT(Out, HasSubstr("Status: Downloaded newer image for " + Ref));
  ASSERT_EQ(ballast("pull -q " + Ref, Out, "s2"), 0) << Out;
  EXPECT_EQ(Out, Ref + "\n");
  ASSERT_EQ(ballast("pull " + Ref, Out, "s2"), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("Status: Image is up to date for " + Ref));
  expectFsckClean("s2");
  // --all-tags: every tag of the repository.
  ASSERT_EQ(ballast("tag " + Ref + " " + Reg->host() + "/demo/bb:2", Out), 0) << Out;
  ASSERT_EQ(ballast("push -q " + Reg->host() + "/demo/bb:2", Out), 0) << Out;
  EXPECT_EQ(Out, "2: digest: " + Digest + " size: " + Out.substr(Out.rfind(' ') + 1));
  ASSERT_EQ(ballast("pull -q --all-tags " + Reg->host() + "/demo/bb", Out, "s4"), 0) << Out;
  EXPECT_EQ(Out, Ref + "\n" + Reg->host() + "/demo/bb:2\n");
  EXPECT_EQ(ballast("pull --all-tags " + Ref, Out, "s4"), 2);
  EXPECT_THAT(Out, HasSubstr("tag or digest can't be used with --all-tags"));
  ASSERT_EQ(ballast("pull " + Reg->host() + "/demo/bb@" + Digest, Out, "s3"), 0) << Out;
  expectFsckClean("s3");
}

TEST_F(RegistryTest, PullsWhatSkopeoPushedSingleMultiArchAndZstd) {
  startRegistry(RegistrySetup::Plain);
  importBase("local/amd:1", "--platform linux/amd64");
  importBase("local/arm:1", "--platform linux/arm64");
  // The store is an OCI layout: build a two-platform index from its manifests.
  auto Index = nlohmann::json::parse(slurp(Dir / "s1/index.json"));
  nlohmann::json Manifests = nlohmann::json::array();
  std::string Single;
  for (auto &M : Index["manifests"]) {
    std::string Name = M["annotations"]["org.opencontainers.image.ref.name"];
    nlohmann::json D = {
        {"mediaType", M["mediaType"]}, {"digest", M["digest"]}, {"size", M["size"]}};
    if (Name.find("local/amd") != std::string::npos) {
      D["platform"] = {{"os", "linux"}, {"architecture", "amd64"}};
      Single = M["digest"];
    } else if (Name.find("local/arm") != std::string::npos) {
      D["platform"] = {{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}};
    } else
      continue;
    Manifests.push_back(D);
  }
  ASSERT_EQ(Manifests.size(), 2u);
  nlohmann::json Idx = {{"schemaVersion", 2},
                        {"mediaType", "application/vnd.oci.image.index.v1+json"},
                        {"manifests", Manifests}};
  std::string IdxText = Idx.dump();
  std::string IdxDigest = ballast::oci::Digest::sha256Of(IdxText).str();
  fs::path L = Dir / "layout";
  fs::create_directories(L / "blobs/sha256");
  for (auto &E : fs::directory_iterator(Dir / "s1/blobs/sha256"))
    fs::copy_file(E.path(), L / "blobs/sha256" / E.path().filename());
  spit(L / "blobs/sha256" / IdxDigest.substr(7), IdxText);
  spit(L / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  spit(L / "index.json",
       nlohmann::json({{"schemaVersion", 2},
                       {"manifests",
                        {{{"mediaType", "application/vnd.oci.image.index.v1+json"},
                          {"digest", IdxDigest},
                          {"size", IdxText.size()},
                          {"annotations", {{"org.opencontainers.image.ref.name", "multi"}}}}}}})
           .dump());
  std::string Out;
  std::string H = Reg->host();
  ASSERT_EQ(run("skopeo copy --all --dest-tls-verify=false oci:" + L.string() + ":multi docker://" +
                    H + "/sk/multi:1",
                Out, true),
            0)
      << Out;
  ASSERT_EQ(ballast("pull --platform linux/arm64 " + H + "/sk/multi:1", Out, "s2"), 0) << Out;
  ASSERT_EQ(ballast("inspect --format '{{.Architecture}}' " + H + "/sk/multi:1", Out, "s2"), 0)
      << Out;
  EXPECT_EQ(Out, "arm64\n");
  ASSERT_EQ(ballast("pull --platform linux/amd64 " + H + "/sk/multi:1", Out, "s3"), 0) << Out;
  ASSERT_EQ(ballast("inspect --format '{{.Architecture}}' " + H + "/sk/multi:1", Out, "s3"), 0)
      << Out;
  EXPECT_EQ(Out, "amd64\n");
  EXPECT_NE(ballast("pull --platform linux/s390x " + H + "/sk/multi:1", Out, "s4"), 0);
  EXPECT_THAT(Out, HasSubstr("linux/s390x"));
  // Single-arch, and recompressed with zstd by skopeo.
  ASSERT_EQ(run("skopeo copy --dest-tls-verify=false oci:" + L.string() + ":multi docker://" + H +
                    "/sk/single:1 --override-arch amd64",
                Out, true),
            0)
      << Out;
  ASSERT_EQ(ballast("pull " + H + "/sk/single:1 --platform linux/amd64", Out, "s5"), 0) << Out;
  // skopeo writes zstd layers into an OCI layout and pushes them unchanged.
  std::string Z = (Dir / "zstd").string(), U = (Dir / "plain").string();
  ASSERT_EQ(run("skopeo copy --override-arch amd64 --dest-decompress oci:" + L.string() +
                    ":multi dir:" + U +
                    " && skopeo copy --dest-compress --dest-compress-format "
                    "zstd dir:" +
                    U + " oci:" + Z +
                    ":z && skopeo copy --preserve-digests "
                    "--dest-tls-verify=false oci:" +
                    Z + ":z docker://" + H + "/sk/zstd:1",
                Out, true),
            0)
      << Out;
  ASSERT_EQ(ballast("pull " + H + "/sk/zstd:1 --platform linux/amd64", Out, "s5"), 0) << Out;
  std::string Sk;
  ASSERT_EQ(run("skopeo inspect --raw --tls-verify=false docker://" + H + "/sk/zstd:1", Sk, true),
            0);
  EXPECT_THAT(Sk, HasSubstr("zstd"));
  expectFsckClean("s2");
  expectFsckClean("s3");
  expectFsckClean("s5");
}

TEST_F(RegistryTest, FaultsAreRetriedOrReportedAndTheStoreStaysClean) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  std::string Ref = Proxy->host() + "/f/bb:1";
  importBase(Ref);
  std::string Out;
  Proxy->add({Fault::Status, "PUT", "/manifests/", 1, 503});
  Proxy->add({Fault::Status, "POST", "/blobs/uploads/", 1, 500});
  ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
  Proxy->add({Fault::DropAfter, "GET", "/blobs/", 1, 0, 200000});
  Proxy->add({Fault::Truncate, "GET", "/blobs/", 1, 0, 400000});
  Proxy->add({Fault::Status, "GET", "/manifests/", 1, 500});
  Fault TooMany{Fault::Status, "GET", "/blobs/", 1, 429};
  TooMany.RetryAfter = "1";
  Proxy->add(TooMany);
  ASSERT_EQ(ballast("pull " + Ref, Out, "s2"), 0) << Out;
  expectFsckClean("s2");
  // A registry that serves the wrong bytes: a clear error, nothing stored.
  Proxy->clearFaults();
  Proxy->add({Fault::Corrupt, "GET", "/blobs/", -1, 0, 1000});
  EXPECT_EQ(ballast("pull " + Ref, Out, "s3"), 1);
  EXPECT_THAT(Out, HasSubstr("the registry serves corrupt data, the download was discarded"));
  expectFsckClean("s3");
  // A registry that keeps failing: its code and message.
  Proxy->clearFaults();
  Proxy->add({Fault::Status, "", "/manifests/", -1, 500});
  EXPECT_EQ(ballast("pull " + Ref, Out, "s4"), 1);
  EXPECT_THAT(Out, HasSubstr("Error: " + Proxy->host() + "/f/bb:1: HTTP 500"));
}

TEST_F(RegistryTest, AKilledPullCompletesWhenRunAgain) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  std::string Ref = Proxy->host() + "/k/bb:1";
  importBase(Ref);
  std::string Out;
  ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
  // Every blob transfer stalls after 512 KiB (the config blob is far smaller, the layer is
  // about 1 MB) until the proxy lets it go: the pull is killed while it is stalled, with part
  // of the layer on disk (the client writes in 256 KiB pieces).
  Proxy->add({Fault::Hold, "GET", "/blobs/", -1, 0, 512 << 10});
  pid_t P = startPull(Ref, "s2");
  bool Partial = false;
  int St = 0;
  bool Exited = false;
  for (int I = 0; I < 2400 && !Partial && !Exited; ++I) {
    usleep(50 * 1000);
    Exited = waitpid(P, &St, WNOHANG) == P;
    if (Proxy->held() == 0)
      continue;
    // error_code forms: the pull renames finished ingest files away while this loop looks.
    std::error_code EC;
    for (fs::directory_iterator It(Dir / "s2/.ballast/ingest", EC), End; !EC && It != End;
         It.increment(EC)) {
      auto Size = fs::file_size(It->path(), EC);
      if (!EC && Size >= (128u << 10) && Size != static_cast<uintmax_t>(-1))
        Partial = true;
      EC.clear();
    }
  }
  if (!Exited) {
    kill(P, SIGKILL);
    waitpid(P, &St, 0);
  }
  EXPECT_FALSE(Exited) << "the pull ended by itself with status " << St;
  Proxy->release();
  ASSERT_TRUE(Partial);
  Proxy->clearFaults();
  Proxy->clearSeen();
  ASSERT_EQ(ballast("pull " + Ref, Out, "s2"), 0) << Out;
  bool Resumed = false;
  for (auto &S : Proxy->seen()) {
    auto It = S.Headers.find("range");
    if (It != S.Headers.end() && llvm::StringRef(It->second).startswith("bytes=") &&
        !llvm::StringRef(It->second).startswith("bytes=0-"))
      Resumed = true;
  }
  EXPECT_TRUE(Resumed);
  expectFsckClean("s2");
}

TEST_F(RegistryTest, LoginChecksAndStoresCredentialsThenLogoutRemovesThem) {
  for (RegistrySetup S : {RegistrySetup::Basic, RegistrySetup::Token}) {
    startRegistry(S);
    std::string H = Reg->host();
    std::string Out;
    EXPECT_EQ(run("echo wrong | DOCKER_CONFIG=" + (Dir / "docker").string() + " " + exe() +
                      " login -u " + Reg->user() + " --password-stdin " + H,
                  Out, true),
              1);
    EXPECT_THAT(Out, HasSubstr("Error: login to " + H + " failed: "));
    EXPECT_FALSE(fs::exists(Dir / "docker/config.json"));
    std::string Ref = H + "/auth/bb:1";
    importBase(Ref);
    EXPECT_EQ(ballast("push " + Ref, Out), 1);
    // Basic: the blob HEAD is refused; Token: anonymous pull is granted, the upload refused.
    EXPECT_THAT(Out, HasSubstr(S == RegistrySetup::Basic
                                   ? ": HTTP 401; check the credentials (ballast login)"
                                   : ": UNAUTHORIZED: authentication required (HTTP 401); "
                                     "check the credentials (ballast login)"));
    ASSERT_EQ(run("echo '" + Reg->password() + "' | DOCKER_CONFIG=" + (Dir / "docker").string() +
                      " " + exe() + " login -u " + Reg->user() + " --password-stdin " + H,
                  Out, true),
              0)
        << Out;
    EXPECT_THAT(Out, HasSubstr("Login Succeeded"));
    struct stat St;
    ASSERT_EQ(stat((Dir / "docker/config.json").c_str(), &St), 0);
    EXPECT_EQ(St.st_mode & 0777, 0600u);
    ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
    ASSERT_EQ(ballast("pull " + Ref, Out, "s2"), 0) << Out;
    expectFsckClean("s2");
    ASSERT_EQ(ballastNoRoot("logout " + H, Out), 0);
    EXPECT_EQ(Out, "Removing login credentials for " + H + "\n");
    ASSERT_EQ(ballastNoRoot("logout " + H, Out), 0);
    EXPECT_EQ(Out, "Not logged in to " + H + "\n");
    Reg.reset();
    fs::remove_all(Dir / "s1");
    fs::remove_all(Dir / "s2");
    fs::remove(Dir / "docker/config.json");
  }
}

TEST_F(RegistryTest, TlsRegistriesAreVerifiedWithTheGivenCA) {
  startRegistry(RegistrySetup::Tls);
  std::string Ref = Reg->host() + "/tls/bb:1";
  importBase(Ref);
  std::string Out;
  EXPECT_EQ(ballast("push --tls-verify " + Ref, Out), 1);
  EXPECT_THAT(Out, HasSubstr("add its CA with --cert-dir"));
  ASSERT_EQ(ballast("push --tls-verify --cert-dir " + Reg->certDir() + " " + Ref, Out), 0) << Out;
  ASSERT_EQ(ballast("pull --tls-verify=true --cert-dir " + Reg->certDir() + " " + Ref, Out, "s2"),
            0)
      << Out;
  expectFsckClean("s2");
  std::string Sk;
  EXPECT_EQ(run("skopeo inspect --cert-dir " + Reg->certDir() + " docker://" + Ref, Sk, true), 0)
      << Sk;
}

TEST_F(RegistryTest, TwoProcessesPullingTheSameImageBothSucceed) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  std::string Ref = Proxy->host() + "/c/bb:1";
  importBase(Ref);
  std::string Out;
  ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
  // Slow blobs, so both pulls are downloading the same layer at the same time.
  Proxy->add({Fault::Throttle, "GET", "/blobs/", -1, 0, 65536});
  std::string Root = (Dir / "s2").string();
  std::vector<pid_t> Pids;
  for (int I = 0; I < 2; ++I) {
    pid_t P = fork();
    if (P == 0) {
      execl(exe().c_str(), "ballast", "pull", "-q", Ref.c_str(), "--root", Root.c_str(), nullptr);
      _exit(127);
    }
    Pids.push_back(P);
  }
  for (pid_t P : Pids) {
    int St = 0;
    ASSERT_EQ(waitpid(P, &St, 0), P);
    EXPECT_TRUE(WIFEXITED(St) && WEXITSTATUS(St) == 0) << "status " << St;
  }
  ASSERT_EQ(ballast("images --format '{{.Repository}}:{{.Tag}}'", Out, "s2"), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("/c/bb:1"));
  expectFsckClean("s2");
  EXPECT_EQ(ballast("fsck", Out, "s2"), 0);
  EXPECT_THAT(Out, HasSubstr(" 0 dangling")) << Out;
}

TEST_F(RegistryTest, PullDownloadsSeveralLayersAtOnce) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  // An image of three layers (busybox, then two COPYs of 256 KiB of random bytes each).
  importBase("base:1");
  fs::create_directories(Dir / "ctx");
  std::string Out;
  ASSERT_EQ(run("head -c 262144 /dev/urandom > " + (Dir / "ctx/a").string() +
                    " && head -c 262144 /dev/urandom > " + (Dir / "ctx/b").string(),
                Out, true),
            0)
      << Out;
  std::ofstream(Dir / "ctx/Dockerfile") << "FROM base:1\nCOPY a /a\nCOPY b /b\n";
  std::string Ref = Proxy->host() + "/p/three:1";
  ASSERT_EQ(ballast("build -t " + Ref + " " + (Dir / "ctx").string(), Out), 0) << Out;
  ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
  // Every blob GET stalls after 4 KiB until released: the config blob is smaller and passes,
  // each layer is larger and stalls. A pull that fetched one layer at a time would never have
  // more than one stalled transfer.
  Proxy->add({Fault::Hold, "GET", "/blobs/", -1, 0, 4096});
  pid_t P = startPull(Ref, "s2");
  int MaxHeld = 0;
  for (int I = 0; I < 600 && MaxHeld < 3; ++I) {
    usleep(50 * 1000);
    MaxHeld = std::max(MaxHeld, Proxy->held());
  }
  Proxy->release();
  int St = 0;
  ASSERT_EQ(waitpid(P, &St, 0), P);
  EXPECT_TRUE(WIFEXITED(St) && WEXITSTATUS(St) == 0) << "status " << St;
  EXPECT_EQ(MaxHeld, 3) << "layers downloading at the same time";
  expectFsckClean("s2");
}

TEST_F(RegistryTest, ProgressBarsOnATerminalAndPlainLinesOtherwise) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  std::string Ref = Proxy->host() + "/p/bb:1";
  importBase(Ref);
  std::string Out;
  ASSERT_EQ(ballast("push " + Ref, Out), 0) << Out;
  // Not a terminal: one plain line per layer with its bytes, time and rate; no cursor moves.
  ASSERT_EQ(ballast("pull " + Ref, Out, "s2"), 0) << Out;
  EXPECT_THAT(
      Out, ::testing::ContainsRegex(
               "\n[0-9a-f]{12}: Pull complete [0-9.]+[kM]?B in [0-9.]+s \\([0-9.]+[kMG]?B/s\\)\n"));
  EXPECT_EQ(Out.find('\x1b'), std::string::npos) << Out;
  // A terminal (script(1) runs ballast on a pty), blobs slowed down: a bar per layer with bytes,
  // rate and ETA, redrawn in place, ending with the final status.
  Proxy->add({Fault::Throttle, "GET", "/blobs/", -1, 0, 16384});
  std::string Cmd = "DOCKER_CONFIG=" + (Dir / "docker").string() + " " + exe() + " pull " + Ref +
                    " --root " + (Dir / "s3").string();
  ASSERT_EQ(run("script -qec 'stty cols 80 rows 24; " + Cmd + "' /dev/null </dev/null", Out, true),
            0)
      << Out;
  EXPECT_THAT(Out, HasSubstr("\r\x1b[2K"));
  EXPECT_THAT(Out, ::testing::ContainsRegex("[0-9a-f]{12}: Downloading \\[=*> *\\] [0-9.]+[kM]?B/"
                                            "[0-9.]+[kM]?B [0-9.]+[kM]?B/s ETA [0-9]"));
  EXPECT_THAT(Out, ::testing::ContainsRegex("\x1b\\[2K[0-9a-f]{12}: Pull complete\r?\n"));
  // -q on a terminal: only the name.
  ASSERT_EQ(
      run("script -qec 'stty cols 80 rows 24; " + Cmd + " -q' /dev/null </dev/null", Out, true), 0)
      << Out;
  EXPECT_EQ(Out, Ref + "\r\n");
  expectFsckClean("s3");
}
