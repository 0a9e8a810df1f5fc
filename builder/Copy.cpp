//===- Copy.cpp - COPY and ADD into an image root -------------------------===//
#include "builder/Copy.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "builder/Context.h"
#include "dockerfile/DockerIgnore.h"
#include "oci/LayerReader.h"
#include "oci/LibArchive.h"
#include "registry/Curl.h"
#include "support/Errors.h"
#include "support/Hash.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

namespace ballast::builder {

namespace {
std::string errnoText() { return std::strerror(errno); }

/// Splits a slash path into its non-empty components.
llvm::SmallVector<llvm::StringRef, 16> components(llvm::StringRef P) {
  llvm::SmallVector<llvm::StringRef, 16> Parts, Out;
  P.split(Parts, '/');
  for (llvm::StringRef C : Parts)
    if (!C.empty() && C != ".")
      Out.push_back(C);
  return Out;
}
} // namespace

//===----------------------------------------------------------------------===//
// Chroot-like resolution
//===----------------------------------------------------------------------===//

llvm::Expected<std::string> resolveInRoot(llvm::StringRef Root, llvm::StringRef Path,
                                          bool FollowLast) {
  // Pending components, consumed front to back; symlinks splice their target in.
  std::vector<std::string> Todo;
  for (llvm::StringRef C : components(Path))
    Todo.push_back(C.str());
  std::reverse(Todo.begin(), Todo.end());
  std::vector<std::string> Done;
  unsigned Links = 0;
  while (!Todo.empty()) {
    std::string C = std::move(Todo.back());
    Todo.pop_back();
    if (C == "..") {
      if (!Done.empty())
        Done.pop_back();
      continue;
    }
    std::string Host = Root.str();
    for (const std::string &D : Done)
      Host += "/" + D;
    Host += "/" + C;
    bool Last = Todo.empty();
    struct stat St;
    if (::lstat(Host.c_str(), &St) != 0 || !S_ISLNK(St.st_mode) || (Last && !FollowLast)) {
      Done.push_back(C);
      continue;
    }
    if (++Links > 255)
      return makeError("too many levels of symbolic links resolving " + Path);
    std::string Buf(size_t(St.st_size) + 1, '\0');
    ssize_t L = ::readlink(Host.c_str(), Buf.data(), Buf.size());
    if (L < 0)
      return makeError("cannot read link " + Host + ": " + errnoText());
    Buf.resize(size_t(L));
    if (llvm::StringRef(Buf).startswith("/"))
      Done.clear();
    auto Parts = components(Buf);
    for (auto It = Parts.rbegin(); It != Parts.rend(); ++It)
      Todo.push_back(It->str());
  }
  std::string Out = Root.str();
  for (const std::string &D : Done)
    Out += "/" + D;
  return Out;
}

//===----------------------------------------------------------------------===//
// Go's filepath.Match
//===----------------------------------------------------------------------===//

namespace {
const char *const BadPattern = "syntax error in pattern";

/// matchChunk from Go: matches the start of S against Chunk; returns the rest or nullopt.
std::optional<llvm::StringRef> matchChunk(llvm::StringRef Chunk, llvm::StringRef S, bool &Bad) {
  bool Failed = false;
  while (!Chunk.empty()) {
    if (!Failed && S.empty())
      Failed = true;
    switch (Chunk[0]) {
    case '[': {
      unsigned char R = Failed ? 0 : (unsigned char)S[0];
      if (!Failed)
        S = S.drop_front();
      Chunk = Chunk.drop_front();
      bool Negated = false;
      if (!Chunk.empty() && Chunk[0] == '^') {
        Negated = true;
        Chunk = Chunk.drop_front();
      }
      bool Match = false;
      int N = 0;
      while (true) {
        if (!Chunk.empty() && Chunk[0] == ']' && N > 0) {
          Chunk = Chunk.drop_front();
          break;
        }
        auto GetEsc = [&](unsigned char &Out) {
          if (Chunk.empty() || Chunk[0] == '-' || Chunk[0] == ']')
            return false;
          if (Chunk[0] == '\\') {
            Chunk = Chunk.drop_front();
            if (Chunk.empty())
              return false;
          }
          Out = (unsigned char)Chunk[0];
          Chunk = Chunk.drop_front();
          return true;
        };
        unsigned char Lo, Hi;
        if (!GetEsc(Lo)) {
          Bad = true;
          return std::nullopt;
        }
        Hi = Lo;
        if (!Chunk.empty() && Chunk[0] == '-') {
          Chunk = Chunk.drop_front();
          if (!GetEsc(Hi)) {
            Bad = true;
            return std::nullopt;
          }
        }
        if (Lo <= R && R <= Hi)
          Match = true;
        ++N;
      }
      if (Match == Negated)
        Failed = true;
      break;
    }
    case '?':
      if (!Failed) {
        if (S[0] == '/')
          Failed = true;
        S = S.drop_front();
      }
      Chunk = Chunk.drop_front();
      break;
    case '\\':
      Chunk = Chunk.drop_front();
      if (Chunk.empty()) {
        Bad = true;
        return std::nullopt;
      }
      [[fallthrough]];
    default:
      if (!Failed) {
        if (Chunk[0] != S[0])
          Failed = true;
        S = S.drop_front();
      }
      Chunk = Chunk.drop_front();
    }
  }
  if (Failed)
    return std::nullopt;
  return S;
}
} // namespace

llvm::Expected<bool> goMatch(llvm::StringRef Pattern, llvm::StringRef Name) {
  while (!Pattern.empty()) {
    bool Star = false;
    llvm::StringRef Chunk;
    dockerfile::scanGoChunk(Pattern, Star, Chunk);
    if (Star && Chunk.empty())
      return !Name.contains('/');
    bool Bad = false;
    auto T = matchChunk(Chunk, Name, Bad);
    if (Bad)
      return makeError(BadPattern);
    if (T && (T->empty() || !Pattern.empty())) {
      Name = *T;
      continue;
    }
    if (Star) {
      bool Found = false;
      for (size_t K = 0; K < Name.size() && Name[K] != '/'; ++K) {
        auto T2 = matchChunk(Chunk, Name.drop_front(K + 1), Bad);
        if (Bad)
          return makeError(BadPattern);
        if (T2) {
          if (Pattern.empty() && !T2->empty())
            continue;
          Name = *T2;
          Found = true;
          break;
        }
      }
      if (Found)
        continue;
    }
    // Go checks the rest of the pattern for syntax errors before failing.
    while (!Pattern.empty()) {
      bool AnyStar = false;
      llvm::StringRef Ch;
      dockerfile::scanGoChunk(Pattern, AnyStar, Ch);
      bool B = false;
      matchChunk(Ch, "", B);
      if (B)
        return makeError(BadPattern);
    }
    return false;
  }
  return Name.empty();
}

//===----------------------------------------------------------------------===//
// --chown and --chmod
//===----------------------------------------------------------------------===//

namespace {
/// Looks Name up in an /etc/passwd- or /etc/group-style file under Root; returns fields 2 and 3
/// (uid and gid, or gid only).
llvm::Expected<std::optional<std::pair<uint32_t, uint32_t>>>
lookupIdFile(llvm::StringRef Root, llvm::StringRef File, llvm::StringRef Name) {
  auto Path = resolveInRoot(Root, File, true);
  if (!Path)
    return Path.takeError();
  auto Buf = llvm::MemoryBuffer::getFile(*Path);
  if (!Buf)
    return std::optional<std::pair<uint32_t, uint32_t>>();
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    llvm::SmallVector<llvm::StringRef, 8> F;
    L.split(F, ':');
    if (F.size() < 3 || F[0] != Name)
      continue;
    uint32_t A = 0, B = 0;
    if (F[2].getAsInteger(10, A))
      continue;
    if (F.size() > 3)
      (void)F[3].getAsInteger(10, B);
    return std::optional<std::pair<uint32_t, uint32_t>>({A, B});
  }
  return std::optional<std::pair<uint32_t, uint32_t>>();
}
} // namespace

llvm::Expected<Owner> resolveChown(llvm::StringRef Root, llvm::StringRef Spec) {
  auto [User, Group] = Spec.split(':');
  bool HasGroup = Spec.contains(':');
  Owner O;
  if (User.empty())
    return makeError("invalid --chown " + dockerfile::goQuote(Spec) +
                     ": the user is empty; write --chown=USER[:GROUP]");
  if (!User.getAsInteger(10, O.Uid)) {
    O.Gid = O.Uid;
  } else {
    auto U = lookupIdFile(Root, "/etc/passwd", User);
    if (!U)
      return U.takeError();
    if (!*U)
      return makeError("unable to find user " + User +
                       " in the image's /etc/passwd; create it before this step or use a "
                       "numeric uid");
    O.Uid = (*U)->first;
    O.Gid = (*U)->second;
  }
  if (HasGroup) {
    if (Group.empty())
      return makeError("invalid --chown " + dockerfile::goQuote(Spec) +
                       ": the group is empty; write --chown=USER:GROUP");
    if (Group.getAsInteger(10, O.Gid)) {
      auto G = lookupIdFile(Root, "/etc/group", Group);
      if (!G)
        return G.takeError();
      if (!*G)
        return makeError("unable to find group " + Group +
                         " in the image's /etc/group; create it before this step or use a "
                         "numeric gid");
      O.Gid = (*G)->first;
    }
  }
  return O;
}

llvm::Expected<Chmod> Chmod::parse(llvm::StringRef Spec) {
  Chmod M;
  if (!Spec.empty() && llvm::all_of(Spec, llvm::isDigit)) {
    uint32_t V;
    if (Spec.getAsInteger(8, V) || V > 07777)
      return makeError("invalid chmod parameter: '" + Spec +
                       "'. it should be octal string and between 0 and 07777");
    M.Octal = V;
    return M;
  }
  auto Bad = [&] {
    return makeError("invalid chmod parameter: '" + Spec +
                     "'. it should be octal or a symbolic mode such as u+x,go-w");
  };
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Spec.split(Parts, ',');
  for (llvm::StringRef P : Parts) {
    uint32_t Who = 0;
    while (!P.empty() && llvm::StringRef("ugoa").contains(P[0])) {
      Who |= P[0] == 'u' ? 04700u : P[0] == 'g' ? 02070u : P[0] == 'o' ? 01007u : 07777u;
      P = P.drop_front();
    }
    if (P.empty())
      return Bad();
    while (!P.empty()) {
      Clause C;
      C.Who = Who;
      if (!llvm::StringRef("+-=").contains(P[0]))
        return Bad();
      C.Op = P[0];
      P = P.drop_front();
      if (!P.empty() && llvm::StringRef("ugo").contains(P[0])) {
        C.Copy = P[0];
        P = P.drop_front();
      } else {
        while (!P.empty() && llvm::StringRef("rwxXst").contains(P[0])) {
          switch (P[0]) {
          case 'r': C.Perm |= 0444; break;
          case 'w': C.Perm |= 0222; break;
          case 'x': C.Perm |= 0111; break;
          case 'X': C.X = true; break;
          case 's': C.Perm |= 06000; break;
          case 't': C.Perm |= 01000; break;
          }
          P = P.drop_front();
        }
      }
      M.Clauses.push_back(C);
    }
  }
  return M;
}

uint32_t Chmod::apply(uint32_t Old, bool IsDir) const {
  if (Octal)
    return *Octal;
  uint32_t Mode = Old & 07777;
  for (const Clause &C : Clauses) {
    uint32_t Who = C.Who ? C.Who : 07777u;
    uint32_t Bits = C.Perm;
    if (C.X && (IsDir || (Mode & 0111)))
      Bits |= 0111;
    if (C.Copy) {
      uint32_t Src = C.Copy == 'u' ? (Mode >> 6) & 7 : C.Copy == 'g' ? (Mode >> 3) & 7 : Mode & 7;
      Bits = Src * 0111;
    }
    // Sticky only through `o`/`a`/no who; setuid/setgid only through `u`/`g`.
    Bits &= Who;
    switch (C.Op) {
    case '+': Mode |= Bits; break;
    case '-': Mode &= ~Bits; break;
    case '=': Mode = (Mode & ~(Who & 07777u)) | Bits; break;
    }
  }
  return Mode;
}

//===----------------------------------------------------------------------===//
// Copying
//===----------------------------------------------------------------------===//

namespace {

/// Copy state shared by all sources of one instruction.
struct Copier {
  const CopySource &Src;
  llvm::StringRef DestRoot;
  const CopyOptions &Opts;
  std::optional<dockerfile::DockerIgnore> Exclude;

  /// The owner a copied entry gets.
  std::pair<uint32_t, uint32_t> owner(uint32_t Uid, uint32_t Gid) const {
    if (Opts.Chown)
      return {Opts.Chown->Uid, Opts.Chown->Gid};
    if (Opts.FromContext)
      return {0, 0};
    return {Uid, Gid};
  }
  uint32_t mode(uint32_t M, bool IsDir) const { return Opts.Mode ? Opts.Mode->apply(M, IsDir) : M; }

  /// The destination host path for an image path (parents resolved, last component not).
  llvm::Expected<std::string> dest(llvm::StringRef ImagePath) const {
    return resolveInRoot(DestRoot, ImagePath, false);
  }

  /// Creates the folders of ImageDir (mode 0755, owned by --chown when given) like mkdir -p.
  llvm::Error mkdirs(llvm::StringRef ImageDir) const {
    std::string Cur;
    for (llvm::StringRef C : components(ImageDir)) {
      Cur += "/" + C.str();
      auto H = resolveInRoot(DestRoot, Cur, true);
      if (!H)
        return H.takeError();
      struct stat St;
      if (::stat(H->c_str(), &St) == 0) {
        if (!S_ISDIR(St.st_mode))
          return makeError("cannot copy to " + ImageDir + ": " + Cur +
                           " is not a folder in the image; remove it first or pick another "
                           "destination");
        continue;
      }
      if (::mkdir(H->c_str(), 0755) != 0 && errno != EEXIST) {
        if (errno != ENOENT)
          return makeError("cannot create " + Cur + ": " + errnoText());
        // Cur went through a symlink whose target's parents are missing: create them (the
        // resolved path is inside the root and free of symlinks where it exists).
        llvm::StringRef Rel = llvm::StringRef(*H).drop_front(DestRoot.size());
        if (auto E = mkdirs(Rel.rsplit('/').first))
          return E;
        if (::mkdir(H->c_str(), 0755) != 0 && errno != EEXIST)
          return makeError("cannot create " + Cur + ": " + errnoText());
      }
      auto [U, G] = owner(0, 0);
      if (::lchown(H->c_str(), U, G) != 0 || ::chmod(H->c_str(), 0755) != 0)
        return makeError("cannot set the owner and mode of " + Cur + ": " + errnoText());
    }
    return llvm::Error::success();
  }

  /// Removes whatever is at Host when it is in the way of a new entry of another kind.
  llvm::Error clear(const std::string &Host, bool WantDir) const {
    struct stat St;
    if (::lstat(Host.c_str(), &St) != 0)
      return llvm::Error::success();
    if (WantDir && S_ISDIR(St.st_mode))
      return llvm::Error::success();
    if (S_ISDIR(St.st_mode)) {
      std::error_code EC = llvm::sys::fs::remove_directories(Host);
      if (EC)
        return makeError("cannot replace " + Host + ": " + EC.message());
      return llvm::Error::success();
    }
    if (::unlink(Host.c_str()) != 0)
      return makeError("cannot replace " + Host + ": " + errnoText());
    return llvm::Error::success();
  }

  llvm::Error setMeta(const std::string &Host, uint32_t Mode, uint32_t Uid, uint32_t Gid,
                      int64_t MTime, bool IsLink) const {
    if (::lchown(Host.c_str(), Uid, Gid) != 0)
      return makeError("cannot chown " + Host + ": " + errnoText());
    if (!IsLink && ::chmod(Host.c_str(), Mode) != 0)
      return makeError("cannot chmod " + Host + ": " + errnoText());
    struct timespec Ts[2];
    Ts[0].tv_sec = Ts[1].tv_sec = time_t(MTime);
    Ts[0].tv_nsec = Ts[1].tv_nsec = 0;
    if (::utimensat(AT_FDCWD, Host.c_str(), Ts, AT_SYMLINK_NOFOLLOW) != 0)
      return makeError("cannot set times of " + Host + ": " + errnoText());
    return llvm::Error::success();
  }

  /// Writes Bytes from the host file From (or the string Data) to the host path To.
  llvm::Error writeFile(const std::string &To, const std::string *From,
                        const std::string *Data) const {
    if (auto E = clear(To, false))
      return E;
    int Out = ::open(To.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (Out < 0)
      return makeError("cannot create " + To + ": " + errnoText());
    auto Fail = [&](const std::string &Msg) {
      ::close(Out);
      return makeError(Msg);
    };
    if (Data) {
      size_t Off = 0;
      while (Off < Data->size()) {
        ssize_t N = ::write(Out, Data->data() + Off, Data->size() - Off);
        if (N < 0 && errno == EINTR)
          continue;
        if (N < 0)
          return Fail("cannot write " + To + ": " + errnoText());
        Off += size_t(N);
      }
    } else {
      int In = ::open(From->c_str(), O_RDONLY | O_CLOEXEC);
      if (In < 0)
        return Fail("cannot read " + *From + ": " + errnoText());
      std::vector<char> Buf(1 << 20);
      while (true) {
        ssize_t N = ::read(In, Buf.data(), Buf.size());
        if (N < 0 && errno == EINTR)
          continue;
        if (N < 0) {
          ::close(In);
          return Fail("cannot read " + *From + ": " + errnoText());
        }
        if (N == 0)
          break;
        for (ssize_t Off = 0; Off < N;) {
          ssize_t W = ::write(Out, Buf.data() + Off, size_t(N - Off));
          if (W < 0 && errno == EINTR)
            continue;
          if (W < 0) {
            ::close(In);
            return Fail("cannot write " + To + ": " + errnoText());
          }
          Off += W;
        }
      }
      ::close(In);
    }
    if (::close(Out) != 0)
      return makeError("cannot write " + To + ": " + errnoText());
    return llvm::Error::success();
  }

  /// Whether a source-relative path is visible (in the context) and not excluded.
  bool visible(llvm::StringRef SrcRel, llvm::StringRef CopyRel) const {
    if (Src.Context && !SrcRel.empty()) {
      const ContextEntry *E = Src.Context->find(SrcRel);
      if (!E)
        return false;
    }
    if (Exclude && !CopyRel.empty() && Exclude->matches(CopyRel))
      return false;
    return true;
  }

  /// Copies the source entry at SrcRel (source-root relative, already resolved) to the image
  /// path To. CopyRel is the path relative to the copy's own root (for --exclude).
  llvm::Error copyEntry(const std::string &SrcRel, const std::string &To,
                        const std::string &CopyRel, bool Top) const {
    std::string Host = SrcRel.empty() ? Src.Root : Src.Root + "/" + SrcRel;
    struct stat St;
    if (::lstat(Host.c_str(), &St) != 0)
      return makeError("cannot read " + SrcRel + ": " + errnoText());
    auto [U, G] = owner(St.st_uid, St.st_gid);
    auto Dst = dest(To);
    if (!Dst)
      return Dst.takeError();
    if (S_ISDIR(St.st_mode)) {
      if (auto E = clear(*Dst, true))
        return E;
      // Like fsutil, an existing destination folder keeps its own mode, owner and times.
      bool Created = ::mkdir(Dst->c_str(), 0755) == 0;
      if (!Created && errno != EEXIST)
        return makeError("cannot create " + To + ": " + errnoText());
      DIR *D = ::opendir(Host.c_str());
      if (!D)
        return makeError("cannot read folder " + SrcRel + ": " + errnoText());
      std::vector<std::string> Names;
      while (struct dirent *Ent = ::readdir(D))
        if (llvm::StringRef(Ent->d_name) != "." && llvm::StringRef(Ent->d_name) != "..")
          Names.push_back(Ent->d_name);
      ::closedir(D);
      std::sort(Names.begin(), Names.end());
      for (const std::string &N : Names) {
        std::string Child = SrcRel.empty() ? N : SrcRel + "/" + N;
        std::string ChildCopy = CopyRel.empty() ? N : CopyRel + "/" + N;
        if (!visible(Child, ChildCopy))
          continue;
        if (auto E = copyEntry(Child, To + "/" + N, ChildCopy, false))
          return E;
      }
      if (!Created)
        return llvm::Error::success();
      return setMeta(*Dst, mode(St.st_mode & 07777, true), U, G, St.st_mtime, false);
    }
    if (S_ISLNK(St.st_mode)) {
      std::string Buf(size_t(St.st_size) + 1, '\0');
      ssize_t L = ::readlink(Host.c_str(), Buf.data(), Buf.size());
      if (L < 0)
        return makeError("cannot read link " + SrcRel + ": " + errnoText());
      Buf.resize(size_t(L));
      if (auto E = clear(*Dst, false))
        return E;
      if (::symlink(Buf.c_str(), Dst->c_str()) != 0)
        return makeError("cannot create link " + To + ": " + errnoText());
      return setMeta(*Dst, 0777, U, G, St.st_mtime, true);
    }
    if (S_ISREG(St.st_mode)) {
      if (auto E = writeFile(*Dst, &Host, nullptr))
        return E;
      return setMeta(*Dst, mode(St.st_mode & 07777, false), U, G, St.st_mtime, false);
    }
    if (S_ISFIFO(St.st_mode) || S_ISCHR(St.st_mode) || S_ISBLK(St.st_mode)) {
      if (auto E = clear(*Dst, false))
        return E;
      if (::mknod(Dst->c_str(), St.st_mode, St.st_rdev) != 0)
        return makeError("cannot create " + To + ": " + errnoText());
      return setMeta(*Dst, mode(St.st_mode & 07777, false), U, G, St.st_mtime, false);
    }
    return makeError("cannot copy " + SrcRel + ": sockets cannot be copied into an image");
  }

  /// ADD of a local file: extracts it into the folder To when it is a tar archive (plain,
  /// gzip, bzip2, xz or zstd); returns false when it is not one.
  llvm::Expected<bool> tryExtract(const std::string &Host, const std::string &To) const;

  /// Where a single file named Base goes for the destination Dest.
  llvm::Expected<std::string> fileTarget(llvm::StringRef Dest, llvm::StringRef Base) const {
    if (Dest.endswith("/") || Dest.endswith("/."))
      return (dockerfile::cleanPath(Dest) + "/" + Base).str();
    auto H = resolveInRoot(DestRoot, Dest, true);
    if (!H)
      return H.takeError();
    struct stat St;
    if (::stat(H->c_str(), &St) == 0 && S_ISDIR(St.st_mode))
      return (dockerfile::cleanPath(Dest) + "/" + Base).str();
    return dockerfile::cleanPath(Dest);
  }
};

/// RAII for a libarchive reader (libarchive loaded, oci/LibArchive.h).
struct ArchiveReader {
  struct archive *A = oci::archiveApi().ReadNew();
  ~ArchiveReader() { oci::archiveApi().ReadFree(A); }
};

llvm::Expected<bool> Copier::tryExtract(const std::string &Host, const std::string &To) const {
  const oci::ArchiveApi &Api = oci::archiveApi();
  if (!Api.loaded())
    return makeError("cannot check whether " + Host + " is a tar archive to extract: " + Api.Error);
  ArchiveReader R;
  Api.ReadSupportFilterGzip(R.A);
  Api.ReadSupportFilterBzip2(R.A);
  Api.ReadSupportFilterXz(R.A);
  Api.ReadSupportFilterZstd(R.A);
  Api.ReadSupportFormatTar(R.A);
  if (Api.ReadOpenFilename(R.A, Host.c_str(), 1 << 16) != ARCHIVE_OK)
    return false;
  struct archive_entry *E;
  int Rc = Api.ReadNextHeader(R.A, &E);
  if (Rc != ARCHIVE_OK && Rc != ARCHIVE_WARN)
    return false; // not a tar archive: ADD copies it as a file
  std::string Dir = dockerfile::cleanPath(To);
  if (auto Err = mkdirs(Dir))
    return Err;
  struct DirMeta {
    std::string Host;
    uint32_t Mode, Uid, Gid;
    int64_t MTime;
  };
  std::vector<DirMeta> Dirs;
  for (; Rc == ARCHIVE_OK || Rc == ARCHIVE_WARN; Rc = Api.ReadNextHeader(R.A, &E)) {
    auto Rel = oci::cleanEntryPath(Api.EntryPathname(E));
    if (!Rel)
      return makeError("cannot extract " + Host + ": " + llvm::toString(Rel.takeError()));
    if (Rel->empty())
      continue;
    std::string ImagePath = Dir == "/" ? "/" + *Rel : Dir + "/" + *Rel;
    auto Parent = llvm::StringRef(ImagePath).rsplit('/').first;
    if (auto Err = mkdirs(Parent.empty() ? "/" : Parent))
      return Err;
    auto Dst = dest(ImagePath);
    if (!Dst)
      return Dst.takeError();
    uint32_t Mode = Api.EntryPerm(E);
    uint32_t Uid = Opts.Chown ? Opts.Chown->Uid : uint32_t(Api.EntryUid(E));
    uint32_t Gid = Opts.Chown ? Opts.Chown->Gid : uint32_t(Api.EntryGid(E));
    int64_t MTime = Api.EntryMtime(E);
    if (const char *HL = Api.EntryHardlink(E)) {
      auto Target = oci::cleanEntryPath(HL);
      if (!Target)
        return makeError("cannot extract " + Host + ": " + llvm::toString(Target.takeError()));
      auto TH = dest(Dir == "/" ? "/" + *Target : Dir + "/" + *Target);
      if (!TH)
        return TH.takeError();
      if (auto Err = clear(*Dst, false))
        return Err;
      if (::link(TH->c_str(), Dst->c_str()) != 0)
        return makeError("cannot extract hard link " + *Rel + ": " + errnoText());
      continue;
    }
    switch (Api.EntryFiletype(E)) {
    case AE_IFDIR:
      if (auto Err = clear(*Dst, true))
        return Err;
      if (::mkdir(Dst->c_str(), 0755) != 0 && errno != EEXIST)
        return makeError("cannot create " + ImagePath + ": " + errnoText());
      Dirs.push_back({*Dst, Mode, Uid, Gid, MTime});
      continue;
    case AE_IFLNK:
      if (auto Err = clear(*Dst, false))
        return Err;
      if (::symlink(Api.EntrySymlink(E), Dst->c_str()) != 0)
        return makeError("cannot create link " + ImagePath + ": " + errnoText());
      if (auto Err = setMeta(*Dst, 0777, Uid, Gid, MTime, true))
        return Err;
      continue;
    case AE_IFREG: {
      if (auto Err = clear(*Dst, false))
        return Err;
      int Fd = ::open(Dst->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (Fd < 0)
        return makeError("cannot create " + ImagePath + ": " + errnoText());
      const void *Buf;
      size_t Size;
      la_int64_t Off;
      int DR;
      int64_t Pos = 0;
      while ((DR = Api.ReadDataBlock(R.A, &Buf, &Size, &Off)) == ARCHIVE_OK) {
        if (Off != Pos && ::lseek(Fd, Off, SEEK_SET) < 0) {
          ::close(Fd);
          return makeError("cannot write " + ImagePath + ": " + errnoText());
        }
        for (size_t W = 0; W < Size;) {
          ssize_t N = ::write(Fd, (const char *)Buf + W, Size - W);
          if (N < 0 && errno == EINTR)
            continue;
          if (N < 0) {
            ::close(Fd);
            return makeError("cannot write " + ImagePath + ": " + errnoText());
          }
          W += size_t(N);
        }
        Pos = Off + int64_t(Size);
      }
      if (DR != ARCHIVE_EOF) {
        ::close(Fd);
        return makeError("cannot extract " + Host + ": " + Api.ErrorString(R.A));
      }
      if (::ftruncate(Fd, Pos) != 0 || ::close(Fd) != 0)
        return makeError("cannot write " + ImagePath + ": " + errnoText());
      if (auto Err = setMeta(*Dst, Mode, Uid, Gid, MTime, false))
        return Err;
      continue;
    }
    case AE_IFIFO:
    case AE_IFCHR:
    case AE_IFBLK:
      if (auto Err = clear(*Dst, false))
        return Err;
      if (::mknod(Dst->c_str(), Api.EntryMode(E), Api.EntryRdev(E)) != 0)
        return makeError("cannot create " + ImagePath + ": " + errnoText());
      if (auto Err = setMeta(*Dst, Mode, Uid, Gid, MTime, false))
        return Err;
      continue;
    default: continue;
    }
  }
  if (Rc != ARCHIVE_EOF)
    return makeError("cannot extract " + Host + ": " + Api.ErrorString(R.A));
  for (auto It = Dirs.rbegin(); It != Dirs.rend(); ++It)
    if (auto Err = setMeta(It->Host, It->Mode, It->Uid, It->Gid, It->MTime, false))
      return Err;
  return true;
}

/// Expands one source pattern to the matching source-relative paths, component by component.
llvm::Error expandPattern(const Copier &C, llvm::StringRef Pattern, std::vector<std::string> &Out) {
  std::vector<std::string> Cur = {""};
  for (llvm::StringRef Comp : components(Pattern)) {
    std::vector<std::string> Next;
    bool Wild = Comp.find_first_of("*?[\\") != llvm::StringRef::npos;
    for (const std::string &Base : Cur) {
      if (Comp == "..") {
        Next.push_back(contextRelative(Base + "/.."));
        continue;
      }
      auto DirHost = resolveInRoot(C.Src.Root, Base, true);
      if (!DirHost)
        return DirHost.takeError();
      std::string BaseRel = DirHost->substr(C.Src.Root.size());
      BaseRel = contextRelative(BaseRel);
      if (!Wild) {
        Next.push_back(BaseRel.empty() ? Comp.str() : BaseRel + "/" + Comp.str());
        continue;
      }
      DIR *D = ::opendir(DirHost->c_str());
      if (!D)
        continue;
      std::vector<std::string> Names;
      while (struct dirent *Ent = ::readdir(D))
        if (llvm::StringRef(Ent->d_name) != "." && llvm::StringRef(Ent->d_name) != "..")
          Names.push_back(Ent->d_name);
      ::closedir(D);
      std::sort(Names.begin(), Names.end());
      for (const std::string &N : Names) {
        auto M = goMatch(Comp, N);
        if (!M)
          return M.takeError();
        std::string Rel = BaseRel.empty() ? N : BaseRel + "/" + N;
        if (*M && (!C.Src.Context || C.Src.Context->find(Rel)))
          Next.push_back(Rel);
      }
    }
    Cur = std::move(Next);
  }
  Out.insert(Out.end(), Cur.begin(), Cur.end());
  return llvm::Error::success();
}

} // namespace

llvm::Error copyFiles(const CopySource &Src, llvm::ArrayRef<std::string> Sources,
                      llvm::ArrayRef<InlineSource> Inline, llvm::StringRef Dest,
                      llvm::StringRef DestRoot, const CopyOptions &Opts) {
  Copier C{Src, DestRoot, Opts, std::nullopt};
  if (!Opts.Excludes.empty()) {
    auto X = dockerfile::DockerIgnore::fromPatterns(Opts.Excludes);
    if (!X)
      return X.takeError();
    C.Exclude = std::move(*X);
  }
  // Resolve every source first: the count decides whether Dest must be a folder.
  struct Item {
    std::string Rel;     ///< source-root relative, symlinks resolved
    std::string CopyRel; ///< for --parents: the path kept under Dest
    bool Url = false;
    std::string Name; ///< the base name as matched (a followed symlink keeps its name)
  };
  std::vector<Item> Items;
  for (const std::string &S : Sources) {
    llvm::StringRef SR(S);
    if (SR.startswith("http://") || SR.startswith("https://")) {
      Items.push_back({S, "", true, ""});
      continue;
    }
    std::string Pivot, Pattern = S;
    if (Opts.Parents) {
      size_t P = S.find("/./");
      if (P != std::string::npos) {
        Pivot = contextRelative(S.substr(0, P));
        Pattern = S.substr(P + 3);
      }
      Pattern = (Pivot.empty() ? "" : Pivot + "/") + contextRelative(Pattern);
    }
    bool Wild = llvm::StringRef(Pattern).find_first_of("*?[") != llvm::StringRef::npos;
    std::vector<std::string> Matches;
    if (auto E = expandPattern(C, Pattern, Matches))
      return E;
    size_t Before = Items.size();
    for (const std::string &M : Matches) {
      auto H = resolveInRoot(Src.Root, M, true);
      if (!H)
        return H.takeError();
      std::string Rel = contextRelative(H->substr(Src.Root.size()));
      struct stat St;
      bool Exists =
          ::lstat(H->c_str(), &St) == 0 && (!Src.Context || Rel.empty() || Src.Context->find(Rel));
      if (!Exists)
        continue;
      std::string CopyRel;
      if (Opts.Parents)
        CopyRel = Pivot.empty() ? M : llvm::StringRef(M).drop_front(Pivot.size() + 1).str();
      if (C.Exclude && !M.empty() && C.Exclude->matches(M))
        continue;
      llvm::StringRef Base = llvm::StringRef(M).rsplit('/').second;
      Items.push_back({Rel, CopyRel, false, (Base.empty() ? llvm::StringRef(M) : Base).str()});
    }
    if (Items.size() == Before && !Wild)
      return makeError("failed to compute cache key: \"/" + contextRelative(S) +
                       "\": not found; check the path (and .dockerignore) in the build context");
  }
  size_t Count = Items.size() + Inline.size();
  bool DirDest = Dest.endswith("/") || Dest.endswith("/.");
  if (Count > 1 && !DirDest && !Opts.Parents) {
    auto H = resolveInRoot(DestRoot, Dest, true);
    if (!H)
      return H.takeError();
    struct stat St;
    if (!(::stat(H->c_str(), &St) == 0 && S_ISDIR(St.st_mode)))
      return makeError("when using COPY with more than one source file, the destination must "
                       "be a directory and end with a /");
  }
  std::string DestClean = dockerfile::cleanPath(Dest);
  for (const Item &It : Items) {
    if (It.Url) {
      // ADD <url>: the file keeps the URL's base name, mode 0600 and Last-Modified.
      llvm::StringRef UrlPath = llvm::StringRef(It.Rel).split('?').first;
      UrlPath = UrlPath.split('#').first;
      llvm::StringRef Host = UrlPath.drop_front(UrlPath.find("://") + 3);
      llvm::StringRef PathPart = Host.contains('/') ? Host.drop_front(Host.find('/')) : "";
      std::string Base = llvm::StringRef(dockerfile::cleanPath(PathPart.empty() ? "/" : PathPart))
                             .rsplit('/')
                             .second.str();
      if (Base.empty())
        Base = "__unnamed__";
      auto To = C.fileTarget(Dest, Base);
      if (!To)
        return To.takeError();
      auto Parent = llvm::StringRef(*To).rsplit('/').first;
      if (auto E = C.mkdirs(Parent.empty() ? "/" : Parent))
        return E;
      auto Dst = C.dest(*To);
      if (!Dst)
        return Dst.takeError();
      if (auto E = C.clear(*Dst, false))
        return E;
      auto Got = downloadUrl(It.Rel, *Dst);
      if (!Got)
        return Got.takeError();
      if (!Opts.Checksum.empty() && Got->first != Opts.Checksum) {
        ::unlink(Dst->c_str());
        return makeError("digest mismatch for " + It.Rel + ": expected " + Opts.Checksum +
                         ", got " + Got->first + "; fix --checksum or the URL");
      }
      auto [U, G] = C.owner(0, 0);
      if (auto E = C.setMeta(*Dst, C.mode(0600, false), U, G, Got->second, false))
        return E;
      continue;
    }
    std::string Host = It.Rel.empty() ? Src.Root : Src.Root + "/" + It.Rel;
    struct stat St;
    if (::lstat(Host.c_str(), &St) != 0)
      return makeError("cannot read " + It.Rel + ": " + errnoText());
    std::string To;
    if (Opts.Parents) {
      To = (DestClean == "/" ? "" : DestClean) + "/" + It.CopyRel;
    } else if (S_ISDIR(St.st_mode)) {
      To = DestClean;
    } else {
      auto T = C.fileTarget(Dest, It.Name);
      if (!T)
        return T.takeError();
      To = *T;
      if (Opts.Unpack && S_ISREG(St.st_mode)) {
        // ADD of a local tar archive extracts it into the destination folder.
        auto Done = C.tryExtract(Host, DestClean);
        if (!Done)
          return Done.takeError();
        if (*Done)
          continue;
      }
    }
    auto Parent = llvm::StringRef(To).rsplit('/').first;
    if (auto E = C.mkdirs(Parent.empty() ? "/" : Parent))
      return E;
    if (To == "/" && S_ISDIR(St.st_mode)) {
      // Copying a folder's contents to the root: the root itself is not re-created.
      if (auto E = C.copyEntry(It.Rel, "", "", true))
        return E;
      continue;
    }
    if (auto E = C.copyEntry(It.Rel, To, Opts.Parents ? It.CopyRel : std::string(), true))
      return E;
  }
  for (const InlineSource &In : Inline) {
    auto To = C.fileTarget(Dest, In.Name);
    if (!To)
      return To.takeError();
    auto Parent = llvm::StringRef(*To).rsplit('/').first;
    if (auto E = C.mkdirs(Parent.empty() ? "/" : Parent))
      return E;
    auto Dst = C.dest(*To);
    if (!Dst)
      return Dst.takeError();
    if (auto E = C.writeFile(*Dst, nullptr, &In.Data))
      return E;
    auto [U, G] = C.owner(0, 0);
    if (auto E = C.setMeta(*Dst, C.mode(0644, false), U, G, 0, false))
      return E;
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Downloads
//===----------------------------------------------------------------------===//

namespace {
struct CurlHandle {
  const registry::CurlApi &Api;
  CURL *H = Api.EasyInit();
  explicit CurlHandle(const registry::CurlApi &A) : Api(A) {}
  CurlHandle(const CurlHandle &) = delete;
  CurlHandle &operator=(const CurlHandle &) = delete;
  ~CurlHandle() {
    if (H)
      Api.EasyCleanup(H);
  }
};
struct Sink {
  int Fd;
  Sha256 Hash;
  bool Failed = false;
};
size_t writeCb(char *Ptr, size_t Size, size_t N, void *User) {
  Sink *S = static_cast<Sink *>(User);
  size_t Len = Size * N;
  S->Hash.update(Ptr, Len);
  for (size_t Off = 0; Off < Len;) {
    ssize_t W = ::write(S->Fd, Ptr + Off, Len - Off);
    if (W < 0 && errno == EINTR)
      continue;
    if (W < 0) {
      S->Failed = true;
      return 0;
    }
    Off += size_t(W);
  }
  return Len;
}
} // namespace

llvm::Expected<std::pair<std::string, int64_t>> downloadUrl(llvm::StringRef Url,
                                                            llvm::StringRef Path) {
  const registry::CurlApi &Api = registry::curlApi();
  if (!Api.loaded())
    return makeError("cannot download " + Url + ": " + Api.Error);
  CurlHandle C(Api);
  if (!C.H)
    return makeError("cannot start a download: curl_easy_init failed");
  int Fd = ::open(Path.str().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (Fd < 0)
    return makeError("cannot create " + Path + ": " + errnoText());
  Sink S{Fd, {}, false};
  std::string U = Url.str();
  char ErrBuf[CURL_ERROR_SIZE] = {0};
  Api.EasySetopt(C.H, CURLOPT_URL, U.c_str());
  Api.EasySetopt(C.H, CURLOPT_FOLLOWLOCATION, 1L);
  Api.EasySetopt(C.H, CURLOPT_MAXREDIRS, 10L);
  Api.EasySetopt(C.H, CURLOPT_FAILONERROR, 1L);
  Api.EasySetopt(C.H, CURLOPT_FILETIME, 1L);
  Api.EasySetopt(C.H, CURLOPT_NOSIGNAL, 1L);
  Api.EasySetopt(C.H, CURLOPT_PROTOCOLS_STR, "http,https");
  Api.EasySetopt(C.H, CURLOPT_SSL_VERIFYPEER, 1L);
  Api.EasySetopt(C.H, CURLOPT_SSL_VERIFYHOST, 2L);
  Api.EasySetopt(C.H, CURLOPT_ERRORBUFFER, ErrBuf);
  Api.EasySetopt(C.H, CURLOPT_WRITEFUNCTION, writeCb);
  Api.EasySetopt(C.H, CURLOPT_WRITEDATA, &S);
  Api.EasySetopt(C.H, CURLOPT_USERAGENT, "ballast");
  CURLcode Rc = Api.EasyPerform(C.H);
  bool CloseFailed = ::close(Fd) != 0;
  if (Rc != CURLE_OK) {
    ::unlink(Path.str().c_str());
    std::string Why = ErrBuf[0] ? ErrBuf : Api.EasyStrerror(Rc);
    return makeError("cannot download " + Url + ": " + Why);
  }
  if (S.Failed || CloseFailed) {
    ::unlink(Path.str().c_str());
    return makeError("cannot write " + Path + ": " + errnoText());
  }
  long FileTime = -1;
  Api.EasyGetinfo(C.H, CURLINFO_FILETIME, &FileTime);
  return std::make_pair("sha256:" + S.Hash.finishHex(), int64_t(FileTime > 0 ? FileTime : 0));
}

} // namespace ballast::builder
