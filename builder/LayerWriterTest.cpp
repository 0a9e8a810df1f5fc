//===- LayerWriterTest.cpp - Layer tars: markers, links, determinism ------===//
#include "builder/LayerWriter.h"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "oci/Compression.h"
#include "oci/LayerReader.h"
#include "store/Store.h"
#include "support/Hash.h"

namespace ballast::builder {
namespace {

namespace fs = std::filesystem;

struct TempTree {
  fs::path Root;
  explicit TempTree(const char *Name = "layer") {
    std::string T = (fs::path(testing::TempDir()) / (std::string(Name) + "-XXXXXX")).string();
    Root = ::mkdtemp(T.data());
  }
  ~TempTree() { fs::remove_all(Root); }
  std::string str() const { return Root.string(); }
  void file(const std::string &Rel, const std::string &Text, unsigned Mode = 0644,
            time_t MTime = 1700000000) const {
    fs::create_directories((Root / Rel).parent_path());
    std::ofstream(Root / Rel, std::ios::binary) << Text;
    ::chmod((Root / Rel).c_str(), Mode);
    touch(Rel, MTime);
  }
  void touch(const std::string &Rel, time_t MTime) const {
    struct timespec Ts[2] = {{MTime, 0}, {MTime, 0}};
    ::utimensat(AT_FDCWD, (Root / Rel).c_str(), Ts, AT_SYMLINK_NOFOLLOW);
  }
};

/// The tar bytes of Dir.
std::string tarOf(const TempTree &T, const LayerOptions &O, TarSummary *Sum = nullptr) {
  std::string Tmp = (fs::path(testing::TempDir()) / "tar-XXXXXX").string();
  int Fd = ::mkstemp(Tmp.data());
  auto S = writeLayerTar(T.str(), Fd, O);
  ::close(Fd);
  std::ifstream In(Tmp, std::ios::binary);
  std::string Bytes((std::istreambuf_iterator<char>(In)), std::istreambuf_iterator<char>());
  ::unlink(Tmp.c_str());
  if (!S) {
    ADD_FAILURE() << llvm::toString(S.takeError());
    return "";
  }
  if (Sum)
    *Sum = *S;
  return Bytes;
}

/// The entries of a tar as "TYPE path mode uid:gid mtime [-> link] [xattrs]".
std::vector<std::string> listing(const std::string &Tar) {
  std::vector<std::string> Out;
  oci::LayerReader R(stringReader(Tar));
  while (true) {
    auto E = R.next();
    if (!E) {
      ADD_FAILURE() << llvm::toString(E.takeError());
      break;
    }
    if (!*E)
      break;
    const oci::TarEntry &T = **E;
    const char *Ty = T.Type == oci::EntryType::Dir        ? "d"
                     : T.Type == oci::EntryType::File     ? "f"
                     : T.Type == oci::EntryType::Symlink  ? "l"
                     : T.Type == oci::EntryType::Hardlink ? "h"
                     : T.Type == oci::EntryType::CharDev  ? "c"
                                                          : "?";
    char Mode[8];
    snprintf(Mode, sizeof Mode, "%04o", T.Mode);
    std::string L = std::string(Ty) + " " + T.Path + " " + Mode + " " + std::to_string(T.Uid) +
                    ":" + std::to_string(T.Gid) + " " + std::to_string(T.MTime);
    if (!T.LinkTarget.empty())
      L += " -> " + T.LinkTarget;
    for (const auto &[K, V] : T.Xattrs)
      L += " " + K + "=" + std::to_string(V.size()) + "B";
    Out.push_back(L);
  }
  return Out;
}

using Strings = std::vector<std::string>;

TEST(LayerWriter, PlainFolderSortedNumericOwnersLinks) {
  TempTree T;
  T.file("b/z", "zz", 0755);
  T.file("a.txt", "hello", 0600);
  T.file("b/a", "x");
  ::chown((T.Root / "b/z").c_str(), 1234, 5678);
  fs::create_hard_link(T.Root / "b/a", T.Root / "c-link");
  fs::create_symlink("../a.txt", T.Root / "b/sym");
  ::lchown((T.Root / "b/sym").c_str(), 7, 7);
  T.touch("b/sym", 1700000000);
  T.touch("b", 1700000001);
  LayerOptions O;
  O.Mode = DiffMode::Plain;
  TarSummary S;
  std::string Tar = tarOf(T, O, &S);
  EXPECT_EQ(listing(Tar),
            (Strings{"f a.txt 0600 0:0 1700000000", "d b 0755 0:0 1700000001",
                     "f b/a 0644 0:0 1700000000", "l b/sym 0777 7:7 1700000000 -> ../a.txt",
                     "f b/z 0755 1234:5678 1700000000", "h c-link 0644 0:0 1700000000 -> b/a"}));
  EXPECT_EQ(S.Entries, 6u);
  EXPECT_EQ(S.Size, int64_t(Tar.size()));
  EXPECT_EQ(S.DiffID.str(), "sha256:" + Sha256::hex(Tar));
  // Owners are numeric only: no user or group names in the headers.
  EXPECT_EQ(Tar.find("root"), std::string::npos);
}

TEST(LayerWriter, OverlayWhiteoutsAndOpaqueFolders) {
  TempTree T;
  ASSERT_EQ(::mknod((T.Root / "gone").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
  fs::create_directories(T.Root / "etc/opaque");
  T.file("etc/opaque/new", "n");
  ASSERT_EQ(::setxattr((T.Root / "etc/opaque").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
  ASSERT_EQ(::mknod((T.Root / "etc/old").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
  // A file capability survives; overlay bookkeeping xattrs do not.
  T.file("bin/ping", "elf", 0755);
  const char Cap[] = "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                     "\x00\x00";
  ASSERT_EQ(::setxattr((T.Root / "bin/ping").c_str(), "security.capability", Cap, 20, 0), 0);
  for (const char *D : {"", "bin", "etc", "etc/opaque"})
    T.touch(D, 1700000000);
  T.touch("gone", 1600000000);
  T.touch("etc/old", 1600000000);
  LayerOptions O;
  O.Epoch = 1650000000;
  std::string Tar = tarOf(T, O);
  EXPECT_EQ(listing(Tar), (Strings{
                              "d bin 0755 0:0 1650000000",
                              "f bin/ping 0755 0:0 1650000000 security.capability=20B",
                              "d etc 0755 0:0 1650000000",
                              "f etc/.wh.old 0000 0:0 1650000000",
                              "d etc/opaque 0755 0:0 1650000000",
                              "f etc/opaque/.wh..wh..opq 0000 0:0 1650000000",
                              "f etc/opaque/new 0644 0:0 1650000000",
                              "f .wh.gone 0000 0:0 1650000000",
                          }));
  // In plain mode the same device is just a device.
  O.Mode = DiffMode::Plain;
  Strings Plain = listing(tarOf(T, O));
  EXPECT_TRUE(std::find(Plain.begin(), Plain.end(), "c gone 0000 0:0 1600000000") != Plain.end());
}

TEST(LayerWriter, SameInputsSameBytesAndEpochClamps) {
  LayerOptions O;
  O.Mode = DiffMode::Plain;
  O.Epoch = 1000;
  std::string First, Second;
  {
    TempTree T;
    T.file("x/y", "data", 0644, 1700000000);
    T.file("old", "o", 0644, 500);
    T.touch("x", 1700000000);
    First = tarOf(T, O);
    EXPECT_EQ(listing(First),
              (Strings{"f old 0644 0:0 500", "d x 0755 0:0 1000", "f x/y 0644 0:0 1000"}));
  }
  {
    // Another folder, other inode numbers and newer times: the same bytes.
    TempTree T("other");
    T.file("old", "o", 0644, 500);
    T.file("x/y", "data", 0644, 1800000000);
    T.touch("x", 1800000000);
    Second = tarOf(T, O);
  }
  EXPECT_EQ(First, Second);
  EXPECT_EQ(First.size() % 512, 0u);
}

TEST(LayerWriter, WritesCompressedBlobsToTheStore) {
  TempTree Root("store"), T;
  T.file("f", std::string(10000, 'a'));
  auto S = store::Store::open(Root.str());
  ASSERT_TRUE(!!S) << llvm::toString(S.takeError());
  for (auto C : {oci::media::Compression::Gzip, oci::media::Compression::Zstd}) {
    LayerOptions O;
    O.Mode = DiffMode::Plain;
    O.Compression = C;
    O.Epoch = 0;
    auto L = writeLayer(T.str(), **S, O);
    ASSERT_TRUE(!!L) << llvm::toString(L.takeError());
    EXPECT_EQ(L->Entries, 1u);
    EXPECT_EQ(L->Blob.MediaType, C == oci::media::Compression::Gzip
                                     ? "application/vnd.oci.image.layer.v1.tar+gzip"
                                     : "application/vnd.oci.image.layer.v1.tar+zstd");
    ASSERT_TRUE((*S)->hasBlob(L->Blob.Dig));
    EXPECT_LT(L->Blob.Size, 1000);
    // The stored blob decompresses to the tar whose sha256 is the diff_id.
    auto Blob = (*S)->openBlob(L->Blob.Dig);
    ASSERT_TRUE(!!Blob);
    auto Plain = oci::decompress(std::move(*Blob));
    ASSERT_TRUE(!!Plain);
    auto Bytes = readAll(**Plain);
    ASSERT_TRUE(!!Bytes);
    EXPECT_EQ("sha256:" + Sha256::hex(*Bytes), L->DiffID.str());
    EXPECT_EQ(int64_t(Bytes->size()), L->UncompressedSize);
  }
  // An empty folder is an empty layer: nothing is stored.
  TempTree Empty("empty");
  auto L = writeLayer(Empty.str(), **S, LayerOptions());
  ASSERT_TRUE(!!L);
  EXPECT_TRUE(L->empty());
  EXPECT_TRUE(L->Blob.Dig.empty());
}

} // namespace
} // namespace ballast::builder
