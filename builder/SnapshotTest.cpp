//===- SnapshotTest.cpp - Layer extraction, whiteouts, overlay mounts -----===//
#include "builder/Snapshot.h"
#include "builder/Sandbox.h"
#include "builder/SandboxTestUtil.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <gtest/gtest.h>

using namespace ballast;
using namespace ballast::builder;
using namespace ballast::builder::testutil;
namespace fs = std::filesystem;

namespace {

/// Builds a pax tar in memory with libarchive.
class TarBuilder {
public:
  TarBuilder() : A(archive_write_new()) {
    archive_write_set_format_pax_restricted(A);
    archive_write_open(A, this, nullptr, &TarBuilder::write, nullptr);
  }
  ~TarBuilder() {
    if (A)
      archive_write_free(A);
  }
  TarBuilder &file(const std::string &Path, const std::string &Data, unsigned Mode = 0644,
                   int Uid = 0, int Gid = 0, std::map<std::string, std::string> X = {}) {
    archive_entry *E = entry(Path, AE_IFREG, Mode, Uid, Gid);
    archive_entry_set_size(E, Data.size());
    for (const auto &[K, V] : X)
      archive_entry_xattr_add_entry(E, K.c_str(), V.data(), V.size());
    archive_write_header(A, E);
    archive_write_data(A, Data.data(), Data.size());
    archive_entry_free(E);
    return *this;
  }
  TarBuilder &dir(const std::string &Path, unsigned Mode = 0755, int Uid = 0, int Gid = 0,
                  int64_t MTime = 1000) {
    archive_entry *E = entry(Path, AE_IFDIR, Mode, Uid, Gid, MTime);
    archive_write_header(A, E);
    archive_entry_free(E);
    return *this;
  }
  TarBuilder &symlink(const std::string &Path, const std::string &Target) {
    archive_entry *E = entry(Path, AE_IFLNK, 0777, 0, 0);
    archive_entry_set_symlink(E, Target.c_str());
    archive_write_header(A, E);
    archive_entry_free(E);
    return *this;
  }
  TarBuilder &hardlink(const std::string &Path, const std::string &Target) {
    archive_entry *E = entry(Path, AE_IFREG, 0644, 0, 0);
    archive_entry_set_hardlink(E, Target.c_str());
    archive_entry_set_size(E, 0);
    archive_write_header(A, E);
    archive_entry_free(E);
    return *this;
  }
  TarBuilder &node(const std::string &Path, unsigned Type, unsigned Major, unsigned Minor) {
    archive_entry *E = entry(Path, Type, 0600, 0, 0);
    archive_entry_set_rdevmajor(E, Major);
    archive_entry_set_rdevminor(E, Minor);
    archive_write_header(A, E);
    archive_entry_free(E);
    return *this;
  }
  /// Adds every file below Dir (as busybox rootfs layers are made).
  TarBuilder &tree(const fs::path &Dir) {
    for (auto It = fs::recursive_directory_iterator(Dir); It != fs::recursive_directory_iterator();
         ++It) {
      std::string Rel = It->path().lexically_relative(Dir).string();
      if (It->is_symlink())
        symlink(Rel, fs::read_symlink(It->path()).string());
      else if (It->is_directory())
        dir(Rel, static_cast<unsigned>(fs::status(It->path()).permissions()));
      else
        file(Rel, readFile(It->path()),
             static_cast<unsigned>(fs::status(It->path()).permissions()));
    }
    return *this;
  }
  std::string finish() {
    archive_write_close(A);
    archive_write_free(A);
    A = nullptr;
    return Out;
  }

private:
  archive_entry *entry(const std::string &Path, unsigned Type, unsigned Mode, int Uid, int Gid,
                       int64_t MTime = 1000) {
    archive_entry *E = archive_entry_new();
    archive_entry_set_pathname(E, Path.c_str());
    archive_entry_set_filetype(E, Type);
    archive_entry_set_perm(E, Mode);
    archive_entry_set_uid(E, Uid);
    archive_entry_set_gid(E, Gid);
    archive_entry_set_mtime(E, MTime, 0);
    return E;
  }
  static la_ssize_t write(archive *, void *Self, const void *Buf, size_t N) {
    static_cast<TarBuilder *>(Self)->Out.append(static_cast<const char *>(Buf), N);
    return static_cast<la_ssize_t>(N);
  }
  archive *A;
  std::string Out;
};

class SnapshotTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = makeTempDir("ballast-snapshot-test");
    MountsBefore = mountPoints(Dir.string());
  }
  void TearDown() override {
    EXPECT_EQ(mountPoints(Dir.string()), MountsBefore);
    llvm::consumeError(removeTree(Dir.string()));
  }
  fs::path extract(const std::string &Tar, const std::string &Name) {
    fs::path D = Dir / Name;
    fs::create_directories(D);
    auto E = extractLayer(stringReader(Tar), D.string());
    EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
    return D;
  }
  std::string extractError(const std::string &Tar, const std::string &Name) {
    fs::path D = Dir / Name;
    fs::create_directories(D);
    auto E = extractLayer(stringReader(Tar), D.string());
    return E ? llvm::toString(std::move(E)) : "";
  }
  static std::string xattr(const fs::path &P, const char *Name) {
    char Buf[256];
    ssize_t N = ::lgetxattr(P.c_str(), Name, Buf, sizeof Buf);
    return N < 0 ? "<none>" : std::string(Buf, N);
  }
  std::multiset<std::string> MountsBefore;
  fs::path Dir;
};

TEST_F(SnapshotTest, ExtractionKeepsMetadata) {
  std::string Tar =
      TarBuilder()
          .dir("usr", 0750, 10, 20, 12345)
          .file("usr/bin/tool", "#!/bin/sh\n", 04755, 1000, 1001, {{"user.origin", "layer"}})
          .symlink("usr/lib64", "/usr/lib")
          .hardlink("usr/bin/tool2", "usr/bin/tool")
          .node("dev-null", AE_IFCHR, 1, 3)
          .node("fifo", AE_IFIFO, 0, 0)
          .finish();
  fs::path D = extract(Tar, "l");
  struct stat St;
  ASSERT_EQ(::lstat((D / "usr").c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 07777, 0750u);
  EXPECT_EQ(St.st_uid, 10u);
  EXPECT_EQ(St.st_gid, 20u);
  EXPECT_EQ(St.st_mtime, 12345);
  ASSERT_EQ(::lstat((D / "usr/bin/tool").c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 07777, 04755u);
  EXPECT_EQ(St.st_uid, 1000u);
  EXPECT_EQ(St.st_gid, 1001u);
  EXPECT_EQ(St.st_mtime, 1000);
  EXPECT_EQ(St.st_nlink, 2u);
  EXPECT_EQ(readFile(D / "usr/bin/tool"), "#!/bin/sh\n");
  EXPECT_EQ(xattr(D / "usr/bin/tool", "user.origin"), "layer");
  struct stat St2;
  ASSERT_EQ(::lstat((D / "usr/bin/tool2").c_str(), &St2), 0);
  EXPECT_EQ(St2.st_ino, St.st_ino);
  EXPECT_EQ(fs::read_symlink(D / "usr/lib64"), "/usr/lib");
  ASSERT_EQ(::lstat((D / "dev-null").c_str(), &St), 0);
  EXPECT_TRUE(S_ISCHR(St.st_mode));
  EXPECT_EQ(St.st_rdev, makedev(1, 3));
  ASSERT_EQ(::lstat((D / "fifo").c_str(), &St), 0);
  EXPECT_TRUE(S_ISFIFO(St.st_mode));
}

TEST_F(SnapshotTest, WhiteoutsBecomeOverlayFormAndTheStackMerges) {
  fs::path L1 = extract(TarBuilder()
                            .file("a/x", "x1")
                            .file("a/y", "y1")
                            .file("b/z", "z1")
                            .file("b/deep/w", "w1")
                            .file("keep", "k")
                            .finish(),
                        "l1");
  fs::path L2 = extract(TarBuilder()
                            .file("a/.wh.x", "")
                            .file("b/.wh..wh..opq", "")
                            .file("b/new", "n2")
                            .file(".wh..wh.plnk", "")
                            .finish(),
                        "l2");
  struct stat St;
  ASSERT_EQ(::lstat((L2 / "a/x").c_str(), &St), 0);
  EXPECT_TRUE(S_ISCHR(St.st_mode));
  EXPECT_EQ(St.st_rdev, makedev(0, 0));
  EXPECT_EQ(xattr(L2 / "b", "trusted.overlay.opaque"), "y");
  EXPECT_EQ(listDir(L2), (std::vector<std::string>{"a", "b"}));
  {
    auto M = OverlayMount::create({L1.string(), L2.string()}, Dir.string());
    ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
    fs::path V = (*M)->merged();
    EXPECT_EQ(listDir(V / "a"), std::vector<std::string>{"y"});
    EXPECT_EQ(listDir(V / "b"), std::vector<std::string>{"new"});
    EXPECT_EQ(readFile(V / "keep"), "k");
    // The standard mount points the layers lack come from a stub layer, not the upper.
    EXPECT_TRUE(fs::is_directory(V / "proc"));
    EXPECT_TRUE(fs::is_regular_file(V / "etc/hosts"));
    writeFile(V / "a/added", "u");
    fs::remove(V / "a/y");
    auto E = (*M)->unmount();
    ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
    fs::path U = (*M)->upper();
    EXPECT_EQ(listDir(U), std::vector<std::string>{"a"});
    EXPECT_EQ(listDir(U / "a"), (std::vector<std::string>{"added", "y"}));
    ASSERT_EQ(::lstat((U / "a/y").c_str(), &St), 0);
    EXPECT_TRUE(S_ISCHR(St.st_mode)); // overlay's own whiteout
  }
  // Everything under the work parent is gone but the layers.
  EXPECT_EQ(listDir(Dir), (std::vector<std::string>{"l1", "l2"}));
}

TEST_F(SnapshotTest, EscapesAreRejectedAndNothingIsWrittenOutside) {
  fs::path Victim = makeTempDir("ballast-snapshot-victim");
  EXPECT_EQ(
      extractError(TarBuilder().symlink("link", Victim.string()).file("link/evil", "x").finish(),
                   "abs"),
      "layer entry \"link/evil\" passes through a symlink or a non-folder; refusing to "
      "extract the layer");
  EXPECT_EQ(extractError(
                TarBuilder().symlink("up", "../../../..").file("up/tmp/evil", "x").finish(), "rel"),
            "layer entry \"up/tmp/evil\" passes through a symlink or a non-folder; refusing to "
            "extract the layer");
  std::string Dots = extractError(TarBuilder().file("../../evil", "x").finish(), "dots");
  EXPECT_NE(Dots.find("../../evil"), std::string::npos) << Dots;
  std::string Hard = extractError(TarBuilder().hardlink("h", "../../etc/passwd").finish(), "hard");
  EXPECT_NE(Hard.find("escapes the layer root"), std::string::npos) << Hard;
  EXPECT_EQ(extractError(TarBuilder().hardlink("h", "etc/passwd").finish(), "hard2"),
            "layer entry \"h\" is a hard link to \"etc/passwd\", which is not in this layer; the "
            "layer is not self-contained");
  EXPECT_TRUE(listDir(Victim).empty());
  EXPECT_FALSE(fs::exists(Dir.parent_path() / "evil"));
  EXPECT_FALSE(fs::exists("/evil"));
  fs::remove_all(Victim);
}

TEST_F(SnapshotTest, StoreExtractsOnceAndChecksTheDiffId) {
  auto S = SnapshotStore::open(Dir.string());
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  std::string Tar = TarBuilder().file("hello", "world").finish();
  oci::Digest Id = oci::Digest::sha256Of(Tar);
  int Opens = 0;
  auto Open = [&]() -> llvm::Expected<std::unique_ptr<Reader>> {
    ++Opens;
    return stringReader(Tar);
  };
  auto P = S->ensure(Id, Open);
  ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
  EXPECT_EQ(*P, (Dir / ".ballast/snapshots" / Id.hex()).string());
  EXPECT_EQ(readFile(fs::path(*P) / "hello"), "world");
  P = S->ensure(Id, Open);
  ASSERT_TRUE(bool(P));
  EXPECT_EQ(Opens, 1);
  // Content that does not match its diff_id leaves nothing behind.
  oci::Digest Wrong = oci::Digest::sha256Of("something else");
  auto Bad = S->ensure(Wrong, Open);
  ASSERT_FALSE(Bad);
  EXPECT_EQ(llvm::toString(Bad.takeError()), "layer content has diff_id " + Id.str() +
                                                 " but the image config says " + Wrong.str() +
                                                 "; the image is corrupt, pull it again");
  EXPECT_FALSE(S->has(Wrong));
  EXPECT_TRUE(listDir(S->tempParent()).empty());
  // A finished upper dir is adopted by rename.
  fs::path Up = fs::path(S->tempParent()) / "up";
  writeFile(Up / "f", "1");
  oci::Digest UpId = oci::Digest::sha256Of("up");
  ASSERT_FALSE(bool(S->adopt(Up.string(), UpId)));
  EXPECT_EQ(readFile(fs::path(S->path(UpId)) / "f"), "1");
  EXPECT_FALSE(fs::exists(Up));
}

TEST_F(SnapshotTest, LongStacksUseLowerdirPlus) {
  // 80 layers with long paths: far beyond mount(2)'s one page of options.
  std::vector<std::string> Lowers;
  std::string Long(60, 'd');
  for (int I = 0; I < 80; ++I) {
    fs::path L = Dir / (Long + std::to_string(I));
    fs::create_directories(L);
    writeFile(L / ("f" + std::to_string(I)), std::to_string(I));
    writeFile(L / "top", std::to_string(I));
    Lowers.push_back(L.string());
  }
  auto M = OverlayMount::create(Lowers, Dir.string());
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  fs::path V = (*M)->merged();
  EXPECT_EQ(readFile(V / "f0"), "0");
  EXPECT_EQ(readFile(V / "f79"), "79");
  EXPECT_EQ(readFile(V / "top"), "79");
}

TEST_F(SnapshotTest, ScratchIsEmptyAndWritable) {
  auto M = OverlayMount::create({}, Dir.string());
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  fs::path V = (*M)->merged();
  EXPECT_EQ(listDir(V), (std::vector<std::string>{"dev", "etc", "proc", "sys"}));
  writeFile(V / "made", "m");
  ASSERT_FALSE(bool((*M)->unmount()));
  EXPECT_EQ(listDir((*M)->upper()), std::vector<std::string>{"made"});
}

TEST_F(SnapshotTest, StubLayersAreSharedThroughTheCache) {
  fs::path L = Dir / "l";
  writeFile(L / "etc/passwd", "root:x:0:0::/:/bin/sh\n");
  fs::permissions(L / "etc", fs::perms(0711));
  fs::create_directories(Dir / "cache");
  for (int I = 0; I < 2; ++I) {
    auto M = OverlayMount::create({L.string()}, Dir.string(), (Dir / "cache").string());
    ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
    fs::path V = (*M)->merged();
    EXPECT_EQ(listDir(V), (std::vector<std::string>{"dev", "etc", "proc", "sys"}));
    EXPECT_EQ(listDir(V / "etc"),
              (std::vector<std::string>{"hostname", "hosts", "passwd", "resolv.conf"}));
    // The stub copies the image's /etc, so the merged /etc keeps its mode.
    EXPECT_EQ(fs::status(V / "etc").permissions(), fs::perms(0711));
  }
  auto Cached = listDir(Dir / "cache");
  ASSERT_EQ(Cached.size(), 1u);
  EXPECT_EQ(Cached[0].size(), 64u);
  // Once the image has what it needs, no stub layer is used.
  fs::create_directories(L / "proc");
  fs::create_directories(L / "sys");
  fs::create_directories(L / "dev");
  for (const char *F : {"etc/hosts", "etc/hostname", "etc/resolv.conf"})
    writeFile(L / F, "");
  auto M = OverlayMount::create({L.string()}, Dir.string(), (Dir / "cache").string());
  ASSERT_TRUE(bool(M));
  EXPECT_EQ(listDir(Dir / "cache").size(), 1u);
}

TEST_F(SnapshotTest, RunStepLeavesOnlyItsChangesInTheUpper) {
  fs::path Rootfs = makeTempDir("ballast-snapshot-busybox");
  makeBusyboxRootfs(Rootfs);
  std::string Tar = TarBuilder().tree(Rootfs).finish();
  fs::remove_all(Rootfs);
  auto S = SnapshotStore::open(Dir.string());
  ASSERT_TRUE(bool(S));
  auto L = S->ensure(oci::Digest::sha256Of(Tar), [&]() { return stringReader(Tar); });
  ASSERT_TRUE(bool(L)) << llvm::toString(L.takeError());
  auto M = OverlayMount::create({*L}, S->tempParent(), S->stubCache());
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  SandboxSpec Spec;
  Spec.Rootfs = (*M)->merged();
  Spec.Argv = {"/bin/sh", "-c", "echo hi > /tmp/out; rm /bin/vi; cat /etc/hosts | wc -l"};
  Spec.Mounts.push_back({MountSpec::Kind::Tmpfs, "", "/var/cache/x"});
  std::vector<std::string> Lines;
  Spec.OnLine = [&](OutputStream, llvm::StringRef Line) { Lines.push_back(Line.str()); };
  auto R = runSandboxed(Spec);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  EXPECT_EQ(R->ExitCode, 0) << R->ExecError;
  EXPECT_EQ(Lines, std::vector<std::string>{"2"});
  ASSERT_FALSE(bool((*M)->unmount()));
  fs::path U = (*M)->upper();
  EXPECT_EQ(listDir(U), (std::vector<std::string>{"bin", "tmp"}));
  EXPECT_EQ(listDir(U / "bin"), std::vector<std::string>{"vi"});
  EXPECT_EQ(listDir(U / "tmp"), std::vector<std::string>{"out"});
  EXPECT_EQ(readFile(U / "tmp/out"), "hi\n");
}

} // namespace
