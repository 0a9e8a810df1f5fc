//===- Snapshot.cpp - Extracted layers and overlay root filesystems -------===//
#include "builder/Snapshot.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "builder/Sandbox.h"
#include "oci/Compression.h"
#include "oci/LayerReader.h"
#include "support/Errors.h"
#include "support/Hash.h"
#include "support/UniqueFd.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::builder {

namespace {

std::string randomSuffix() {
  static thread_local std::mt19937_64 Gen{std::random_device{}()};
  static const char Hex[] = "0123456789abcdef";
  std::string S;
  uint64_t V = Gen();
  for (int I = 0; I < 12; ++I, V >>= 4)
    S += Hex[V & 15];
  return S;
}

/// rm -rf below an open directory, never following symlinks.
void removeBelow(int DirFd) {
  int Dup = ::dup(DirFd);
  if (Dup < 0)
    return;
  DIR *D = ::fdopendir(Dup);
  if (!D) {
    ::close(Dup);
    return;
  }
  std::vector<std::string> Names;
  while (struct dirent *E = ::readdir(D))
    if (std::strcmp(E->d_name, ".") != 0 && std::strcmp(E->d_name, "..") != 0)
      Names.push_back(E->d_name);
  ::closedir(D);
  for (const std::string &N : Names) {
    if (::unlinkat(DirFd, N.c_str(), 0) == 0)
      continue;
    if (errno != EISDIR && errno != EPERM)
      continue;
    UniqueFd Sub(::openat(DirFd, N.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!Sub)
      continue;
    removeBelow(Sub.F);
    ::unlinkat(DirFd, N.c_str(), AT_REMOVEDIR);
  }
}

/// Splits a cleaned entry path into its components.
llvm::SmallVector<llvm::StringRef, 16> splitPath(llvm::StringRef P) {
  llvm::SmallVector<llvm::StringRef, 16> Parts;
  P.split(Parts, '/', -1, false);
  return Parts;
}

/// Extraction state: the root fd, hard-link checks and folder times to set at the end.
class Extractor {
public:
  explicit Extractor(int RootFd) : RootFd(RootFd) {}

  /// Opens the folder holding Path's last component, creating missing folders (0755, root) and
  /// refusing to pass through anything that is not a real folder.
  llvm::Expected<UniqueFd> openParent(llvm::StringRef EntryPath,
                                      llvm::ArrayRef<llvm::StringRef> Parts) {
    UniqueFd Cur(::dup(RootFd));
    for (size_t I = 0; I + 1 < Parts.size(); ++I) {
      std::string C = Parts[I].str();
      int F = ::openat(Cur.F, C.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (F < 0 && errno == ENOENT) {
        if (::mkdirat(Cur.F, C.c_str(), 0755) && errno != EEXIST)
          return errnoError("cannot create the folder of layer entry \"" + EntryPath + "\"");
        F = ::openat(Cur.F, C.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      if (F < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
          return makeError("layer entry \"" + EntryPath +
                           "\" passes through a symlink or a non-folder; refusing to extract "
                           "the layer");
        return errnoError("cannot open the folder of layer entry \"" + EntryPath + "\"");
      }
      Cur = UniqueFd(F);
    }
    return Cur;
  }

  /// Removes what is at Name so a new entry can take its place (a folder stays when the new
  /// entry is a folder too).
  void clearSlot(int Parent, const std::string &Name, bool KeepDir) {
    struct stat St;
    if (::fstatat(Parent, Name.c_str(), &St, AT_SYMLINK_NOFOLLOW))
      return;
    if (S_ISDIR(St.st_mode)) {
      if (KeepDir)
        return;
      UniqueFd Sub(::openat(Parent, Name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (Sub)
        removeBelow(Sub.F);
      ::unlinkat(Parent, Name.c_str(), AT_REMOVEDIR);
      return;
    }
    ::unlinkat(Parent, Name.c_str(), 0);
  }

  llvm::Error setXattrs(int Fd, const oci::TarEntry &E) {
    for (const auto &[K, V] : E.Xattrs) {
      // Overlay's own attributes never come from a layer: they would change what lower
      // layers show.
      if (llvm::StringRef(K).startswith("trusted.overlay."))
        continue;
      if (::fsetxattr(Fd, K.c_str(), V.data(), V.size(), 0) && errno != ENOTSUP)
        return errnoError("cannot set xattr " + K + " on layer entry \"" + E.Path + "\"");
    }
    return llvm::Error::success();
  }

  llvm::Error entry(const oci::TarEntry &E, oci::LayerReader &LR) {
    if (E.Path.empty())
      return llvm::Error::success(); // "./": the snapshot root keeps its own metadata
    auto Parts = splitPath(E.Path);
    auto ParentOr = openParent(E.Path, Parts);
    if (!ParentOr)
      return ParentOr.takeError();
    int Parent = ParentOr->F;
    std::string Name = Parts.back().str();
    llvm::StringRef N(Name);

    // OCI whiteouts -> overlay form.
    if (N == ".wh..wh..opq") {
      if (::fsetxattr(Parent, "trusted.overlay.opaque", "y", 1, 0))
        return errnoError("cannot mark the folder of \"" + E.Path + "\" opaque");
      return llvm::Error::success();
    }
    if (N.startswith(".wh..wh."))
      return llvm::Error::success(); // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs)
    if (N.startswith(".wh.")) {
      std::string Hidden = N.drop_front(4).str();
      if (Hidden.empty() || Hidden == "." || Hidden == "..")
        return makeError("layer entry \"" + E.Path + "\" is a malformed whiteout");
      clearSlot(Parent, Hidden, false);
      if (::mknodat(Parent, Hidden.c_str(), S_IFCHR | 0, makedev(0, 0)))
        return errnoError("cannot create the whiteout for \"" + E.Path + "\"");
      return llvm::Error::success();
    }

    clearSlot(Parent, Name, E.Type == oci::EntryType::Dir);
    switch (E.Type) {
    case oci::EntryType::Dir: {
      if (::mkdirat(Parent, Name.c_str(), 0700) && errno != EEXIST)
        return errnoError("cannot create layer folder \"" + E.Path + "\"");
      UniqueFd D(::openat(Parent, Name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!D)
        return errnoError("cannot open layer folder \"" + E.Path + "\"");
      if (::fchown(D.F, E.Uid, E.Gid) || ::fchmod(D.F, E.Mode))
        return errnoError("cannot set the owner and mode of \"" + E.Path + "\"");
      if (auto Err = setXattrs(D.F, E))
        return Err;
      DirTimes.push_back({E.Path, E.MTime});
      return llvm::Error::success();
    }
    case oci::EntryType::File: {
      UniqueFd F(::openat(Parent, Name.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!F)
        return errnoError("cannot create layer file \"" + E.Path + "\"");
      for (;;) {
        auto NOr = LR.readData(Buf.data(), Buf.size());
        if (!NOr)
          return NOr.takeError();
        if (*NOr == 0)
          break;
        const char *P = Buf.data();
        size_t Left = *NOr;
        while (Left) {
          ssize_t W = ::write(F.F, P, Left);
          if (W < 0 && errno == EINTR)
            continue;
          if (W <= 0)
            return errnoError("cannot write layer file \"" + E.Path + "\"");
          P += W;
          Left -= W;
        }
      }
      if (::fchown(F.F, E.Uid, E.Gid) || ::fchmod(F.F, E.Mode))
        return errnoError("cannot set the owner and mode of \"" + E.Path + "\"");
      if (auto Err = setXattrs(F.F, E))
        return Err;
      struct timespec TS[2] = {{E.MTime, 0}, {E.MTime, 0}};
      ::futimens(F.F, TS);
      return llvm::Error::success();
    }
    case oci::EntryType::Symlink: {
      if (::symlinkat(E.LinkTarget.c_str(), Parent, Name.c_str()))
        return errnoError("cannot create layer symlink \"" + E.Path + "\"");
      ::fchownat(Parent, Name.c_str(), E.Uid, E.Gid, AT_SYMLINK_NOFOLLOW);
      struct timespec TS[2] = {{E.MTime, 0}, {E.MTime, 0}};
      ::utimensat(Parent, Name.c_str(), TS, AT_SYMLINK_NOFOLLOW);
      return llvm::Error::success();
    }
    case oci::EntryType::Hardlink: {
      auto TParts = splitPath(E.LinkTarget);
      if (TParts.empty())
        return makeError("layer entry \"" + E.Path + "\" is a hard link to the layer root");
      auto TParent = openParent(E.LinkTarget, TParts);
      if (!TParent)
        return TParent.takeError();
      std::string TName = TParts.back().str();
      struct stat St;
      if (::fstatat(TParent->F, TName.c_str(), &St, AT_SYMLINK_NOFOLLOW))
        return makeError("layer entry \"" + E.Path + "\" is a hard link to \"" + E.LinkTarget +
                         "\", which is not in this layer; the layer is not self-contained");
      if (S_ISDIR(St.st_mode))
        return makeError("layer entry \"" + E.Path + "\" is a hard link to a folder");
      if (::linkat(TParent->F, TName.c_str(), Parent, Name.c_str(), 0))
        return errnoError("cannot create hard link \"" + E.Path + "\"");
      return llvm::Error::success();
    }
    case oci::EntryType::CharDev:
    case oci::EntryType::BlockDev:
    case oci::EntryType::Fifo: {
      mode_t T = E.Type == oci::EntryType::CharDev    ? S_IFCHR
                 : E.Type == oci::EntryType::BlockDev ? S_IFBLK
                                                      : S_IFIFO;
      if (::mknodat(Parent, Name.c_str(), T | (E.Mode & 07777), makedev(E.DevMajor, E.DevMinor)))
        return errnoError("cannot create device node \"" + E.Path + "\"");
      ::fchownat(Parent, Name.c_str(), E.Uid, E.Gid, AT_SYMLINK_NOFOLLOW);
      ::fchmodat(Parent, Name.c_str(), E.Mode & 07777, 0);
      struct timespec TS[2] = {{E.MTime, 0}, {E.MTime, 0}};
      ::utimensat(Parent, Name.c_str(), TS, AT_SYMLINK_NOFOLLOW);
      return llvm::Error::success();
    }
    case oci::EntryType::Other: return llvm::Error::success();
    }
    return llvm::Error::success();
  }

  /// Folder times last (creating children changed them), deepest first.
  void finishDirTimes() {
    std::stable_sort(DirTimes.begin(), DirTimes.end(), [](const auto &A, const auto &B) {
      return std::count(A.first.begin(), A.first.end(), '/') >
             std::count(B.first.begin(), B.first.end(), '/');
    });
    for (const auto &[Path, MTime] : DirTimes) {
      auto Parts = splitPath(Path);
      auto Parent = openParent(Path, Parts);
      if (!Parent) {
        llvm::consumeError(Parent.takeError());
        continue;
      }
      struct timespec TS[2] = {{MTime, 0}, {MTime, 0}};
      ::utimensat(Parent->F, Parts.back().str().c_str(), TS, AT_SYMLINK_NOFOLLOW);
    }
  }

private:
  int RootFd;
  std::vector<std::pair<std::string, int64_t>> DirTimes;
  std::vector<char> Buf = std::vector<char>(1 << 20);
};

/// Escapes a path for overlay's option string (`\`, `:` and `,` are special).
std::string overlayEscape(llvm::StringRef P) {
  std::string S;
  for (char C : P) {
    if (C == '\\' || C == ':' || C == ',')
      S += '\\';
    S += C;
  }
  return S;
}

llvm::Error mountOverlay(const std::vector<std::string> &TopFirst, const std::string &Upper,
                         const std::string &Work, const std::string &Merged) {
  std::string Data = "lowerdir=";
  for (size_t I = 0; I < TopFirst.size(); ++I)
    Data += (I ? ":" : "") + overlayEscape(TopFirst[I]);
  Data += ",upperdir=" + overlayEscape(Upper) + ",workdir=" + overlayEscape(Work);
  // `volatile` skips the sync of the upper file system on unmount (about 5 ms a step): an
  // upper is temporary until it is turned into a layer, which writes and syncs its own files.
  if (Data.size() < 4000) {
    if (::mount("overlay", Merged.c_str(), "overlay", 0, (Data + ",volatile").c_str()) &&
        ::mount("overlay", Merged.c_str(), "overlay", 0, Data.c_str()))
      return errnoError("cannot mount the overlay root filesystem on " + Merged);
  } else {
    // One page is all mount(2) takes: give the layers one by one (Linux 6.8+).
    UniqueFd FS(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!FS)
      return errnoError("cannot mount an overlay of " + llvm::Twine(TopFirst.size()) +
                        " layers (fsopen)");
    for (const std::string &L : TopFirst)
      if (::fsconfig(FS.F, FSCONFIG_SET_STRING, "lowerdir+", L.c_str(), 0))
        return errnoError("cannot mount an overlay of " + llvm::Twine(TopFirst.size()) +
                          " layers; the kernel lacks lowerdir+ (Linux 6.8+)");
    ::fsconfig(FS.F, FSCONFIG_SET_FLAG, "volatile", nullptr, 0);
    if (::fsconfig(FS.F, FSCONFIG_SET_STRING, "upperdir", Upper.c_str(), 0) ||
        ::fsconfig(FS.F, FSCONFIG_SET_STRING, "workdir", Work.c_str(), 0) ||
        ::fsconfig(FS.F, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0))
      return errnoError("cannot create the overlay root filesystem");
    UniqueFd Mnt(::fsmount(FS.F, FSMOUNT_CLOEXEC, 0));
    if (!Mnt || ::move_mount(Mnt.F, "", AT_FDCWD, Merged.c_str(), MOVE_MOUNT_F_EMPTY_PATH))
      return errnoError("cannot mount the overlay root filesystem on " + Merged);
  }
  return llvm::Error::success();
}

/// What an overlay of a layer stack shows at a path.
enum class StackEntry { Missing, Dir, Other };

/// Looks Rel up in a stack of overlay-form layers (top first) the way overlayfs merges them:
/// a 0/0 device whites it (or a folder above it) out, an opaque folder hides the layers below.
/// St gets the metadata of the topmost layer that has it.
StackEntry lookupInStack(const std::vector<std::string> &TopFirst, llvm::StringRef Rel,
                         struct stat &St) {
  auto Parts = splitPath(Rel);
  for (const std::string &Layer : TopFirst) {
    std::string P = Layer;
    bool Opaque = false;
    for (size_t K = 0; K < Parts.size(); ++K) {
      P += "/" + Parts[K].str();
      if (::lstat(P.c_str(), &St))
        break;
      if (S_ISCHR(St.st_mode) && St.st_rdev == makedev(0, 0))
        return StackEntry::Missing;
      if (K + 1 == Parts.size())
        return S_ISDIR(St.st_mode) ? StackEntry::Dir : StackEntry::Other;
      if (!S_ISDIR(St.st_mode))
        return StackEntry::Other; // a symlink or file on the way: the sandbox resolves it
      char V[4];
      ssize_t N = ::lgetxattr(P.c_str(), "trusted.overlay.opaque", V, sizeof V);
      if (N == 1 && V[0] == 'y')
        Opaque = true;
    }
    if (Opaque)
      return StackEntry::Missing;
  }
  return StackEntry::Missing;
}

/// One entry of a stub layer.
struct StubItem {
  enum Kind { CopyDir, NewDir, NewFile } K;
  std::string Rel;
  struct stat St; ///< CopyDir: the folder it copies
};

/// The standard mount points the stack TopFirst lacks, parents first; the folders on their way
/// copy the owner, mode and times they have in the stack so the merged view does not change.
std::vector<StubItem> planStubs(const std::vector<std::string> &TopFirst) {
  std::vector<StubItem> Items;
  for (const StandardMountPoint &MP : StandardMountPoints) {
    struct stat St;
    if (lookupInStack(TopFirst, MP.Path, St) != StackEntry::Missing)
      continue;
    auto Parts = splitPath(MP.Path);
    std::string Rel;
    for (size_t J = 0; J < Parts.size(); ++J) {
      Rel += (J ? "/" : "") + Parts[J].str();
      if (llvm::any_of(Items, [&](const StubItem &I) { return I.Rel == Rel; }))
        continue;
      bool Last = J + 1 == Parts.size();
      StubItem I{StubItem::NewDir, Rel, {}};
      if (Last && !MP.Dir)
        I.K = StubItem::NewFile;
      else if (!Last && lookupInStack(TopFirst, Rel, I.St) == StackEntry::Dir)
        I.K = StubItem::CopyDir;
      Items.push_back(I);
    }
  }
  return Items;
}

/// A key naming a stub layer by its content, for the stub cache.
std::string stubKey(const std::vector<StubItem> &Items) {
  std::string D;
  for (const StubItem &I : Items) {
    D += std::to_string(int(I.K)) + " " + I.Rel;
    if (I.K == StubItem::CopyDir)
      D += " " + std::to_string(I.St.st_mode) + " " + std::to_string(I.St.st_uid) + " " +
           std::to_string(I.St.st_gid) + " " + std::to_string(I.St.st_mtim.tv_sec) + "." +
           std::to_string(I.St.st_mtim.tv_nsec);
    D += "\n";
  }
  return Sha256::hex(D);
}

/// Creates the stub layer Items in the new folder StubDir.
llvm::Error materializeStubs(const std::vector<StubItem> &Items, const std::string &StubDir) {
  if (::mkdir(StubDir.c_str(), 0755))
    return errnoError("cannot create " + StubDir);
  for (const StubItem &I : Items) {
    std::string Dst = StubDir + "/" + I.Rel;
    bool Bad = false;
    if (I.K == StubItem::CopyDir)
      Bad = ::mkdir(Dst.c_str(), I.St.st_mode & 07777) ||
            ::lchown(Dst.c_str(), I.St.st_uid, I.St.st_gid) ||
            ::chmod(Dst.c_str(), I.St.st_mode & 07777);
    else if (I.K == StubItem::NewDir)
      Bad = ::mkdir(Dst.c_str(), 0755) != 0;
    else {
      int F = ::open(Dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      Bad = F < 0;
      if (F >= 0)
        ::close(F);
    }
    if (Bad)
      return errnoError("cannot create the mount point stub " + Dst);
  }
  // Folder times last, deepest first.
  for (auto It = Items.rbegin(); It != Items.rend(); ++It)
    if (It->K == StubItem::CopyDir) {
      struct timespec TS[2] = {It->St.st_mtim, It->St.st_mtim};
      ::utimensat(AT_FDCWD, (StubDir + "/" + It->Rel).c_str(), TS, AT_SYMLINK_NOFOLLOW);
    }
  return llvm::Error::success();
}

} // namespace

llvm::Error removeTree(llvm::StringRef Path) {
  std::string P = Path.str();
  struct stat St;
  if (::lstat(P.c_str(), &St))
    return errno == ENOENT ? llvm::Error::success() : errnoError("cannot remove " + Path);
  if (!S_ISDIR(St.st_mode)) {
    if (::unlink(P.c_str()))
      return errnoError("cannot remove " + Path);
    return llvm::Error::success();
  }
  UniqueFd D(::open(P.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (D)
    removeBelow(D.F);
  if (::rmdir(P.c_str()) && errno != ENOENT)
    return errnoError("cannot remove " + Path);
  return llvm::Error::success();
}

llvm::Error extractLayer(std::unique_ptr<Reader> Tar, llvm::StringRef Dir) {
  UniqueFd Root(::open(Dir.str().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!Root)
    return errnoError("cannot open " + Dir);
  oci::LayerReader LR(std::move(Tar));
  Extractor X(Root.F);
  for (;;) {
    auto E = LR.next();
    if (!E)
      return E.takeError();
    if (!*E)
      break;
    if (auto Err = X.entry(**E, LR))
      return Err;
  }
  X.finishDirTimes();
  return llvm::Error::success();
}

// --- SnapshotStore ----------------------------------------------------------------------------

llvm::Expected<SnapshotStore> SnapshotStore::open(llvm::StringRef StoreRoot) {
  std::string Base = StoreRoot.str() + "/.ballast";
  std::string Dir = Base + "/snapshots", Tmp = Base + "/snapshots/.tmp",
              Stubs = Base + "/snapshots/.stubs";
  for (const std::string &D : {Base, Dir, Tmp, Stubs})
    if (::mkdir(D.c_str(), 0700) && errno != EEXIST)
      return errnoError("cannot create " + D);
  return SnapshotStore(Dir, Tmp);
}

std::string SnapshotStore::path(const oci::Digest &DiffID) const {
  return Dir + "/" + DiffID.hex();
}

bool SnapshotStore::has(const oci::Digest &DiffID) const {
  struct stat St;
  return ::lstat(path(DiffID).c_str(), &St) == 0 && S_ISDIR(St.st_mode);
}

llvm::Expected<std::string>
SnapshotStore::ensure(const oci::Digest &DiffID,
                      const std::function<llvm::Expected<std::unique_ptr<Reader>>()> &Open) {
  std::string Final = path(DiffID);
  if (has(DiffID))
    return Final;
  std::string Work = Tmp + "/" + DiffID.hex() + "-" + randomSuffix();
  if (::mkdir(Work.c_str(), 0755))
    return errnoError("cannot create " + Work);
  // The temporary folder goes whatever happens below (a no-op once renamed).
  struct Cleanup {
    std::string P;
    ~Cleanup() { llvm::consumeError(removeTree(P)); }
  } C{Work};
  auto Blob = Open();
  if (!Blob)
    return Blob.takeError();
  auto Plain = oci::decompress(std::move(*Blob));
  if (!Plain)
    return Plain.takeError();
  auto Hashing = std::make_unique<oci::HashingReader>(std::move(*Plain));
  oci::HashingReader *H = Hashing.get();
  // A wrapper that lets extraction read through H while we keep H to drain and check it.
  struct Borrowed : Reader {
    Reader *R;
    explicit Borrowed(Reader *R) : R(R) {}
    llvm::Expected<size_t> read(char *B, size_t L) override { return R->read(B, L); }
  };
  if (auto E = extractLayer(std::make_unique<Borrowed>(H), Work))
    return makeError("cannot extract layer " + DiffID.str() + ": " + llvm::toString(std::move(E)));
  char Buf[65536];
  for (;;) {
    auto N = H->read(Buf, sizeof Buf);
    if (!N)
      return N.takeError();
    if (*N == 0)
      break;
  }
  if (H->digest() != DiffID)
    return makeError("layer content has diff_id " + H->digest().str() +
                     " but the image config "
                     "says " +
                     DiffID.str() + "; the image is corrupt, pull it again");
  ::chmod(Work.c_str(), 0755);
  // Durable before it becomes visible: a snapshot is trusted as is from then on.
  {
    UniqueFd W(::open(Work.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!W || ::syncfs(W.F))
      return errnoError("cannot sync " + Work);
  }
  if (::rename(Work.c_str(), Final.c_str())) {
    if ((errno == ENOTEMPTY || errno == EEXIST) && has(DiffID))
      return Final; // another extraction won the race
    return errnoError("cannot move the snapshot into " + Final);
  }
  return Final;
}

llvm::Expected<std::vector<std::string>> SnapshotStore::chain(const oci::Image &Img) {
  const auto &Layers = Img.layers();
  const auto &DiffIDs = Img.config().DiffIDs;
  if (Layers.size() != DiffIDs.size())
    return makeError("the image has " + llvm::Twine(Layers.size()) +
                     " layers but its config "
                     "lists " +
                     llvm::Twine(DiffIDs.size()) + " diff_ids; the image is corrupt");
  std::vector<std::string> Out;
  for (size_t I = 0; I < Layers.size(); ++I) {
    const oci::Descriptor &D = Layers[I];
    auto P = ensure(DiffIDs[I], [&]() { return Img.openBlob(D); });
    if (!P)
      return P.takeError();
    Out.push_back(*P);
  }
  return Out;
}

llvm::Error SnapshotStore::adopt(llvm::StringRef From, const oci::Digest &DiffID) {
  std::string Final = path(DiffID);
  if (has(DiffID))
    return removeTree(From);
  // Uppers are mounted `volatile`: make the files durable before the snapshot is trusted.
  {
    UniqueFd W(::open(From.str().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!W || ::syncfs(W.F))
      return errnoError("cannot sync " + From);
  }
  if (::rename(From.str().c_str(), Final.c_str())) {
    if ((errno == ENOTEMPTY || errno == EEXIST) && has(DiffID))
      return removeTree(From);
    return errnoError("cannot move " + From + " into " + Final);
  }
  return llvm::Error::success();
}

// --- OverlayMount -----------------------------------------------------------------------------

llvm::Expected<std::unique_ptr<OverlayMount>>
OverlayMount::create(llvm::ArrayRef<std::string> Lowers, llvm::StringRef WorkParent,
                     llvm::StringRef StubCache) {
  std::unique_ptr<OverlayMount> M(new OverlayMount());
  std::string Tmpl = WorkParent.str() + "/ovl-XXXXXX";
  if (!::mkdtemp(Tmpl.data()))
    return errnoError("cannot create a temporary folder in " + WorkParent);
  M->Base = Tmpl;
  M->Merged = M->Base + "/merged";
  M->Upper = M->Base + "/upper";
  std::string Work = M->Base + "/work", Empty = M->Base + "/empty";
  for (const std::string &D : {M->Merged, M->Upper, Work})
    if (::mkdir(D.c_str(), 0755))
      return errnoError("cannot create " + D);
  std::vector<std::string> TopFirst(Lowers.rbegin(), Lowers.rend());
  if (TopFirst.empty()) {
    // scratch: overlay needs a lower layer, so an empty one.
    if (::mkdir(Empty.c_str(), 0755))
      return errnoError("cannot create " + Empty);
    TopFirst.push_back(Empty);
  }
  // Mount points the sandbox needs but the image lacks come from one more lower layer, so
  // they are never created in the upper (and so never end up in the step's layer).
  std::vector<StubItem> Stubs = planStubs(TopFirst);
  if (!Stubs.empty()) {
    std::string StubDir;
    if (StubCache.empty()) {
      StubDir = M->Base + "/stubs";
      if (auto E = materializeStubs(Stubs, StubDir))
        return E;
    } else {
      // Shared by every mount that lacks the same things: made once, never changed.
      StubDir = StubCache.str() + "/" + stubKey(Stubs);
      struct stat St;
      if (::lstat(StubDir.c_str(), &St)) {
        std::string Tmp = StubDir + ".tmp-" + randomSuffix();
        if (auto E = materializeStubs(Stubs, Tmp)) {
          llvm::consumeError(removeTree(Tmp));
          return E;
        }
        if (::rename(Tmp.c_str(), StubDir.c_str())) {
          llvm::consumeError(removeTree(Tmp));
          if (::lstat(StubDir.c_str(), &St))
            return errnoError("cannot create the mount point stubs " + StubDir);
        }
      }
    }
    TopFirst.insert(TopFirst.begin(), StubDir);
  }
  if (auto E = mountOverlay(TopFirst, M->Upper, Work, M->Merged))
    return E;
  M->Mounted = true;
  return M;
}

llvm::Error OverlayMount::unmount() {
  if (!Mounted)
    return llvm::Error::success();
  if (::umount2(Merged.c_str(), 0) && ::umount2(Merged.c_str(), MNT_DETACH))
    return errnoError("cannot unmount " + Merged);
  Mounted = false;
  return llvm::Error::success();
}

OverlayMount::~OverlayMount() {
  if (auto E = unmount()) {
    // Still mounted: removing the tree would delete through the mount into the snapshots.
    llvm::consumeError(std::move(E));
    return;
  }
  if (!Base.empty())
    llvm::consumeError(removeTree(Base));
}

} // namespace ballast::builder
