//===- LayerReader.cpp - Path-safe tar entries of a layer -----------------===//
//
// libarchive reads the tar (ustar, pax and GNU formats only, no filters: decompression is
// Compression.h's job) from a Reader through archive_read_open callbacks. libarchive is wrapped
// here once, in an RAII handle; it is loaded on first use (oci/LibArchive.h).
//
//===----------------------------------------------------------------------===//
#include "oci/LayerReader.h"

#include <cerrno>

#include "oci/LibArchive.h"
#include "support/Errors.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::oci {

namespace {
constexpr size_t ReadBufSize = 128 << 10;
/// Larger than any real file in a layer; a size beyond it is a corrupt or hostile header.
constexpr int64_t MaxEntrySize = int64_t(1) << 40;

struct ArchiveFree {
  void operator()(archive *A) const { archiveApi().ReadFree(A); }
};
} // namespace

llvm::Expected<std::string> cleanEntryPath(llvm::StringRef Raw) {
  llvm::SmallVector<llvm::StringRef, 16> Parts, Out;
  Raw.split(Parts, '/');
  for (llvm::StringRef P : Parts) {
    if (P.empty() || P == ".")
      continue;
    if (P == "..") {
      if (Out.empty())
        return makeError("tar entry \"" + Raw +
                         "\" escapes the layer root with \"..\"; refusing to read the layer");
      Out.pop_back();
      continue;
    }
    Out.push_back(P);
  }
  std::string S;
  for (llvm::StringRef P : Out) {
    if (!S.empty())
      S += '/';
    S += P.str();
  }
  return S;
}

struct LayerReader::Impl {
  std::unique_ptr<Reader> In;
  std::unique_ptr<archive, ArchiveFree> A;
  std::unique_ptr<char[]> Buf{new char[ReadBufSize]};
  llvm::Error ReadErr = llvm::Error::success(); ///< the Reader's error, kept for the caller
  TarEntry Entry;
  bool Opened = false, Failed = false, AtEnd = false, HaveEntry = false;
  std::string OpenError;

  static la_ssize_t readCb(archive *A, void *Self, const void **Out) {
    auto *I = static_cast<Impl *>(Self);
    auto N = I->In->read(I->Buf.get(), ReadBufSize);
    if (!N) {
      std::string Msg = llvm::toString(N.takeError());
      archiveApi().SetError(A, EIO, "%s", Msg.c_str());
      if (!I->ReadErr)
        I->ReadErr = makeError(Msg);
      return -1;
    }
    *Out = I->Buf.get();
    return static_cast<la_ssize_t>(*N);
  }

  /// The error text for the current failure: the Reader's own error when it caused it.
  std::string why() {
    if (ReadErr) {
      std::string S = llvm::toString(std::move(ReadErr));
      ReadErr = llvm::Error::success();
      return S;
    }
    const char *S = archiveApi().ErrorString(A.get());
    return S ? S : "unknown libarchive error";
  }

  llvm::Error fail(const llvm::Twine &Msg) {
    Failed = true;
    return makeError(Msg);
  }
};

LayerReader::LayerReader(std::unique_ptr<Reader> Tar) : P(new Impl) {
  P->In = std::move(Tar);
  P->Opened = true;
  const ArchiveApi &Api = archiveApi();
  if (!Api.loaded()) {
    P->OpenError = Api.Error;
    return;
  }
  P->A.reset(Api.ReadNew());
  archive *A = P->A.get();
  Api.ReadSupportFormatTar(A);   // ustar, pax, GNU tar
  Api.ReadSupportFormatEmpty(A); // a 0-byte layer has no entries
  if (Api.ReadOpen(A, P.get(), nullptr, &Impl::readCb, nullptr) != ARCHIVE_OK)
    P->OpenError = P->why();
}

LayerReader::~LayerReader() = default;

llvm::Expected<const TarEntry *> LayerReader::next() {
  Impl &I = *P;
  const ArchiveApi &Api = archiveApi();
  if (I.Failed)
    return makeError("layer reader already failed");
  if (!I.OpenError.empty())
    return I.fail("cannot read layer as tar: " + I.OpenError);
  if (I.AtEnd)
    return nullptr;
  std::string Prev = I.HaveEntry ? I.Entry.Path : std::string();
  archive_entry *E = nullptr;
  int R = Api.ReadNextHeader(I.A.get(), &E);
  if (R == ARCHIVE_EOF) {
    I.AtEnd = true;
    I.HaveEntry = false;
    return nullptr;
  }
  if (R != ARCHIVE_OK && R != ARCHIVE_WARN) {
    std::string Where = I.HaveEntry ? "after entry \"" + Prev + "\"" : "at the first entry";
    return I.fail("bad tar header " + Where + ": " + I.why());
  }
  const char *Name = Api.EntryPathname(E);
  if (!Name)
    Name = Api.EntryPathnameUtf8(E);
  if (!Name)
    return I.fail("tar entry " + (I.HaveEntry ? "after \"" + Prev + "\"" : std::string("1")) +
                  " has no path name");
  llvm::StringRef Raw(Name);
  auto Clean = cleanEntryPath(Raw);
  if (!Clean) {
    I.Failed = true;
    return Clean.takeError();
  }
  TarEntry &T = I.Entry;
  T = TarEntry();
  T.Path = std::move(*Clean);
  const char *Hard = Api.EntryHardlink(E);
  if (!Hard)
    Hard = Api.EntryHardlinkUtf8(E);
  switch (Api.EntryFiletype(E)) {
  case AE_IFREG: T.Type = EntryType::File; break;
  case AE_IFDIR: T.Type = EntryType::Dir; break;
  case AE_IFLNK: T.Type = EntryType::Symlink; break;
  case AE_IFCHR: T.Type = EntryType::CharDev; break;
  case AE_IFBLK: T.Type = EntryType::BlockDev; break;
  case AE_IFIFO: T.Type = EntryType::Fifo; break;
  default: T.Type = EntryType::Other; break;
  }
  if (Hard) {
    T.Type = EntryType::Hardlink;
    auto Target = cleanEntryPath(Hard);
    if (!Target) {
      llvm::consumeError(Target.takeError());
      return I.fail("tar entry \"" + Raw + "\" is a hard link to \"" + Hard +
                    "\", which escapes the layer root; refusing to read the layer");
    }
    if (Target->empty())
      return I.fail("tar entry \"" + Raw + "\" is a hard link to the layer root itself");
    T.LinkTarget = std::move(*Target);
  } else if (T.Type == EntryType::Symlink) {
    const char *Sym = Api.EntrySymlink(E);
    if (!Sym)
      Sym = Api.EntrySymlinkUtf8(E);
    if (!Sym)
      return I.fail("tar entry \"" + Raw + "\" is a symlink without a target");
    T.LinkTarget = Sym;
  }
  int64_t Size = Api.EntrySizeIsSet(E) ? Api.EntrySize(E) : 0;
  if (Size < 0 || Size > MaxEntrySize)
    return I.fail("tar entry \"" + Raw + "\" has an absurd size " + llvm::Twine(Size) +
                  "; the layer is corrupt");
  T.Size = T.Type == EntryType::File ? Size : 0;
  T.Mode = static_cast<uint32_t>(Api.EntryMode(E) & 07777);
  T.Uid = Api.EntryUid(E);
  T.Gid = Api.EntryGid(E);
  T.MTime = Api.EntryMtime(E);
  if (T.Type == EntryType::CharDev || T.Type == EntryType::BlockDev) {
    T.DevMajor = static_cast<uint32_t>(Api.EntryRdevmajor(E));
    T.DevMinor = static_cast<uint32_t>(Api.EntryRdevminor(E));
  }
  Api.EntryXattrReset(E);
  const char *XName = nullptr;
  const void *XValue = nullptr;
  size_t XSize = 0;
  while (Api.EntryXattrNext(E, &XName, &XValue, &XSize) == ARCHIVE_OK) {
    if (!XName)
      continue;
    T.Xattrs[XName] = std::string(static_cast<const char *>(XValue), XValue ? XSize : 0);
  }
  I.HaveEntry = true;
  return &I.Entry;
}

llvm::Expected<size_t> LayerReader::readData(char *Buf, size_t Len) {
  Impl &I = *P;
  if (I.Failed)
    return makeError("layer reader already failed");
  if (!I.HaveEntry || I.Entry.Type != EntryType::File || Len == 0)
    return 0;
  la_ssize_t N = archiveApi().ReadData(I.A.get(), Buf, Len);
  if (N < 0)
    return I.fail("cannot read the content of tar entry \"" + I.Entry.Path + "\": " + I.why());
  return static_cast<size_t>(N);
}

} // namespace ballast::oci
