//===- Context.cpp - The build context: files filtered by .dockerignore ---===//
#include "builder/Context.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/Errors.h"
#include "support/Hash.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace ballast::builder {

std::string contextRelative(llvm::StringRef Path) {
  std::string C = dockerfile::cleanPath(("/" + Path).str());
  return C == "/" ? std::string() : C.substr(1);
}

namespace {
/// The names in a folder, sorted bytewise like Go's filepath.Walk.
llvm::Expected<std::vector<std::string>> listDir(const std::string &Path) {
  DIR *D = opendir(Path.c_str());
  if (!D)
    return makeError("cannot read folder " + Path + ": " + std::strerror(errno));
  std::vector<std::string> Names;
  while (struct dirent *E = readdir(D)) {
    llvm::StringRef N(E->d_name);
    if (N != "." && N != "..")
      Names.push_back(N.str());
  }
  closedir(D);
  std::sort(Names.begin(), Names.end());
  return Names;
}
} // namespace

std::unique_ptr<BuildContext> BuildContext::empty() {
  return std::unique_ptr<BuildContext>(new BuildContext());
}

llvm::Expected<std::unique_ptr<BuildContext>> BuildContext::load(llvm::StringRef Dir,
                                                                 llvm::StringRef DockerfilePath) {
  auto FS = llvm::vfs::getRealFileSystem();
  auto Found = dockerfile::findIgnoreFile(*FS, Dir, DockerfilePath);
  if (!Found)
    return Found.takeError();
  dockerfile::DockerIgnore Ignore;
  if (*Found) {
    auto I = dockerfile::DockerIgnore::load(*FS, **Found);
    if (!I)
      return I.takeError();
    Ignore = std::move(*I);
  }
  auto C = load(Dir, std::move(Ignore));
  if (C)
    (*C)->IgnorePath = *Found;
  return C;
}

llvm::Expected<std::unique_ptr<BuildContext>> BuildContext::load(llvm::StringRef Dir,
                                                                 dockerfile::DockerIgnore Ignore) {
  struct stat St;
  if (::stat(Dir.str().c_str(), &St) != 0)
    return makeError("cannot open build context " + Dir + ": " + std::strerror(errno) +
                     "; pass an existing folder, or - to read the Dockerfile from stdin");
  if (!S_ISDIR(St.st_mode))
    return makeError("build context " + Dir +
                     " is not a folder; pass a folder, or - to read the Dockerfile from stdin");
  std::unique_ptr<BuildContext> C(new BuildContext());
  llvm::SmallString<256> Abs(Dir);
  llvm::sys::fs::make_absolute(Abs);
  C->Root = dockerfile::cleanPath(Abs.str());
  C->Ignore = std::move(Ignore);
  if (auto E = C->walk("", dockerfile::MatchInfo()))
    return E;
  for (size_t I = 0; I < C->Entries.size(); ++I) {
    const std::string &P = C->Entries[I].Path;
    C->Index[P] = I;
    size_t Slash = P.rfind('/');
    C->Children[Slash == std::string::npos ? "" : P.substr(0, Slash)].push_back(I);
  }
  return C;
}

llvm::Error BuildContext::walk(const std::string &Rel, const dockerfile::MatchInfo &Parent) {
  std::string Dir = Rel.empty() ? Root : Root + "/" + Rel;
  auto Names = listDir(Dir);
  if (!Names)
    return Names.takeError();
  for (const std::string &N : *Names) {
    std::string R = Rel.empty() ? N : Rel + "/" + N;
    std::string Host = Root + "/" + R;
    struct stat St;
    if (::lstat(Host.c_str(), &St) != 0)
      return makeError("cannot read " + Host + ": " + std::strerror(errno));
    ContextEntry E;
    E.Path = R;
    E.Mode = St.st_mode & 07777;
    E.Uid = St.st_uid;
    E.Gid = St.st_gid;
    E.MTime = St.st_mtime;
    if (S_ISDIR(St.st_mode))
      E.Type = ContextType::Dir;
    else if (S_ISREG(St.st_mode)) {
      E.Type = ContextType::File;
      E.Size = St.st_size;
    } else if (S_ISLNK(St.st_mode)) {
      E.Type = ContextType::Symlink;
      std::string Buf(size_t(St.st_size) + 1, '\0');
      ssize_t L = ::readlink(Host.c_str(), Buf.data(), Buf.size());
      if (L < 0)
        return makeError("cannot read link " + Host + ": " + std::strerror(errno));
      Buf.resize(size_t(L));
      E.LinkTarget = Buf;
    } else
      E.Type = ContextType::Other;
    bool IsDir = E.Type == ContextType::Dir;
    dockerfile::MatchInfo Out;
    dockerfile::WalkDecision D = dockerfile::WalkDecision::Include;
    if (!Ignore.empty())
      D = Ignore.decide(R, IsDir, Parent, Out);
    if (D == dockerfile::WalkDecision::ExcludeAndSkip)
      continue;
    if (D == dockerfile::WalkDecision::Exclude) {
      if (!IsDir)
        continue;
      size_t Mark = Entries.size();
      E.OnlyAsParent = true;
      Entries.push_back(E);
      if (auto Err = walk(R, Out))
        return Err;
      if (Entries.size() == Mark + 1)
        Entries.pop_back();
      continue;
    }
    Entries.push_back(E);
    if (IsDir)
      if (auto Err = walk(R, Out))
        return Err;
  }
  return llvm::Error::success();
}

const ContextEntry *BuildContext::find(llvm::StringRef RelPath) const {
  auto It = Index.find(RelPath);
  return It == Index.end() ? nullptr : &Entries[It->second];
}

std::string BuildContext::hostPath(llvm::StringRef RelPath) const {
  std::string R = contextRelative(RelPath);
  return R.empty() ? Root : Root + "/" + R;
}

std::vector<const ContextEntry *> BuildContext::children(llvm::StringRef RelPath) const {
  std::vector<const ContextEntry *> Out;
  auto It = Children.find(RelPath.str());
  if (It != Children.end())
    for (size_t I : It->second)
      Out.push_back(&Entries[I]);
  return Out;
}

llvm::Expected<std::string> BuildContext::entryDigest(const ContextEntry &E) const {
  {
    std::lock_guard<std::mutex> L(Mu);
    auto It = Digests.find(E.Path);
    if (It != Digests.end())
      return It->second;
  }
  Xxh128 H;
  auto Field = [&](llvm::StringRef S) {
    uint64_t N = S.size();
    H.update(&N, sizeof N);
    H.update(S.data(), S.size());
  };
  const char *Kind = E.Type == ContextType::Dir       ? "dir"
                     : E.Type == ContextType::File    ? "file"
                     : E.Type == ContextType::Symlink ? "symlink"
                                                      : "other";
  Field(Kind);
  Field(std::to_string(E.Mode) + " " + std::to_string(E.Uid) + ":" + std::to_string(E.Gid));
  if (E.Type == ContextType::Symlink)
    Field(E.LinkTarget);
  if (E.Type == ContextType::File) {
    std::string Host = Root + "/" + E.Path;
    int Fd = ::open(Host.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (Fd < 0)
      return makeError("cannot read " + Host + ": " + std::strerror(errno));
    Xxh128 Content;
    std::vector<char> Buf(1 << 20);
    uint64_t Total = 0;
    while (true) {
      ssize_t N = ::read(Fd, Buf.data(), Buf.size());
      if (N < 0) {
        if (errno == EINTR)
          continue;
        int Err = errno;
        ::close(Fd);
        return makeError("cannot read " + Host + ": " + std::strerror(Err));
      }
      if (N == 0)
        break;
      Content.update(Buf.data(), size_t(N));
      Total += uint64_t(N);
    }
    ::close(Fd);
    Field(std::to_string(Total));
    Field(Content.finishHex());
  }
  if (E.Type == ContextType::Dir)
    for (const ContextEntry *C : children(E.Path)) {
      auto D = entryDigest(*C);
      if (!D)
        return D.takeError();
      Field(llvm::StringRef(C->Path).rsplit('/').second.empty()
                ? llvm::StringRef(C->Path)
                : llvm::StringRef(C->Path).rsplit('/').second);
      Field(*D);
    }
  std::string Hex = H.finishHex();
  std::lock_guard<std::mutex> L(Mu);
  Digests[E.Path] = Hex;
  return Hex;
}

llvm::Expected<std::string> BuildContext::digest(llvm::StringRef RelPath) const {
  std::string R = contextRelative(RelPath);
  if (!R.empty()) {
    const ContextEntry *E = find(R);
    if (!E)
      return makeError("no file " + R + " in the build context");
    return entryDigest(*E);
  }
  Xxh128 H;
  for (const ContextEntry *C : children("")) {
    auto D = entryDigest(*C);
    if (!D)
      return D.takeError();
    H.update(C->Path.data(), C->Path.size());
    H.update("\0", 1);
    H.update(D->data(), D->size());
  }
  return H.finishHex();
}

} // namespace ballast::builder
