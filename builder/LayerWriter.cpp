//===- LayerWriter.cpp - A step's changed files as an OCI layer -----------===//
//
// The layer tar is written with libarchive, loaded on first use (oci/LibArchive.h).
//
//===----------------------------------------------------------------------===//
#include "builder/LayerWriter.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <memory>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

#include "oci/Compression.h"
#include "oci/LibArchive.h"
#include "store/Store.h"
#include "support/Errors.h"
#include "support/Hash.h"

namespace ballast::builder {

const char *layerMediaType(oci::media::Compression C) {
  switch (C) {
  case oci::media::Compression::Zstd: return oci::media::OciLayerZstd;
  case oci::media::Compression::None: return oci::media::OciLayer;
  default: return oci::media::OciLayerGzip;
  }
}

namespace {

std::string errnoText() { return std::strerror(errno); }

/// Shorthand inside this file; writeLayerTar checks that libarchive is loaded before any use.
const oci::ArchiveApi &libarchive() { return oci::archiveApi(); }

/// RAII for a libarchive writer.
struct ArchiveWriter {
  struct archive *A = libarchive().WriteNew();
  ~ArchiveWriter() { libarchive().WriteFree(A); }
};
/// RAII for a libarchive entry.
struct Entry {
  struct archive_entry *E = libarchive().EntryNew();
  ~Entry() { libarchive().EntryFree(E); }
};

/// Where the archive bytes go: the file, hashed and counted on the way.
struct Output {
  int Fd;
  Sha256 Hash;
  int64_t Size = 0;
  int Errno = 0;
};

la_ssize_t writeCb(struct archive *, void *User, const void *Buf, size_t Len) {
  Output *O = static_cast<Output *>(User);
  const char *P = static_cast<const char *>(Buf);
  for (size_t Off = 0; Off < Len;) {
    ssize_t N = ::write(O->Fd, P + Off, Len - Off);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      O->Errno = errno;
      return -1;
    }
    Off += size_t(N);
  }
  O->Hash.update(Buf, Len);
  O->Size += int64_t(Len);
  return la_ssize_t(Len);
}

/// The xattrs of Path worth keeping in a layer (overlay bookkeeping and SELinux labels are
/// not), sorted by name.
llvm::Expected<std::map<std::string, std::string>> xattrs(const std::string &Path) {
  std::map<std::string, std::string> Out;
  ssize_t Len = ::llistxattr(Path.c_str(), nullptr, 0);
  if (Len < 0) {
    if (errno == ENOTSUP)
      return Out;
    return makeError("cannot list xattrs of " + Path + ": " + errnoText());
  }
  std::string Names(size_t(Len), '\0');
  Len = ::llistxattr(Path.c_str(), Names.data(), Names.size());
  if (Len < 0)
    return makeError("cannot list xattrs of " + Path + ": " + errnoText());
  Names.resize(size_t(Len));
  for (llvm::StringRef Rest(Names); !Rest.empty();) {
    auto [Name, Tail] = Rest.split('\0');
    Rest = Tail;
    if (Name.empty() || Name.startswith("trusted.") || Name.startswith("user.overlay.") ||
        Name == "security.selinux")
      continue;
    std::string N = Name.str();
    ssize_t VL = ::lgetxattr(Path.c_str(), N.c_str(), nullptr, 0);
    if (VL < 0)
      continue;
    std::string V(size_t(VL), '\0');
    VL = ::lgetxattr(Path.c_str(), N.c_str(), V.data(), V.size());
    if (VL < 0)
      continue;
    V.resize(size_t(VL));
    Out[N] = V;
  }
  return Out;
}

/// Whether a folder is an overlay opaque folder.
bool isOpaque(const std::string &Path) {
  char V[2];
  for (const char *Name : {"trusted.overlay.opaque", "user.overlay.opaque"}) {
    ssize_t N = ::lgetxattr(Path.c_str(), Name, V, sizeof V);
    if (N == 1 && V[0] == 'y')
      return true;
  }
  return false;
}

class TarWriter {
public:
  TarWriter(llvm::StringRef Root, const LayerOptions &Opts, Output &Out)
      : Root(Root.str()), Opts(Opts), Out(Out) {}

  llvm::Error open() {
    libarchive().WriteSetFormatPaxRestricted(W.A);
    libarchive().WriteSetBytesPerBlock(W.A, 0);
    if (libarchive().WriteOpen2(W.A, &Out, nullptr, writeCb, nullptr, nullptr) != ARCHIVE_OK)
      return fail("cannot start the layer tar");
    return llvm::Error::success();
  }
  llvm::Error walk(const std::string &Rel);
  llvm::Error close() {
    if (libarchive().WriteClose(W.A) != ARCHIVE_OK)
      return fail("cannot finish the layer tar");
    return llvm::Error::success();
  }
  size_t entries() const { return Count; }

private:
  std::string Root;
  const LayerOptions &Opts;
  Output &Out;
  ArchiveWriter W;
  size_t Count = 0;
  std::map<std::pair<dev_t, ino_t>, std::string> Links;

  llvm::Error fail(const llvm::Twine &What) {
    if (Out.Errno)
      return makeError(What + ": " + std::strerror(Out.Errno));
    const char *S = libarchive().ErrorString(W.A);
    return makeError(What + ": " + (S ? S : "unknown libarchive error"));
  }
  int64_t clamp(int64_t T) const { return Opts.Epoch && T > *Opts.Epoch ? *Opts.Epoch : T; }

  llvm::Error emit(struct archive_entry *E, const std::string &Name) {
    if (libarchive().WriteHeader(W.A, E) != ARCHIVE_OK)
      return fail("cannot write " + Name + " to the layer tar");
    ++Count;
    return llvm::Error::success();
  }

  /// An empty regular file: a whiteout or an opaque marker.
  llvm::Error marker(const std::string &Name, int64_t MTime) {
    Entry E;
    libarchive().EntrySetPathname(E.E, Name.c_str());
    libarchive().EntrySetFiletype(E.E, AE_IFREG);
    libarchive().EntrySetPerm(E.E, 0);
    libarchive().EntrySetSize(E.E, 0);
    libarchive().EntrySetMtime(E.E, Opts.Epoch ? *Opts.Epoch : MTime, 0);
    return emit(E.E, Name);
  }

  llvm::Error entry(const std::string &Rel, const struct stat &St);
};

llvm::Error TarWriter::walk(const std::string &Rel) {
  std::string Dir = Rel.empty() ? Root : Root + "/" + Rel;
  DIR *D = ::opendir(Dir.c_str());
  if (!D)
    return makeError("cannot read folder " + Dir + ": " + errnoText());
  std::vector<std::string> Names;
  while (struct dirent *E = ::readdir(D)) {
    llvm::StringRef N(E->d_name);
    if (N != "." && N != "..")
      Names.push_back(N.str());
  }
  ::closedir(D);
  std::sort(Names.begin(), Names.end());
  for (const std::string &N : Names) {
    std::string R = Rel.empty() ? N : Rel + "/" + N;
    std::string Host = Root + "/" + R;
    struct stat St;
    if (::lstat(Host.c_str(), &St) != 0)
      return makeError("cannot read " + Host + ": " + errnoText());
    if (Opts.Mode == DiffMode::OverlayUpper && S_ISCHR(St.st_mode) && St.st_rdev == makedev(0, 0)) {
      std::string Parent = Rel.empty() ? "" : Rel + "/";
      if (auto E = marker(Parent + ".wh." + N, St.st_mtime))
        return E;
      continue;
    }
    if (auto E = entry(R, St))
      return E;
    if (S_ISDIR(St.st_mode)) {
      if (Opts.Mode == DiffMode::OverlayUpper && isOpaque(Host))
        if (auto E = marker(R + "/.wh..wh..opq", St.st_mtime))
          return E;
      if (auto E = walk(R))
        return E;
    }
  }
  return llvm::Error::success();
}

llvm::Error TarWriter::entry(const std::string &Rel, const struct stat &St) {
  std::string Host = Root + "/" + Rel;
  Entry E;
  std::string Name = S_ISDIR(St.st_mode) ? Rel + "/" : Rel;
  libarchive().EntrySetPathname(E.E, Name.c_str());
  libarchive().EntrySetUid(E.E, St.st_uid);
  libarchive().EntrySetGid(E.E, St.st_gid);
  libarchive().EntrySetPerm(E.E, St.st_mode & 07777);
  libarchive().EntrySetMtime(E.E, clamp(St.st_mtime), 0);
  auto X = xattrs(Host);
  if (!X)
    return X.takeError();
  for (const auto &[K, V] : *X)
    libarchive().EntryXattrAddEntry(E.E, K.c_str(), V.data(), V.size());

  if (S_ISREG(St.st_mode) && St.st_nlink > 1) {
    auto Key = std::make_pair(St.st_dev, St.st_ino);
    auto It = Links.find(Key);
    if (It != Links.end()) {
      libarchive().EntrySetFiletype(E.E, AE_IFREG);
      libarchive().EntrySetHardlink(E.E, It->second.c_str());
      libarchive().EntrySetSize(E.E, 0);
      return emit(E.E, Name);
    }
    Links[Key] = Rel;
  }
  if (S_ISDIR(St.st_mode)) {
    libarchive().EntrySetFiletype(E.E, AE_IFDIR);
    return emit(E.E, Name);
  }
  if (S_ISLNK(St.st_mode)) {
    std::string Buf(size_t(St.st_size) + 1, '\0');
    ssize_t L = ::readlink(Host.c_str(), Buf.data(), Buf.size());
    if (L < 0)
      return makeError("cannot read link " + Host + ": " + errnoText());
    Buf.resize(size_t(L));
    libarchive().EntrySetFiletype(E.E, AE_IFLNK);
    libarchive().EntrySetSymlink(E.E, Buf.c_str());
    return emit(E.E, Name);
  }
  if (S_ISCHR(St.st_mode) || S_ISBLK(St.st_mode) || S_ISFIFO(St.st_mode)) {
    libarchive().EntrySetFiletype(E.E, S_ISCHR(St.st_mode)   ? AE_IFCHR
                                       : S_ISBLK(St.st_mode) ? AE_IFBLK
                                                             : AE_IFIFO);
    if (!S_ISFIFO(St.st_mode)) {
      libarchive().EntrySetRdevmajor(E.E, major(St.st_rdev));
      libarchive().EntrySetRdevminor(E.E, minor(St.st_rdev));
    }
    return emit(E.E, Name);
  }
  if (!S_ISREG(St.st_mode))
    return llvm::Error::success(); // sockets do not go into layers (as with Docker)
  libarchive().EntrySetFiletype(E.E, AE_IFREG);
  libarchive().EntrySetSize(E.E, St.st_size);
  if (auto Err = emit(E.E, Name))
    return Err;
  int Fd = ::open(Host.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (Fd < 0)
    return makeError("cannot read " + Host + ": " + errnoText());
  std::vector<char> Buf(1 << 20);
  int64_t Left = St.st_size;
  while (Left > 0) {
    ssize_t N = ::read(Fd, Buf.data(), size_t(std::min<int64_t>(Left, int64_t(Buf.size()))));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      ::close(Fd);
      return makeError(
          "cannot read " + Host + ": " +
          (N == 0 ? std::string("the file shrank while it was archived") : errnoText()));
    }
    if (libarchive().WriteData(W.A, Buf.data(), size_t(N)) != N) {
      ::close(Fd);
      return fail("cannot write " + Name + " to the layer tar");
    }
    Left -= N;
  }
  ::close(Fd);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<TarSummary> writeLayerTar(llvm::StringRef Dir, int Fd, const LayerOptions &Opts) {
  if (!libarchive().loaded())
    return makeError("cannot write the layer tar: " + libarchive().Error);
  Output Out{Fd, {}, 0, 0};
  TarWriter T(Dir, Opts, Out);
  if (auto E = T.open())
    return E;
  if (auto E = T.walk(""))
    return E;
  if (auto E = T.close())
    return E;
  TarSummary S;
  S.DiffID = oci::Digest::fromSha256Hex(Out.Hash.finishHex());
  S.Size = Out.Size;
  S.Entries = T.entries();
  return S;
}

llvm::Expected<LayerInfo> writeLayer(llvm::StringRef Dir, store::Store &Store,
                                     const LayerOptions &Opts) {
  std::string Tmp = Opts.TempDir + "/layer-XXXXXX";
  int Fd = ::mkstemp(Tmp.data());
  if (Fd < 0)
    return makeError("cannot create a temporary file in " + Opts.TempDir + ": " + errnoText());
  struct Cleanup {
    std::string Path;
    int Fd;
    ~Cleanup() {
      if (Fd >= 0)
        ::close(Fd);
      ::unlink(Path.c_str());
    }
  } C{Tmp, Fd};
  auto Sum = writeLayerTar(Dir, Fd, Opts);
  if (!Sum)
    return Sum.takeError();
  LayerInfo L;
  L.DiffID = Sum->DiffID;
  L.UncompressedSize = Sum->Size;
  L.Entries = Sum->Entries;
  L.Blob.MediaType = layerMediaType(Opts.Compression);
  if (L.empty())
    return L;
  auto In = openFileReader(Tmp);
  if (!In)
    return In.takeError();
  auto Z = oci::compress(std::move(*In), Opts.Compression, Opts.Level);
  if (!Z)
    return Z.takeError();
  auto Put = Store.putBlobUnknown(**Z);
  if (!Put)
    return Put.takeError();
  L.Blob.Dig = Put->first;
  L.Blob.Size = Put->second;
  return L;
}

} // namespace ballast::builder
