//===- BuildTest.cpp - `ballast build` end to end: corpus goldens, cache, faults ===//
//
// A busybox-static rootfs is imported as `busybox:corpus`; every case in corpus/build/<case>/
// (Dockerfile, context/, optional `args` with extra build flags) is built with
// SOURCE_DATE_EPOCH through the `ballast` binary, and the image is described as text: its
// config, its history and the files the build added or changed relative to the base (path,
// type, mode, owner, size, content hash, link target), compared with `expected.txt`.
// BALLAST_UPDATE_GOLDENS=1 rewrites the expectations (review the diff!).
//
//===----------------------------------------------------------------------===//
#include <filesystem>
#include <map>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builder/SandboxTestUtil.h"
#include "oci/Compression.h"
#include "oci/LayerReader.h"
#include "registry/testing/RegistryHarness.h"
#include "store/Store.h"
#include "support/Hash.h"
#include "tests/TestUtil.h"
#include "llvm/ADT/StringExtras.h"

using namespace ballast;
using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string exe() { return BALLAST_EXE; }

/// One file of an image's final tree.
struct FileInfo {
  std::string Line; ///< everything but the path, as printed
};

/// The final file tree of Img: its layers applied in order, whiteouts and opaque folders
/// honoured. Map from "/path" to its description.
std::map<std::string, std::string> fileTree(const oci::Image &Img, size_t Layers) {
  std::map<std::string, std::string> Tree;
  for (size_t I = 0; I < Layers && I < Img.layers().size(); ++I) {
    auto Blob = Img.openBlob(Img.layers()[I]);
    EXPECT_TRUE(!!Blob);
    if (!Blob)
      return Tree;
    auto Plain = oci::decompress(std::move(*Blob));
    EXPECT_TRUE(!!Plain);
    if (!Plain)
      return Tree;
    oci::LayerReader R(std::move(*Plain));
    while (true) {
      auto E = R.next();
      if (!E) {
        ADD_FAILURE() << llvm::toString(E.takeError());
        break;
      }
      if (!*E)
        break;
      const oci::TarEntry &T = **E;
      std::string Path = "/" + T.Path;
      llvm::StringRef Base = llvm::StringRef(Path).rsplit('/').second;
      std::string Dir = llvm::StringRef(Path).rsplit('/').first.str();
      if (Base == ".wh..wh..opq") {
        for (auto It = Tree.lower_bound(Dir + "/");
             It != Tree.end() && llvm::StringRef(It->first).startswith(Dir + "/");)
          It = Tree.erase(It);
        continue;
      }
      if (Base.startswith(".wh.")) {
        std::string Gone = Dir + "/" + Base.drop_front(4).str();
        Tree.erase(Gone);
        for (auto It = Tree.lower_bound(Gone + "/");
             It != Tree.end() && llvm::StringRef(It->first).startswith(Gone + "/");)
          It = Tree.erase(It);
        continue;
      }
      char Mode[8];
      snprintf(Mode, sizeof Mode, "%04o", T.Mode);
      std::string L;
      std::string Owner = std::to_string(T.Uid) + ":" + std::to_string(T.Gid);
      switch (T.Type) {
      case oci::EntryType::Dir: L = "d " + std::string(Mode) + " " + Owner; break;
      case oci::EntryType::Symlink: L = "l " + Owner + " -> " + T.LinkTarget; break;
      case oci::EntryType::Hardlink: L = "h -> /" + T.LinkTarget; break;
      case oci::EntryType::File: {
        std::string Data;
        char Buf[65536];
        while (true) {
          auto N = R.readData(Buf, sizeof Buf);
          if (!N || *N == 0) {
            if (!N)
              ADD_FAILURE() << llvm::toString(N.takeError());
            break;
          }
          Data.append(Buf, *N);
        }
        L = "f " + std::string(Mode) + " " + Owner + " " + std::to_string(Data.size()) + " " +
            Sha256::hex(Data).substr(0, 12);
        break;
      }
      default: L = "other " + std::string(Mode) + " " + Owner; break;
      }
      Tree[Path] = L;
    }
  }
  return Tree;
}

std::string list(const std::vector<std::string> &L) {
  std::string O = "[";
  for (size_t I = 0; I < L.size(); ++I)
    O += (I ? ", " : "") + L[I];
  return O + "]";
}

/// The text description of an image compared with expected.txt.
std::string describe(const oci::Image &Img, const oci::Image &Base) {
  const oci::ImageConfig &C = Img.config();
  const oci::ContainerConfig &K = C.Config;
  std::string O = "# config\n";
  O += "Os/Arch: " + C.OS + "/" + C.Architecture + "\n";
  if (!C.Author.empty())
    O += "Author: " + C.Author + "\n";
  O += "Env: " + list(K.Env) + "\n";
  if (K.Entrypoint)
    O += "Entrypoint: " + list(*K.Entrypoint) + "\n";
  if (K.Cmd)
    O += "Cmd: " + list(*K.Cmd) + "\n";
  O += "WorkingDir: " + K.WorkingDir + "\n";
  if (!K.User.empty())
    O += "User: " + K.User + "\n";
  if (!K.ExposedPorts.empty())
    O += "ExposedPorts: " + list(K.ExposedPorts) + "\n";
  for (const auto &[Key, V] : K.Labels)
    O += "Label: " + Key + "=" + V + "\n";
  if (!K.Volumes.empty())
    O += "Volumes: " + list(K.Volumes) + "\n";
  if (!K.StopSignal.empty())
    O += "StopSignal: " + K.StopSignal + "\n";
  if (K.Healthcheck)
    O += "Healthcheck: " + list(K.Healthcheck->Test) +
         " interval=" + std::to_string(K.Healthcheck->Interval) +
         " retries=" + std::to_string(K.Healthcheck->Retries) + "\n";
  if (K.Shell)
    O += "Shell: " + list(*K.Shell) + "\n";
  if (!K.OnBuild.empty())
    O += "OnBuild: " + list(K.OnBuild) + "\n";
  O += "# history\n";
  for (const oci::History &H : C.Hist)
    O += (H.EmptyLayer ? "  " : "L ") + H.CreatedBy + "\n";
  O += "# files\n";
  // Images built on the base are compared with it; the others (FROM scratch) with nothing.
  bool OnBase = !Img.layers().empty() && !Base.layers().empty() &&
                Img.layers()[0].Dig == Base.layers()[0].Dig;
  auto Before =
      OnBase ? fileTree(Base, Base.layers().size()) : std::map<std::string, std::string>();
  auto After = fileTree(Img, Img.layers().size());
  for (const auto &[P, L] : After) {
    auto It = Before.find(P);
    if (It == Before.end() || It->second != L)
      O += P + " " + L + "\n";
  }
  for (const auto &[P, L] : Before)
    if (!After.count(P))
      O += P + " removed\n";
  return O;
}

class BuildTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = tempDir("ballast-build");
    MountsBefore = builder::testutil::mountPoints(Dir.string());
    Root = Dir / "root";
    builder::testutil::makeBusyboxRootfs(Dir / "rootfs");
    std::string Out;
    ASSERT_EQ(run("tar -C " + (Dir / "rootfs").string() + " --mtime=@1600000000 -cf " +
                      (Dir / "rootfs.tar").string() + " . && " + exe() + " import --root " +
                      Root.string() + " " + (Dir / "rootfs.tar").string() + " busybox:corpus",
                  Out, true),
              0)
        << Out;
  }
  void TearDown() override {
    EXPECT_EQ(builder::testutil::mountPoints(Dir.string()), MountsBefore);
    EXPECT_TRUE(builder::testutil::listDir(Root / ".ballast/snapshots/.tmp").empty());
    fs::remove_all(Dir);
  }
  /// Runs `ballast build` with Flags; returns the exit status, Out gets stdout+stderr.
  int build(const std::string &Flags, std::string &Out) {
    return run(exe() + " build --root " + Root.string() + " " + Flags, Out, true);
  }
  std::string imageId(const std::string &Out) {
    auto P = Out.rfind("sha256:");
    return P == std::string::npos ? "" : Out.substr(P, 71);
  }
  fs::path Dir, Root;
  std::multiset<std::string> MountsBefore;
};

TEST_F(BuildTest, CorpusGoldens) {
  fs::path Corpus = sourceDir() / "corpus/build";
  unsigned Cases = 0;
  for (const auto &E : fs::directory_iterator(Corpus)) {
    if (!E.is_directory())
      continue;
    ++Cases;
    std::string Name = E.path().filename().string();
    SCOPED_TRACE(Name);
    std::string Args = slurp(E.path() / "args");
    while (!Args.empty() && Args.back() == '\n')
      Args.pop_back();
    fs::path Ctx = E.path() / "context";
    std::string Out;
    int Rc = build("--build-arg SOURCE_DATE_EPOCH=1700000000 -t corpus:" + Name + " -f " +
                       (E.path() / "Dockerfile").string() + " " + Args + " " +
                       (fs::exists(Ctx) ? Ctx : E.path()).string(),
                   Out);
    ASSERT_EQ(Rc, 0) << Out;
    auto S = store::Store::open(Root.string());
    ASSERT_TRUE(!!S);
    auto Img = (*S)->image("corpus:" + Name);
    auto Base = (*S)->image("busybox:corpus");
    ASSERT_TRUE(Img && Base);
    std::string Got = describe(**Img, **Base);
    fs::path Want = E.path() / "expected.txt";
    if (std::getenv("BALLAST_UPDATE_GOLDENS"))
      spit(Want, Got);
    EXPECT_EQ(Got, slurp(Want));
  }
  EXPECT_GE(Cases, 4u);
}

TEST_F(BuildTest, CacheRerunsOnlyFromTheFirstStepThatReadsAChange) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "a.txt", "a\n");
  builder::testutil::writeFile(Ctx / "b.txt", "b\n");
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:corpus\n"
                                                   "COPY a.txt /a.txt\n"
                                                   "RUN cat /a.txt > /copy\n"
                                                   "COPY b.txt /b.txt\n"
                                                   "RUN cat /b.txt >> /copy\n");
  std::string Out1, Out2, Out3;
  ASSERT_EQ(build("-t c:1 " + Ctx.string(), Out1), 0) << Out1;
  EXPECT_THAT(Out1, ::testing::Not(HasSubstr("CACHED")));
  ASSERT_EQ(build("-t c:1 " + Ctx.string(), Out2), 0) << Out2;
  EXPECT_EQ(imageId(Out1), imageId(Out2));
  EXPECT_THAT(Out2, HasSubstr("#2 [2/5] COPY a.txt /a.txt\n#2 CACHED\n"));
  EXPECT_THAT(Out2, HasSubstr("#5 [5/5] RUN cat /b.txt >> /copy\n#5 CACHED\n"));
  // Changing b.txt reruns the last two steps only.
  builder::testutil::writeFile(Ctx / "b.txt", "B\n");
  ASSERT_EQ(build("-t c:1 " + Ctx.string(), Out3), 0) << Out3;
  EXPECT_THAT(Out3, HasSubstr("#3 [3/5] RUN cat /a.txt > /copy\n#3 CACHED\n"));
  EXPECT_THAT(Out3, ::testing::ContainsRegex("#4 \\[4/5\\] COPY b.txt /b.txt\n#4 DONE"));
  EXPECT_THAT(Out3, ::testing::ContainsRegex("#5 \\[5/5\\] RUN cat /b.txt >> /copy\n#5 DONE"));
  std::string Run;
  ASSERT_EQ(run(exe() + " run --root " + Root.string() + " c:1 cat /copy", Run, true), 0);
  EXPECT_EQ(Run, "a\nB\n");
  // --no-cache runs everything again.
  std::string Out4;
  ASSERT_EQ(build("--no-cache -t c:1 " + Ctx.string(), Out4), 0) << Out4;
  EXPECT_THAT(Out4, ::testing::Not(HasSubstr("CACHED")));
}

TEST_F(BuildTest, SourceDateEpochGivesTheSameDigest) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "f", "x");
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:corpus\nCOPY f /f\nRUN date > /d; touch /t\n");
  std::string Out1, Out2;
  ASSERT_EQ(build("--no-cache --build-arg SOURCE_DATE_EPOCH=1700000000 " + Ctx.string(), Out1), 0)
      << Out1;
  ASSERT_EQ(run("touch " + (Ctx / "f").string(), Out2), 0);
  ASSERT_EQ(build("--no-cache --build-arg SOURCE_DATE_EPOCH=1700000000 " + Ctx.string(), Out2), 0)
      << Out2;
  // `date` output differs, so the RUN layer is compared through everything else: same COPY
  // layer and same config times.
  auto S = store::Store::open(Root.string());
  ASSERT_TRUE(!!S);
  auto A = (*S)->image(imageId(Out1));
  auto B = (*S)->image(imageId(Out2));
  ASSERT_TRUE(A && B);
  EXPECT_EQ((*A)->layers()[1].Dig, (*B)->layers()[1].Dig);
  EXPECT_EQ((*A)->config().Created, "2023-11-14T22:13:20Z");
  EXPECT_EQ((*A)->config().Hist.back().Created, "2023-11-14T22:13:20Z");
}

TEST_F(BuildTest, FailingRunCommitsNothing) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:corpus\nRUN echo partial > /p\n"
                                                   "RUN echo oops; seq 1 25; exit 3\n");
  std::string Before, Out, After;
  ASSERT_EQ(run(exe() + " images --root " + Root.string() + " -q", Before, true), 0);
  EXPECT_EQ(build("-t bad:1 " + Ctx.string(), Out), 1);
  EXPECT_THAT(Out, HasSubstr("#3 oops\n#3 1\n"));
  // The summary: the step and its last 20 lines of output, then the exit code.
  std::string Tail;
  for (int I = 6; I <= 25; ++I)
    Tail += std::to_string(I) + "\n";
  EXPECT_THAT(Out, HasSubstr("#3 25\n------\n > [3/3] RUN echo oops; seq 1 25; exit 3:\n" + Tail +
                             "------\nError: " + (Ctx / "Dockerfile").string() +
                             ":3: RUN echo oops; seq 1 25; exit 3: process \"/bin/sh -c echo oops; "
                             "seq 1 25; exit 3\" did not "
                             "complete successfully: exit code: 3\n"));
  ASSERT_EQ(run(exe() + " images --root " + Root.string() + " -q", After, true), 0);
  EXPECT_EQ(Before, After);
}

TEST_F(BuildTest, StdinTargetLabelsAndIidfile) {
  std::string Out;
  // Only what the target needs is built: stage b would fail.
  std::string Df =
      "FROM scratch AS a\nLABEL stage=a\nFROM busybox:corpus AS b\nLABEL stage=b\nRUN exit 1\n";
  builder::testutil::writeFile(Dir / "Dockerfile", Df);
  ASSERT_EQ(build("--target a --label team=core --iidfile " + (Dir / "iid").string() +
                      " -t t:a - < " + (Dir / "Dockerfile").string(),
                  Out),
            0)
      << Out;
  EXPECT_THAT(Out, Not(HasSubstr("[b ")));
  std::string Id = builder::testutil::readFile(Dir / "iid");
  EXPECT_EQ(Id, imageId(Out));
  std::string Labels;
  ASSERT_EQ(
      run(exe() + " inspect --root " + Root.string() + " --format '{{json .Config.Labels}}' t:a",
          Labels, true),
      0);
  EXPECT_EQ(Labels, "{\"stage\":\"a\",\"team\":\"core\"}\n");
  EXPECT_EQ(build("- < /dev/null", Out), 1);
  std::string Copy = "FROM scratch\nCOPY x /x\n";
  builder::testutil::writeFile(Dir / "Dockerfile", Copy);
  EXPECT_EQ(build("- < " + (Dir / "Dockerfile").string(), Out), 1);
  EXPECT_THAT(Out, HasSubstr("the build context is empty (the Dockerfile came from stdin); pass "
                             "a context folder to copy x"));
  EXPECT_EQ(build("--target nope " + Dir.string(), Out), 1);
  EXPECT_THAT(Out, HasSubstr("target stage \"nope\" could not be found"));
  EXPECT_EQ(build("--compression brotli " + Dir.string(), Out), 2);
}

TEST_F(BuildTest, MissingBaseImagesArePulledFromTheRegistry) {
  auto Reg = registry::testing::RegistryServer::start(registry::testing::RegistrySetup::Plain);
  ASSERT_TRUE(!!Reg) << llvm::toString(Reg.takeError());
  std::string Remote = (*Reg)->host() + "/lib/busybox:1";
  std::string Env = "DOCKER_CONFIG=" + (Dir / "docker").string() + " ";
  std::string Out;
  ASSERT_EQ(run(Env + exe() + " tag --root " + Root.string() + " busybox:corpus " + Remote +
                    " && " + Env + exe() + " push --root " + Root.string() + " " + Remote + " && " +
                    Env + exe() + " rmi --root " + Root.string() + " " + Remote,
                Out, true),
            0)
      << Out;
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "f", "x");
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM " + Remote + "\nCOPY f /f\n");
  ASSERT_EQ(run(Env + exe() + " build --root " + Root.string() + " -t pulled:1 " + Ctx.string(),
                Out, true),
            0)
      << Out << (*Reg)->log();
  std::string Cat;
  ASSERT_EQ(run(exe() + " run --root " + Root.string() + " pulled:1 cat /f", Cat, true), 0);
  EXPECT_EQ(Cat, "x");
  std::string Images;
  ASSERT_EQ(run(exe() + " images --root " + Root.string() + " --format '{{.Repository}}:{{.Tag}}'",
                Images, true),
            0);
  EXPECT_THAT(Images, HasSubstr((*Reg)->host() + "/lib/busybox:1\n"));

  // The registry's tag moves to another image (pulled:1, which has /f). A build uses the
  // stored base; with --pull it takes the registry's.
  ASSERT_EQ(run(Env + exe() + " tag --root " + Root.string() + " pulled:1 " + Remote + " && " +
                    Env + exe() + " push --root " + Root.string() + " " + Remote + " && " + Env +
                    exe() + " tag --root " + Root.string() + " busybox:corpus " + Remote,
                Out, true),
            0)
      << Out;
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM " + Remote +
                                                       "\nRUN (test -e /f && echo registry || echo "
                                                       "stored) > /which\n");
  for (const char *Flags : {"", "--pull "}) {
    ASSERT_EQ(run(Env + exe() + " build --root " + Root.string() + " " + Flags + "-t which:1 " +
                      Ctx.string(),
                  Out, true),
              0)
        << Out;
    std::string Which;
    ASSERT_EQ(run(exe() + " run --root " + Root.string() + " which:1 cat /which", Which, true), 0);
    EXPECT_EQ(Which, *Flags ? "registry\n" : "stored\n") << Flags;
  }
}

TEST_F(BuildTest, SameSourceDateEpochGivesTheSameImageDigest) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "app/main.sh", "echo main\n");
  builder::testutil::writeFile(Ctx / "conf", "k=v\n");
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:corpus\n"
                               "WORKDIR /srv/app\n"
                               "COPY app ./\n"
                               "COPY --chmod=0600 conf /etc/app.conf\n"
                               "RUN mkdir -p /var/lib/app && echo state > /var/lib/app/s && "
                               "ln -s /srv/app/main.sh /bin/app && rm /etc/group\n"
                               "ENV MODE=prod\n"
                               "CMD [\"app\"]\n");
  std::string Out1, Out2, Out3, Ignored;
  ASSERT_EQ(build("--build-arg SOURCE_DATE_EPOCH=1700000000 -t repro:1 " + Ctx.string(), Out1), 0)
      << Out1;
  // Another store (the same base, byte for byte, loaded into it; nothing cached), the context's
  // times changed, the epoch from the environment as buildx takes it: the same bytes.
  fs::path Root2 = Dir / "root2";
  std::string Archive = (Dir / "base.tar").string();
  ASSERT_EQ(run("touch " + (Ctx / "conf").string() + " " + (Ctx / "app/main.sh").string() + " && " +
                    exe() + " save --format oci --root " + Root.string() + " -o " + Archive +
                    " busybox:corpus && " + exe() + " load -q --root " + Root2.string() + " -i " +
                    Archive,
                Ignored, true),
            0)
      << Ignored;
  ASSERT_EQ(run("SOURCE_DATE_EPOCH=1700000000 " + exe() + " build --root " + Root2.string() +
                    " -t repro:1 " + Ctx.string(),
                Out2, true),
            0)
      << Out2;
  EXPECT_THAT(Out2, Not(HasSubstr("CACHED")));
  EXPECT_EQ(imageId(Out1), imageId(Out2));
  auto S1 = store::Store::open(Root.string());
  auto S2 = store::Store::open(Root2.string());
  ASSERT_TRUE(S1 && S2);
  auto A = (*S1)->image("repro:1");
  auto B = (*S2)->image("repro:1");
  ASSERT_TRUE(A && B);
  EXPECT_EQ((*A)->digest().str(), (*B)->digest().str());
  EXPECT_EQ((*A)->config().Created, "2023-11-14T22:13:20Z");
  // Another epoch is another image.
  ASSERT_EQ(build("--build-arg SOURCE_DATE_EPOCH=1700000001 " + Ctx.string(), Out3), 0) << Out3;
  EXPECT_NE(imageId(Out3), imageId(Out1));
  fs::remove_all(Root2);
}

TEST_F(BuildTest, ZstdLayersTargetPlatformNetworkAndProgress) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "f", "data\n");
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM scratch\nARG TARGETPLATFORM\nCOPY f /f\n"
                                                   "LABEL built-for=$TARGETPLATFORM\n");
  std::string Out;
  // Like BuildKit (containerd's platform normalisation), arm64/v8 is arm64.
  ASSERT_EQ(build("--platform linux/arm64/v8 --compression zstd -t arm:1 " + Ctx.string(), Out), 0)
      << Out;
  auto S = store::Store::open(Root.string());
  ASSERT_TRUE(!!S);
  auto Arm = (*S)->image("arm:1");
  ASSERT_TRUE(!!Arm);
  EXPECT_EQ((*Arm)->config().OS + "/" + (*Arm)->config().Architecture + "/" +
                (*Arm)->config().Variant,
            "linux/arm64/");
  EXPECT_EQ((*Arm)->config().Config.Labels.at("built-for"), "linux/arm64");
  ASSERT_EQ((*Arm)->layers().size(), 1u);
  EXPECT_EQ((*Arm)->layers()[0].MediaType, "application/vnd.oci.image.layer.v1.tar+zstd");
  ASSERT_EQ(build("--platform linux/arm/v7 -t arm:7 " + Ctx.string(), Out), 0) << Out;
  auto Arm7 = (*S)->image("arm:7");
  ASSERT_TRUE(!!Arm7);
  EXPECT_EQ((*Arm7)->config().Architecture + "/" + (*Arm7)->config().Variant, "arm/v7");
  EXPECT_EQ((*Arm7)->config().Config.Labels.at("built-for"), "linux/arm/v7");
  EXPECT_EQ((*Arm7)->layers()[0].MediaType, "application/vnd.oci.image.layer.v1.tar+gzip");

  // zstd layers on a gzip base run; --network none leaves RUN only the loopback; auto and plain
  // print BuildKit's plain lines when stderr is not a terminal (tty: BuildProgressTty).
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:corpus\nRUN ls /sys/class/net > /nets\n");
  for (const char *Progress : {"auto", "plain"}) {
    SCOPED_TRACE(Progress);
    ASSERT_EQ(build(std::string("--no-cache --progress ") + Progress +
                        " --compression zstd --network none -t z:1 " + Ctx.string(),
                    Out),
              0)
        << Out;
    EXPECT_THAT(Out, ::testing::ContainsRegex("^#1 \\[1/2\\] FROM busybox:corpus\n#1 DONE\n"
                                              "#2 \\[2/2\\] RUN ls /sys/class/net > /nets\n"
                                              "#2 DONE [0-9.]+s\n#3 exporting to image\n"));
  }
  auto Z = (*S)->image("z:1");
  ASSERT_TRUE(!!Z);
  EXPECT_EQ((*Z)->layers().back().MediaType, "application/vnd.oci.image.layer.v1.tar+zstd");
  std::string Nets;
  ASSERT_EQ(run(exe() + " run --root " + Root.string() + " z:1 cat /nets", Nets, true), 0) << Nets;
  EXPECT_EQ(Nets, "lo\n");
  EXPECT_EQ(build("--progress fancy " + Ctx.string(), Out), 2);
  EXPECT_EQ(Out, "ballast build: unknown progress type fancy; use auto, plain or tty\n");
}

/// What the terminal shows last: the display's last screen (from its last header) and what
/// follows it.
std::string finalScreen(const std::string &Out) {
  size_t Pos = Out.rfind("\r\x1b[2K[+] Building ");
  return Pos == std::string::npos ? "" : Out.substr(Pos);
}

TEST_F(BuildTest, TtyProgressRedrawsStepsInPlaceLikeBuildx) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "a.txt", "a\n");
  // The RUN's output pauses for a second after "8". The display redraws on its 100 ms timer
  // and on any output line that comes >= 100 ms after the last redraw, so a live screen shows
  // the running step with "8" in its tail: the timer draws it during the pause, or the "end"
  // line (>= 1 s after "8") does; only a reader stalled for that whole second could miss it.
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:corpus\nCOPY a.txt /a.txt\n"
                                                   "RUN seq 1 8; sleep 1; echo end\n");
  std::string Cmd = exe() + " build --root " + Root.string() + " -t p:1 " + Ctx.string();
  std::string Out;
  // script(1) runs ballast on a pty: stdout and stderr are the terminal (lines end in \r\n).
  ASSERT_EQ(
      run("script -qfec 'stty cols 80 rows 24; " + Cmd + " --progress tty' /dev/null </dev/null",
          Out, true),
      0)
      << Out;
  EXPECT_THAT(Out, Not(HasSubstr("#1 ")));
  EXPECT_THAT(Out, ::testing::ContainsRegex("\\[\\+\\] Building [0-9.]+s \\([0-9]/[0-9]\\)\r?\n"));
  EXPECT_THAT(Out, HasSubstr("\r\x1b[2K => [3/3] RUN seq 1 8; sleep 1; echo end "));
  EXPECT_THAT(Out, HasSubstr("\x1b[2m => => # 8\x1b[0m\r\n"));
  EXPECT_THAT(Out, ::testing::ContainsRegex("\x1b\\[[0-9]+A"));
  std::string Screen = finalScreen(Out);
  SCOPED_TRACE(Screen);
  EXPECT_THAT(Screen, ::testing::ContainsRegex("^\r\x1b\\[2K\\[\\+\\] Building [0-9.]+s \\(4/4\\) "
                                               "FINISHED\r\n"));
  // Every step finished (blue) with its time; no output under finished steps.
  for (const char *Step : {"[1/3] FROM busybox:corpus", "[2/3] COPY a.txt /a.txt",
                           "[3/3] RUN seq 1 8; sleep 1; echo end", "exporting to image"})
    EXPECT_THAT(Screen,
                ::testing::ContainsRegex(
                    "\x1b\\[34m => " + std::regex_replace(Step, std::regex("[\\[\\]+.]"), "\\$&") +
                    " +[0-9]+\\.[0-9]s\x1b\\[0m\r\n"));
  // (cut at the terminal's width: 80 columns on script's pty)
  EXPECT_THAT(Screen,
              ::testing::ContainsRegex("\x1b\\[34m => => writing image sha256:[0-9a-f]{12}"));
  EXPECT_THAT(Screen, Not(HasSubstr("\x1b[2m")));
  EXPECT_THAT(Screen, Not(HasSubstr("CACHED")));
  EXPECT_THAT(Screen, ::testing::EndsWith("\x1b[J" + imageId(Out) + "\r\n"));

  // The rebuild: --progress auto on a terminal is the same display, every step from the cache.
  ASSERT_EQ(
      run("script -qfec 'stty cols 80 rows 24; " + Cmd + " --progress auto' /dev/null </dev/null",
          Out, true),
      0)
      << Out;
  Screen = finalScreen(Out);
  EXPECT_THAT(Screen, HasSubstr("\x1b[34m => CACHED [2/3] COPY a.txt /a.txt "));
  EXPECT_THAT(Screen, HasSubstr("\x1b[34m => CACHED [3/3] RUN seq 1 8; sleep 1; echo end "));
  EXPECT_THAT(Screen, HasSubstr("(4/4) FINISHED"));

  // A failing step: red ERROR with its last output lines, then BuildKit's summary and the error.
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:corpus\nRUN seq 1 9; sleep 0.3; exit 3\n");
  ASSERT_EQ(
      run("script -qfec 'stty cols 80 rows 24; " + Cmd + " --progress tty' /dev/null </dev/null",
          Out, true),
      1)
      << Out;
  Screen = finalScreen(Out);
  EXPECT_THAT(Screen, HasSubstr("\x1b[31m => ERROR [2/2] RUN seq 1 9; sleep 0.3; exit 3 "));
  EXPECT_THAT(Screen, HasSubstr("\x1b[2m => => # 4\x1b[0m\r\n"));
  EXPECT_THAT(Screen, HasSubstr("\x1b[2m => => # 9\x1b[0m\r\n\x1b[J------\r\n > [2/2] RUN seq 1 9; "
                                "sleep 0.3; exit 3:\r\n1\r\n"));
  EXPECT_THAT(Screen, HasSubstr("Error: " + (Ctx / "Dockerfile").string() + ":2: "));

  // Not a terminal: auto prints plain lines, tty fails like buildx's "failed to get console".
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:corpus\nCOPY a.txt /a.txt\n");
  ASSERT_EQ(build("--progress auto " + Ctx.string(), Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("#1 [1/2] FROM busybox:corpus\n#1 DONE\n#2 [2/2] COPY a.txt "
                             "/a.txt\n#2 CACHED\n"));
  EXPECT_THAT(Out, Not(HasSubstr("\x1b")));
  EXPECT_EQ(build("--progress tty " + Ctx.string(), Out), 2);
  EXPECT_EQ(Out, "ballast build: failed to get console: stderr is not a terminal; use --progress "
                 "plain (or auto)\n");
}

TEST_F(BuildTest, OnbuildTriggersRunWhenTheImageIsABase) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "trigger.txt", "from the context\n");
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:corpus\n"
                                                   "ONBUILD COPY trigger.txt /from-trigger\n"
                                                   "ONBUILD RUN echo ran | tee /ran\n");
  std::string Out;
  ASSERT_EQ(build("-t onbuild-base:1 " + Ctx.string(), Out), 0) << Out;
  // The triggers are stored, not run, in the image that declares them.
  std::string Run;
  EXPECT_EQ(run(exe() + " run --root " + Root.string() +
                    " onbuild-base:1 sh -c 'test ! -e /ran && test ! -e /from-trigger && echo no'",
                Run, true),
            0);
  EXPECT_EQ(Run, "no\n");
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM onbuild-base:1\nRUN cat /from-trigger /ran > /both\n");
  ASSERT_EQ(build("-t onbuild-child:1 " + Ctx.string(), Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("#2 [2/4] ONBUILD COPY trigger.txt /from-trigger\n"));
  EXPECT_THAT(Out, HasSubstr("#3 [3/4] ONBUILD RUN echo ran | tee /ran\n"));
  ASSERT_EQ(run(exe() + " run --root " + Root.string() + " onbuild-child:1 cat /both", Run, true),
            0);
  EXPECT_EQ(Run, "from the context\nran\n");
  // Triggers do not carry over to the child.
  std::string OnBuild;
  ASSERT_EQ(run(exe() + " inspect --root " + Root.string() +
                    " --format '{{json .Config.OnBuild}}' onbuild-base:1 onbuild-child:1",
                OnBuild, true),
            0);
  EXPECT_EQ(OnBuild, "[\"COPY trigger.txt /from-trigger\",\"RUN echo ran | tee /ran\"]\nnull\n");
}

} // namespace

TEST_F(BuildTest, AnalyzeMapsABallastBuiltImageToItsDockerfileLines) {
  fs::path Ctx = Dir / "ctx";
  builder::testutil::writeFile(Ctx / "Dockerfile",
                               "FROM busybox:corpus\n"
                               "RUN dd if=/dev/zero of=/big bs=1024 count=64 2>/dev/null\n"
                               "RUN rm /big\n");
  std::string Out;
  ASSERT_EQ(build("-t waste:1 " + Ctx.string(), Out), 0) << Out;
  // No --dockerfile: the store knows which Dockerfile built the image.
  std::string An;
  EXPECT_EQ(run(exe() + " analyze --root " + Root.string() + " waste:1", An, true), 0) << An;
  EXPECT_THAT(An,
              HasSubstr((Ctx / "Dockerfile").string() + ":2:1: BL3001 warning: 66 kB in 1 file"))
      << An;
  // The imported base layer has no created_by, only docker import's comment: shown as such.
  EXPECT_THAT(
      An, ::testing::ContainsRegex("\n  0 +[0-9.]+ [kM]B +[0-9.]+ k?B  \\(Imported from -\\)\n"))
      << An;
  // Once the Dockerfile changes, its lines no longer describe the image: say so, map nothing.
  builder::testutil::writeFile(Ctx / "Dockerfile", "FROM busybox:corpus\n");
  EXPECT_EQ(run(exe() + " analyze --root " + Root.string() + " waste:1", An, true), 0) << An;
  EXPECT_THAT(An, HasSubstr("which has changed or is gone since"));
  EXPECT_THAT(An, ::testing::Not(HasSubstr("Dockerfile:2:1")));
}
