//===- BuildahDiffTest.cpp - corpus/build built by ballast and by buildah, compared ===//
//
// Every case of corpus/build/ that Debian's buildah 1.28 accepts (a case it rejects has a
// `buildah-skip` file giving the reason) is built twice on the same busybox base: by `ballast
// build`, and by `buildah bud --isolation chroot --storage-driver vfs --format docker` in a
// private --root/--runroot, the base handed over as an OCI archive from `ballast save`. The
// final file trees (path, type, mode, owner, size, content hash, link target) and the config
// fields Docker users see (Env, Cmd, Entrypoint, WorkingDir, User, ExposedPorts, Labels,
// Volumes, StopSignal, Healthcheck) must be equal, except for the lines a case's
// `buildah-differences` lists (where buildah departs from BuildKit, with the reason). Buildah's
// chroot isolation leaves empty /etc/hosts, /etc/hostname, /etc/resolv.conf and /dev, /proc, /sys,
// /run mount points behind and labels the image with io.buildah.version: those are removed on
// buildah's side only, and ballast's tree must not hold them.
//
//===----------------------------------------------------------------------===//
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "builder/SandboxTestUtil.h"
#include "oci/Compression.h"
#include "oci/LayerReader.h"
#include "oci/Manifest.h"
#include "store/Store.h"
#include "support/Hash.h"
#include "support/Stream.h"
#include "tests/TestUtil.h"
#include "llvm/ADT/StringExtras.h"

using namespace ballast;
using namespace ballast::test;
namespace fs = std::filesystem;

namespace {

std::string exe() { return BALLAST_EXE; }

/// Path -> "type mode uid:gid size hash" / "l uid:gid -> target" of a file tree.
using Tree = std::map<std::string, std::string>;

/// Removes Path and everything below it from T.
void erase(Tree &T, const std::string &Path) {
  T.erase(Path);
  for (auto It = T.lower_bound(Path + "/");
       It != T.end() && llvm::StringRef(It->first).startswith(Path + "/");)
    It = T.erase(It);
}

/// Applies one uncompressed-or-compressed layer to T (whiteouts and opaque folders honoured).
void applyLayer(Tree &T, std::unique_ptr<Reader> Blob) {
  auto Plain = oci::decompress(std::move(Blob));
  ASSERT_TRUE(!!Plain) << llvm::toString(Plain.takeError());
  oci::LayerReader R(std::move(*Plain));
  while (true) {
    auto E = R.next();
    ASSERT_TRUE(!!E) << llvm::toString(E.takeError());
    if (!*E)
      break;
    const oci::TarEntry &Ent = **E;
    if (Ent.Path.empty() || Ent.Path == ".")
      continue;
    std::string Path = "/" + Ent.Path;
    while (Path.size() > 1 && Path.back() == '/')
      Path.pop_back();
    auto [DirRef, BaseRef] = llvm::StringRef(Path).rsplit('/');
    std::string Dir = DirRef.str();
    if (BaseRef == ".wh..wh..opq") {
      for (auto It = T.lower_bound(Dir + "/");
           It != T.end() && llvm::StringRef(It->first).startswith(Dir + "/");)
        It = T.erase(It);
      continue;
    }
    if (BaseRef.startswith(".wh.")) {
      erase(T, Dir + "/" + BaseRef.drop_front(4).str());
      continue;
    }
    char Mode[8];
    snprintf(Mode, sizeof Mode, "%04o", Ent.Mode & 07777);
    std::string Owner = std::to_string(Ent.Uid) + ":" + std::to_string(Ent.Gid);
    std::string L;
    switch (Ent.Type) {
    case oci::EntryType::Dir: L = "d " + std::string(Mode) + " " + Owner; break;
    case oci::EntryType::Symlink: L = "l " + Owner + " -> " + Ent.LinkTarget; break;
    case oci::EntryType::Hardlink: {
      // A hardlink is the same file as its target: describe it like the target.
      auto It = T.find("/" + Ent.LinkTarget);
      L = It == T.end() ? "h -> /" + Ent.LinkTarget : It->second;
      break;
    }
    case oci::EntryType::File: {
      Sha256 H;
      size_t Size = 0;
      char Buf[65536];
      while (true) {
        auto N = R.readData(Buf, sizeof Buf);
        ASSERT_TRUE(!!N) << llvm::toString(N.takeError());
        if (*N == 0)
          break;
        H.update(llvm::StringRef(Buf, *N));
        Size += *N;
      }
      L = "f " + std::string(Mode) + " " + Owner + " " + std::to_string(Size) + " " +
          H.finishHex().substr(0, 12);
      break;
    }
    default: L = "other " + std::string(Mode) + " " + Owner; break;
    }
    if (Ent.Type != oci::EntryType::Dir)
      erase(T, Path);
    T[Path] = L;
  }
}

std::string list(const std::vector<std::string> &L) {
  std::string O = "[";
  for (size_t I = 0; I < L.size(); ++I)
    O += (I ? ", " : "") + L[I];
  return O + "]";
}

/// The compared description: config fields, then every file of the tree.
std::string describe(const oci::ContainerConfig &K, const Tree &T) {
  std::string O = "Env: " + list(K.Env) + "\n";
  // An empty list and no list both mean "nothing" (buildah writes [] where Docker omits).
  O += "Entrypoint: " + (K.Entrypoint ? list(*K.Entrypoint) : "[]") + "\n";
  O += "Cmd: " + (K.Cmd ? list(*K.Cmd) : "[]") + "\n";
  O += "WorkingDir: " + (K.WorkingDir.empty() ? "/" : K.WorkingDir) + "\n";
  O += "User: " + K.User + "\n";
  O += "ExposedPorts: " + list(K.ExposedPorts) + "\n";
  for (const auto &[Key, V] : K.Labels)
    O += "Label: " + Key + "=" + V + "\n";
  O += "Volumes: " + list(K.Volumes) + "\n";
  O += "StopSignal: " + K.StopSignal + "\n";
  if (K.Healthcheck)
    O += "Healthcheck: " + list(K.Healthcheck->Test) +
         " interval=" + std::to_string(K.Healthcheck->Interval) +
         " timeout=" + std::to_string(K.Healthcheck->Timeout) +
         " start=" + std::to_string(K.Healthcheck->StartPeriod) +
         " retries=" + std::to_string(K.Healthcheck->Retries) + "\n";
  for (const auto &[P, L] : T)
    O += P + " " + L + "\n";
  return O;
}

/// The lines of A missing from B, each prefixed with Tag.
std::string missing(const std::string &A, const std::string &B, const std::string &Tag) {
  llvm::SmallVector<llvm::StringRef, 64> LA, LB;
  llvm::StringRef(A).split(LA, '\n', -1, false);
  llvm::StringRef(B).split(LB, '\n', -1, false);
  std::set<llvm::StringRef> SB(LB.begin(), LB.end());
  std::string O;
  for (llvm::StringRef L : LA)
    if (!SB.count(L))
      O += Tag + L.str() + "\n";
  return O;
}

/// What buildah's chroot isolation leaves behind: empty files and folders at mount points.
const char *const BuildahLeftovers[] = {
    "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/dev", "/proc", "/sys", "/run"};

/// Whether T holds Path with nothing below it and, for a file, no content.
bool emptyAt(const Tree &T, const std::string &Path) {
  auto It = T.find(Path);
  if (It == T.end())
    return false;
  auto Next = std::next(It);
  if (Next != T.end() && llvm::StringRef(Next->first).startswith(Path + "/"))
    return false;
  llvm::StringRef L = It->second;
  return L.startswith("d ") || (L.startswith("f ") && L.contains(" 0 e3b0c44298fc"));
}

class BuildahDiffTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = tempDir("ballast-buildah");
    Root = Dir / "ballast";
    builder::testutil::makeBusyboxRootfs(Dir / "rootfs");
    std::string Out;
    ASSERT_EQ(run("tar -C " + (Dir / "rootfs").string() + " --mtime=@1600000000 -cf " +
                      (Dir / "rootfs.tar").string() + " . && " + exe() + " import --root " +
                      Root.string() + " " + (Dir / "rootfs.tar").string() + " busybox:corpus && " +
                      exe() + " save --root " + Root.string() + " --format oci -o " +
                      (Dir / "base.tar").string() + " busybox:corpus",
                  Out, true),
              0)
        << Out;
    // An empty registries.conf: nothing is ever looked up remotely.
    builder::testutil::writeFile(Dir / "registries.conf", "");
    fs::create_directories(Dir / "tmp");
    ASSERT_EQ(run(buildah("pull -q oci-archive:" + (Dir / "base.tar").string()) + " > " +
                      (Dir / "base.id").string() + " && " +
                      buildah("tag $(cat " + (Dir / "base.id").string() + ") busybox:corpus"),
                  Out, true),
              0)
        << Out;
  }
  void TearDown() override {
    // Working containers a failed bud left behind, then the whole private storage (vfs layers
    // are plain folders).
    std::string Out;
    run(buildah("rm -a") + " >/dev/null 2>&1", Out, true);
    EXPECT_EQ(builder::testutil::mountPoints(Dir.string()), std::multiset<std::string>());
    fs::remove_all(Dir);
  }
  /// A buildah command line on the private storage.
  std::string buildah(const std::string &Rest) const {
    // TMPDIR: buildah keeps RUN cache mounts in $TMPDIR/buildah-cache, shared host-wide.
    return "TMPDIR=" + (Dir / "tmp").string() +
           " CONTAINERS_REGISTRIES_CONF=" + (Dir / "registries.conf").string() +
           " BUILDAH_ISOLATION=chroot buildah --root " + (Dir / "buildah/root").string() +
           " --runroot " + (Dir / "buildah/run").string() + " --storage-driver vfs " + Rest;
  }
  fs::path Dir, Root;
};

TEST_F(BuildahDiffTest, CorpusCasesBuildTheSameImage) {
  fs::path Corpus = sourceDir() / "corpus/build";
  unsigned Compared = 0, Skipped = 0;
  std::vector<fs::path> Cases;
  for (const auto &E : fs::directory_iterator(Corpus))
    if (E.is_directory())
      Cases.push_back(E.path());
  std::sort(Cases.begin(), Cases.end());
  for (const fs::path &Case : Cases) {
    std::string Name = Case.filename().string();
    SCOPED_TRACE(Name);
    std::string Skip = slurp(Case / "buildah-skip");
    if (!Skip.empty()) {
      // The reason must name what buildah 1.28 rejects; the golden test covers the case.
      EXPECT_NE(Skip.find("buildah 1.28"), std::string::npos) << Skip;
      std::cout << "[ SKIP     ] " << Name << ": " << Skip;
      ++Skipped;
      continue;
    }
    std::string Args = slurp(Case / "args");
    while (!Args.empty() && Args.back() == '\n')
      Args.pop_back();
    fs::path Ctx = fs::exists(Case / "context") ? Case / "context" : Case;
    std::string Df = (Case / "Dockerfile").string();
    std::string Out;
    int Rc = run(exe() + " build --root " + Root.string() + " -t diff:" + Name + " -f " + Df + " " +
                     Args + " " + Ctx.string(),
                 Out, true);
    EXPECT_EQ(Rc, 0) << Out;
    if (Rc != 0)
      continue;
    fs::path Pushed = Dir / ("buildah-" + Name);
    Rc = run(buildah("bud --isolation chroot --format docker --pull=never -q -t diff-" + Name +
                     " -f " + Df + " " + Args + " " + Ctx.string()) +
                 " && " + buildah("push -q diff-" + Name + " dir:" + Pushed.string()),
             Out, true);
    EXPECT_EQ(Rc, 0) << Out;
    if (Rc != 0)
      continue;

    // ballast's image from its store.
    auto S = store::Store::open(Root.string());
    ASSERT_TRUE(!!S) << llvm::toString(S.takeError());
    auto Img = (*S)->image("diff:" + Name);
    ASSERT_TRUE(!!Img) << llvm::toString(Img.takeError());
    Tree Mine;
    for (const oci::Descriptor &L : (*Img)->layers()) {
      auto Blob = (*Img)->openBlob(L);
      ASSERT_TRUE(!!Blob) << llvm::toString(Blob.takeError());
      applyLayer(Mine, std::move(*Blob));
    }
    for (const char *P : BuildahLeftovers)
      EXPECT_EQ(Mine.count(P), 0u) << "ballast left " << P << " in the image";

    // buildah's image from the dir: layout (manifest.json, blobs named by their hex digest).
    auto M = oci::Manifest::parse(slurp(Pushed / "manifest.json"));
    ASSERT_TRUE(!!M) << llvm::toString(M.takeError());
    auto Cfg = oci::ImageConfig::parse(slurp(Pushed / M->Config.Dig.hex()));
    ASSERT_TRUE(!!Cfg) << llvm::toString(Cfg.takeError());
    Tree Theirs;
    for (const oci::Descriptor &L : M->Layers) {
      auto Blob = openFileReader((Pushed / L.Dig.hex()).string());
      ASSERT_TRUE(!!Blob) << llvm::toString(Blob.takeError());
      applyLayer(Theirs, std::move(*Blob));
    }
    for (const char *P : BuildahLeftovers)
      if (emptyAt(Theirs, P))
        Theirs.erase(P);
    Cfg->Config.Labels.erase("io.buildah.version");

    std::string A = describe((*Img)->config().Config, Mine);
    std::string B = describe(Cfg->Config, Theirs);
    // Known differences where buildah departs from BuildKit are listed, each with its reason
    // in a comment, in the case's `buildah-differences`; anything else is a ballast bug.
    std::string Known;
    llvm::SmallVector<llvm::StringRef, 8> KnownLines;
    std::string KnownText = slurp(Case / "buildah-differences");
    llvm::StringRef(KnownText).split(KnownLines, '\n', -1, false);
    for (llvm::StringRef L : KnownLines)
      if (!L.startswith("#"))
        Known += L.str() + "\n";
    EXPECT_EQ(missing(A, B, "only ballast: ") + missing(B, A, "only buildah: "), Known);
    ++Compared;
  }
  std::cout << "compared " << Compared << " cases with buildah, skipped " << Skipped << "\n";
  EXPECT_GE(Compared, 5u);
}

} // namespace
