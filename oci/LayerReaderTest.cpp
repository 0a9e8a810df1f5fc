//===- LayerReaderTest.cpp - Path-safe tar entries of a layer -------------===//
#include "oci/LayerReader.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "oci/Compression.h"

using namespace ballast;
using namespace ballast::oci;

namespace {
/// Attributes of one entry for TarBuilder::add.
struct Opts {
  unsigned Mode = 0644;
  std::string Content{}, Symlink{}, Hardlink{};
  int64_t Uid = 0, Gid = 0, MTime = 1700000000;
  unsigned Major = 0, Minor = 0;
  std::vector<std::pair<std::string, std::string>> Xattrs{};
};

/// Builds a tar in memory with libarchive's writer.
class TarBuilder {
public:
  explicit TarBuilder(int Format = ARCHIVE_FORMAT_TAR_PAX_RESTRICTED) : A(archive_write_new()) {
    archive_write_set_format(A, Format);
    archive_write_open(A, this, nullptr, &TarBuilder::writeCb, nullptr);
  }
  ~TarBuilder() {
    if (A)
      archive_write_free(A);
  }

  TarBuilder &add(const std::string &Path, unsigned Type, Opts O = {}) {
    archive_entry *E = archive_entry_new();
    archive_entry_set_pathname(E, Path.c_str());
    archive_entry_set_filetype(E, Type);
    archive_entry_set_perm(E, O.Mode);
    archive_entry_set_uid(E, O.Uid);
    archive_entry_set_gid(E, O.Gid);
    archive_entry_set_mtime(E, O.MTime, 0);
    if (!O.Symlink.empty())
      archive_entry_set_symlink(E, O.Symlink.c_str());
    if (!O.Hardlink.empty())
      archive_entry_set_hardlink(E, O.Hardlink.c_str());
    if (Type == AE_IFCHR || Type == AE_IFBLK) {
      archive_entry_set_rdevmajor(E, O.Major);
      archive_entry_set_rdevminor(E, O.Minor);
    }
    for (auto &[K, V] : O.Xattrs)
      archive_entry_xattr_add_entry(E, K.c_str(), V.data(), V.size());
    archive_entry_set_size(E, static_cast<la_int64_t>(O.Content.size()));
    EXPECT_EQ(archive_write_header(A, E), ARCHIVE_OK) << archive_error_string(A);
    if (!O.Content.empty()) {
      EXPECT_EQ(archive_write_data(A, O.Content.data(), O.Content.size()),
                static_cast<la_ssize_t>(O.Content.size()));
    }
    archive_entry_free(E);
    return *this;
  }

  std::string finish() {
    archive_write_close(A);
    archive_write_free(A);
    A = nullptr;
    return Out;
  }

private:
  static la_ssize_t writeCb(archive *, void *Self, const void *Buf, size_t N) {
    static_cast<TarBuilder *>(Self)->Out.append(static_cast<const char *>(Buf), N);
    return static_cast<la_ssize_t>(N);
  }
  archive *A;
  std::string Out;
};

/// A raw 512-byte ustar header (for headers libarchive's writer refuses to produce).
std::string ustarHeader(const std::string &Name, char Type, uint64_t Size,
                        const std::string &Link = "") {
  std::string H(512, '\0');
  auto Put = [&](size_t Off, size_t Len, const std::string &V) {
    memcpy(&H[Off], V.data(), std::min(Len, V.size()));
  };
  auto Octal = [](uint64_t V, int Width) {
    char Buf[32];
    snprintf(Buf, sizeof Buf, "%0*llo", Width, static_cast<unsigned long long>(V));
    return std::string(Buf);
  };
  Put(0, 100, Name);
  Put(100, 8, Octal(0644, 7));
  Put(108, 8, Octal(0, 7));
  Put(116, 8, Octal(0, 7));
  Put(124, 12, Octal(Size, 11));
  Put(136, 12, Octal(1700000000, 11));
  H[156] = Type;
  Put(157, 100, Link);
  Put(257, 6, std::string("ustar\0", 6));
  Put(263, 2, "00");
  memset(&H[148], ' ', 8);
  unsigned Sum = 0;
  for (unsigned char C : H)
    Sum += C;
  Put(148, 8, Octal(Sum, 6) + std::string("\0 ", 2));
  return H;
}

std::string pad(std::string S) {
  S.resize((S.size() + 511) / 512 * 512, '\0');
  return S;
}

std::string endOfArchive() { return std::string(1024, '\0'); }

std::string paxRecord(const std::string &Key, const std::string &Value) {
  std::string Body = " " + Key + "=" + Value + "\n";
  size_t Len = Body.size() + 1;
  while (std::to_string(Len).size() + Body.size() != Len)
    Len = std::to_string(Len).size() + Body.size();
  return std::to_string(Len) + Body;
}

struct Read {
  std::vector<TarEntry> Entries;
  std::vector<std::string> Contents;
  std::string Error; ///< empty when the whole tar read
};

Read readTar(const std::string &Tar, size_t Chunk = 4096) {
  Read R;
  LayerReader L(stringReader(Tar));
  for (;;) {
    auto E = L.next();
    if (!E) {
      R.Error = llvm::toString(E.takeError());
      return R;
    }
    if (!*E)
      return R;
    R.Entries.push_back(**E);
    std::string Data;
    std::vector<char> Buf(Chunk);
    for (;;) {
      auto N = L.readData(Buf.data(), Chunk);
      if (!N) {
        R.Error = llvm::toString(N.takeError());
        return R;
      }
      if (*N == 0)
        break;
      Data.append(Buf.data(), *N);
    }
    R.Contents.push_back(Data);
  }
}

std::string clean(llvm::StringRef P) {
  auto S = cleanEntryPath(P);
  return S ? *S : "error: " + llvm::toString(S.takeError());
}

std::string sh(const std::string &Cmd) {
  std::string Out;
  FILE *F = popen(Cmd.c_str(), "r");
  EXPECT_NE(F, nullptr);
  if (!F)
    return Out;
  char Buf[4096];
  size_t N;
  while ((N = fread(Buf, 1, sizeof Buf, F)) > 0)
    Out.append(Buf, N);
  EXPECT_EQ(pclose(F), 0) << Cmd;
  return Out;
}
} // namespace

TEST(LayerReaderTest, CleanEntryPath) {
  EXPECT_EQ(clean("usr/bin/env"), "usr/bin/env");
  EXPECT_EQ(clean("./usr/bin/"), "usr/bin");
  EXPECT_EQ(clean("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(clean("//etc//./passwd"), "etc/passwd");
  EXPECT_EQ(clean("a/b/../c"), "a/c");
  EXPECT_EQ(clean("a/.."), "");
  EXPECT_EQ(clean("./"), "");
  EXPECT_EQ(clean("/"), "");
  EXPECT_EQ(clean(".wh..wh..opq"), ".wh..wh..opq");
  EXPECT_EQ(clean("a/.wh.b"), "a/.wh.b");
  EXPECT_EQ(clean("..."), "...");
  EXPECT_EQ(clean("../etc/passwd"),
            "error: tar entry \"../etc/passwd\" escapes the layer root with \"..\"; refusing to "
            "read the layer");
  EXPECT_EQ(clean("a/../../b"),
            "error: tar entry \"a/../../b\" escapes the layer root with \"..\"; refusing to read "
            "the layer");
  EXPECT_EQ(clean("/../x"), "error: tar entry \"/../x\" escapes the layer root with \"..\"; "
                            "refusing to read the layer");
}

TEST(LayerReaderTest, EveryEntryTypeAndAttribute) {
  for (int Format : {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE,
                     ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FORMAT_TAR_USTAR}) {
    bool Pax =
        Format == ARCHIVE_FORMAT_TAR_PAX_RESTRICTED || Format == ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE;
    std::string Cap("\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                    "\x00",
                    20);
    TarBuilder B(Format);
    B.add("./", AE_IFDIR, {.Mode = 0755});
    B.add("etc/", AE_IFDIR, {.Mode = 02775, .Uid = 0, .Gid = 50});
    B.add("etc/passwd", AE_IFREG,
          {.Mode = 0644,
           .Content = "root:x:0:0::/root:/bin/sh\n",
           .Uid = 1000,
           .Gid = 1001,
           .MTime = 1234567890});
    Opts Su{.Mode = 04755, .Content = std::string(5000, 'x')};
    if (Pax)
      Su.Xattrs = {{"security.capability", Cap}, {"user.comment", "hi"}};
    B.add("/usr/bin/ping", AE_IFREG, Su);
    B.add("usr/bin/ping2", AE_IFREG, {.Hardlink = "./usr/bin/ping"});
    B.add("bin", AE_IFLNK, {.Mode = 0777, .Symlink = "usr/bin"});
    B.add("abs", AE_IFLNK, {.Mode = 0777, .Symlink = "/etc/../passwd"});
    B.add("tmp", AE_IFDIR, {.Mode = 01777});
    B.add("dev/null", AE_IFCHR, {.Mode = 0666, .Major = 1, .Minor = 3});
    B.add("dev/sda", AE_IFBLK, {.Mode = 0660, .Major = 8, .Minor = 16});
    B.add("run/fifo", AE_IFIFO, {.Mode = 0600});
    B.add("a/.wh.gone", AE_IFREG, {.Mode = 0});
    B.add("a/.wh..wh..opq", AE_IFREG, {.Mode = 0});
    Read R = readTar(B.finish(), 1000);
    ASSERT_EQ(R.Error, "") << Format;
    ASSERT_EQ(R.Entries.size(), 13u) << Format;
    const auto &E = R.Entries;
    EXPECT_EQ(E[0].Path, "");
    EXPECT_EQ(E[0].Type, EntryType::Dir);
    EXPECT_EQ(E[1].Path, "etc");
    EXPECT_EQ(E[1].Mode, 02775u);
    EXPECT_EQ(E[1].Gid, 50);
    EXPECT_EQ(E[2].Path, "etc/passwd");
    EXPECT_EQ(E[2].Type, EntryType::File);
    EXPECT_EQ(E[2].Size, 26);
    EXPECT_EQ(E[2].Uid, 1000);
    EXPECT_EQ(E[2].Gid, 1001);
    EXPECT_EQ(E[2].MTime, 1234567890);
    EXPECT_EQ(R.Contents[2], "root:x:0:0::/root:/bin/sh\n");
    EXPECT_EQ(E[3].Path, "usr/bin/ping"); // absolute path made relative
    EXPECT_EQ(E[3].Mode, 04755u);
    EXPECT_EQ(E[3].Size, 5000);
    EXPECT_EQ(R.Contents[3], std::string(5000, 'x'));
    if (Pax) {
      ASSERT_EQ(E[3].Xattrs.size(), 2u) << Format;
      EXPECT_EQ(E[3].Xattrs.at("security.capability"), Cap);
      EXPECT_EQ(E[3].Xattrs.at("user.comment"), "hi");
    } else {
      EXPECT_TRUE(E[3].Xattrs.empty());
    }
    EXPECT_EQ(E[4].Path, "usr/bin/ping2");
    EXPECT_EQ(E[4].Type, EntryType::Hardlink);
    EXPECT_EQ(E[4].LinkTarget, "usr/bin/ping"); // cleaned
    EXPECT_EQ(E[4].Size, 0);
    EXPECT_EQ(R.Contents[4], "");
    EXPECT_EQ(E[5].Type, EntryType::Symlink);
    EXPECT_EQ(E[5].LinkTarget, "usr/bin");
    EXPECT_EQ(E[6].LinkTarget, "/etc/../passwd"); // symlink targets are kept as written
    EXPECT_EQ(E[7].Mode, 01777u);
    EXPECT_EQ(E[7].Type, EntryType::Dir);
    EXPECT_EQ(E[8].Type, EntryType::CharDev);
    EXPECT_EQ(E[8].DevMajor, 1u);
    EXPECT_EQ(E[8].DevMinor, 3u);
    EXPECT_EQ(E[9].Type, EntryType::BlockDev);
    EXPECT_EQ(E[9].DevMajor, 8u);
    EXPECT_EQ(E[9].DevMinor, 16u);
    EXPECT_EQ(E[10].Type, EntryType::Fifo);
    EXPECT_EQ(E[10].Mode, 0600u);
    EXPECT_EQ(E[11].Path, "a/.wh.gone");
    EXPECT_EQ(E[12].Path, "a/.wh..wh..opq");
  }
}

TEST(LayerReaderTest, SchilyXattrsFromARawPaxHeader) {
  std::string Cap("\x01\x00\x00\x02\xff\x00", 6);
  std::string Pax = paxRecord("SCHILY.xattr.security.capability", Cap) +
                    paxRecord("SCHILY.xattr.user.x", "1") + paxRecord("path", "a/long/name");
  std::string Tar = ustarHeader("PaxHeaders/x", 'x', Pax.size()) + pad(Pax) +
                    ustarHeader("x", '0', 3) + pad("abc") + endOfArchive();
  Read R = readTar(Tar);
  ASSERT_EQ(R.Error, "");
  ASSERT_EQ(R.Entries.size(), 1u);
  EXPECT_EQ(R.Entries[0].Path, "a/long/name");
  EXPECT_EQ(R.Entries[0].Xattrs.at("security.capability"), Cap);
  EXPECT_EQ(R.Entries[0].Xattrs.at("user.x"), "1");
  EXPECT_EQ(R.Contents[0], "abc");
}

TEST(LayerReaderTest, GnuTarOutput) {
  std::filesystem::path D =
      std::filesystem::path(testing::TempDir()) / ("oci-layer-gnutar-" + std::to_string(getpid()));
  std::filesystem::remove_all(D);
  std::filesystem::create_directories(D / "root/usr/bin");
  std::string Long(150, 'n');
  std::ofstream(D / "root/usr/bin/tool") << "#!/bin/sh\necho hi\n";
  std::ofstream(D / "root" / Long) << "long";
  std::filesystem::create_symlink("usr/bin", D / "root/bin");
  std::filesystem::create_hard_link(D / "root/usr/bin/tool", D / "root/usr/bin/tool2");
  std::filesystem::permissions(D / "root/usr/bin/tool", std::filesystem::perms(0755));
  std::string Tar = sh("tar --format=gnu --sort=name --owner=0 --group=0 --mtime=@1600000000 "
                       "-C " +
                       (D / "root").string() + " -cf - .");
  std::string TarGz =
      sh("tar --format=posix --sort=name -C " + (D / "root").string() + " -czf - .");
  std::filesystem::remove_all(D);

  Read R = readTar(Tar);
  ASSERT_EQ(R.Error, "");
  std::vector<std::string> Paths;
  for (auto &E : R.Entries)
    Paths.push_back(E.Path);
  EXPECT_EQ(Paths, (std::vector<std::string>{"", "bin", Long, "usr", "usr/bin", "usr/bin/tool",
                                             "usr/bin/tool2"}));
  EXPECT_EQ(R.Entries[1].Type, EntryType::Symlink);
  EXPECT_EQ(R.Entries[1].LinkTarget, "usr/bin");
  EXPECT_EQ(R.Contents[2], "long");
  EXPECT_EQ(R.Entries[5].Mode, 0755u);
  EXPECT_EQ(R.Entries[5].MTime, 1600000000);
  EXPECT_EQ(R.Contents[5], "#!/bin/sh\necho hi\n");
  EXPECT_EQ(R.Entries[6].Type, EntryType::Hardlink);
  EXPECT_EQ(R.Entries[6].LinkTarget, "usr/bin/tool");

  // The same tree as a posix tar.gz through decompress().
  auto Plain = decompress(stringReader(TarGz));
  ASSERT_TRUE(bool(Plain));
  LayerReader L(std::move(*Plain));
  size_t N = 0;
  for (;;) {
    auto E = L.next();
    ASSERT_TRUE(bool(E)) << llvm::toString(E.takeError());
    if (!*E)
      break;
    ++N;
  }
  EXPECT_EQ(N, 7u);
}

TEST(LayerReaderTest, EscapingEntriesAreRejected) {
  std::string Tar =
      ustarHeader("ok", '0', 0) + ustarHeader("../../etc/passwd", '0', 0) + endOfArchive();
  Read R = readTar(Tar);
  EXPECT_EQ(R.Entries.size(), 1u);
  EXPECT_EQ(R.Error, "tar entry \"../../etc/passwd\" escapes the layer root with \"..\"; refusing "
                     "to read the layer");

  Tar = ustarHeader("link", '1', 0, "../outside") + endOfArchive();
  R = readTar(Tar);
  EXPECT_EQ(R.Error, "tar entry \"link\" is a hard link to \"../outside\", which escapes the layer "
                     "root; refusing to read the layer");

  // After a failure the reader stays failed.
  LayerReader L(stringReader(ustarHeader("../x", '0', 0) + endOfArchive()));
  auto E = L.next();
  ASSERT_FALSE(bool(E));
  llvm::consumeError(E.takeError());
  auto Again = L.next();
  ASSERT_FALSE(bool(Again));
  EXPECT_EQ(llvm::toString(Again.takeError()), "layer reader already failed");
}

TEST(LayerReaderTest, TruncatedTarNamesTheEntry) {
  std::string Tar = TarBuilder()
                        .add("small", AE_IFREG, {.Content = "abc"})
                        .add("big/file", AE_IFREG, {.Content = std::string(100000, 'z')})
                        .finish();
  Read Whole = readTar(Tar);
  ASSERT_EQ(Whole.Error, "");
  ASSERT_EQ(Whole.Entries.size(), 2u);
  Read R = readTar(Tar.substr(0, 20000));
  ASSERT_EQ(R.Entries.size(), 2u);
  EXPECT_EQ(R.Error.rfind("cannot read the content of tar entry \"big/file\": ", 0), 0u) << R.Error;
  EXPECT_NE(R.Error.find("runcated"), std::string::npos) << R.Error;

  // Cut inside the second header.
  size_t SecondHeader = Tar.find("big/file") - 0;
  R = readTar(Tar.substr(0, SecondHeader + 100));
  ASSERT_EQ(R.Entries.size(), 1u);
  EXPECT_EQ(R.Error.rfind("bad tar header after entry \"small\": ", 0), 0u) << R.Error;

  // Skipping the data of a truncated entry fails too.
  LayerReader L(stringReader(Tar.substr(0, 20000)));
  ASSERT_TRUE(bool(L.next()));
  auto Second = L.next();
  ASSERT_TRUE(bool(Second) && *Second);
  auto Third = L.next();
  ASSERT_FALSE(bool(Third));
  EXPECT_EQ(llvm::toString(Third.takeError()).rfind("bad tar header after entry \"big/file\": ", 0),
            0u);
}

TEST(LayerReaderTest, BadHeadersAndAbsurdSizes) {
  // A checksum that does not match.
  std::string H = ustarHeader("file", '0', 0);
  H[148] = '7';
  Read R = readTar(ustarHeader("first", '0', 0) + H + endOfArchive());
  EXPECT_EQ(R.Entries.size(), 1u);
  EXPECT_EQ(R.Error.rfind("bad tar header after entry \"first\": ", 0), 0u) << R.Error;

  // A size of 2^50 bytes in base-256.
  std::string Huge = ustarHeader("huge", '0', 0);
  memset(&Huge[124], 0, 12);
  Huge[124] = static_cast<char>(0x80);
  Huge[129] = 0x04; // 0x04 << 48 = 2^50
  memset(&Huge[148], ' ', 8);
  unsigned Sum = 0;
  for (unsigned char C : Huge)
    Sum += C;
  char Buf[16];
  snprintf(Buf, sizeof Buf, "%06o", Sum);
  memcpy(&Huge[148], Buf, 6);
  Huge[154] = '\0';
  Huge[155] = ' ';
  R = readTar(Huge + endOfArchive());
  EXPECT_EQ(R.Error,
            "tar entry \"huge\" has an absurd size 1125899906842624; the layer is corrupt");

  // Not a tar at all.
  R = readTar(std::string(3000, 'x'));
  EXPECT_EQ(R.Error.rfind("cannot read layer as tar: ", 0), 0u) << R.Error;
}

TEST(LayerReaderTest, EmptyLayers) {
  EXPECT_TRUE(readTar("").Entries.empty());
  EXPECT_EQ(readTar("").Error, "");
  EXPECT_TRUE(readTar(endOfArchive()).Entries.empty());
  EXPECT_EQ(readTar(endOfArchive()).Error, "");
}

TEST(LayerReaderTest, ReaderErrorsPropagate) {
  class Failing : public Reader {
  public:
    explicit Failing(std::string B) : Bytes(std::move(B)) {}
    llvm::Expected<size_t> read(char *Buf, size_t Len) override {
      if (Done)
        return llvm::createStringError(llvm::inconvertibleErrorCode(), "blob digest mismatch");
      Done = true;
      memcpy(Buf, Bytes.data(), std::min(Len, Bytes.size()));
      return std::min(Len, Bytes.size());
    }
    std::string Bytes;
    bool Done = false;
  };
  std::string Tar = TarBuilder().add("f", AE_IFREG, {.Content = std::string(600, 'q')}).finish();
  LayerReader L(std::make_unique<Failing>(Tar.substr(0, 1024)));
  auto E = L.next();
  ASSERT_TRUE(bool(E) && *E);
  char Buf[4096];
  llvm::Error Err = llvm::Error::success();
  for (;;) {
    auto N = L.readData(Buf, sizeof Buf);
    if (!N) {
      Err = N.takeError();
      break;
    }
    ASSERT_NE(*N, 0u) << "expected the reader's error";
  }
  EXPECT_EQ(llvm::toString(std::move(Err)),
            "cannot read the content of tar entry \"f\": blob digest mismatch");
}
