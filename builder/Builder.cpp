//===- Builder.cpp - `ballast build`: a Dockerfile to an image in the store ---===//
#include "builder/Builder.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <memory>
#include <mutex>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>

#include "builder/Cache.h"
#include "builder/Context.h"
#include "builder/Copy.h"
#include "builder/LayerWriter.h"
#include "builder/Snapshot.h"
#include "oci/Reference.h"
#include "registry/Transfer.h"
#include "store/Import.h"
#include "store/Store.h"
#include "support/Errors.h"
#include "support/Hash.h"
#include "support/UniqueFd.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::builder {

std::string rfc3339(int64_t Unix) {
  std::time_t T = std::time_t(Unix);
  struct tm Tm;
  gmtime_r(&T, &Tm);
  char Buf[64];
  strftime(Buf, sizeof Buf, "%Y-%m-%dT%H:%M:%SZ", &Tm);
  return Buf;
}

namespace {

// --- interruption ------------------------------------------------------------------------

/// The SIGINT/SIGTERM received during the build, 0 when none.
std::atomic<int> BuildSignal{0};

void onBuildSignal(int Sig) { BuildSignal.store(Sig); }

/// Routes SIGINT and SIGTERM into BuildSignal while a build runs (the sandbox takes them over
/// during a RUN and reports them in SandboxResult::Interrupted); the caller's handlers are
/// back afterwards.
class InterruptGuard {
public:
  InterruptGuard() {
    BuildSignal.store(0);
    struct sigaction SA;
    std::memset(&SA, 0, sizeof SA);
    SA.sa_handler = onBuildSignal;
    sigemptyset(&SA.sa_mask);
    SA.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &SA, &OldInt);
    ::sigaction(SIGTERM, &SA, &OldTerm);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &OldInt, nullptr);
    ::sigaction(SIGTERM, &OldTerm, nullptr);
  }
  InterruptGuard(const InterruptGuard &) = delete;
  InterruptGuard &operator=(const InterruptGuard &) = delete;

private:
  struct sigaction OldInt, OldTerm;
};

/// The error of an interrupted build.
llvm::Error interruptedError(int Sig) {
  return makeError(std::string("interrupted by ") + (Sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                   "; the build stopped and nothing was committed");
}

// --- secrets -----------------------------------------------------------------------------

/// A secret's content in a file of its own private tmpfs (never on disk), bound into one RUN;
/// unmounted and removed on destruction.
class SecretFile {
public:
  static llvm::Expected<std::unique_ptr<SecretFile>> create(llvm::StringRef TempParent,
                                                            llvm::StringRef Content, unsigned Mode,
                                                            uint32_t Uid, uint32_t Gid) {
    std::unique_ptr<SecretFile> F(new SecretFile());
    std::string Tmpl = TempParent.str() + "/secret-XXXXXX";
    if (!::mkdtemp(Tmpl.data()))
      return errnoError("cannot create a temporary folder in " + TempParent);
    F->Dir = Tmpl;
    std::string Opts = "mode=0700,size=" + std::to_string(Content.size() + 65536);
    if (::mount("tmpfs", F->Dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, Opts.c_str()))
      return errnoError("cannot mount a tmpfs for a secret on " + F->Dir);
    F->Mounted = true;
    F->Path = F->Dir + "/secret";
    UniqueFd Fd(
        ::open(F->Path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!Fd)
      return errnoError("cannot write a secret to " + F->Path);
    const char *P = Content.data();
    size_t Left = Content.size();
    while (Left) {
      ssize_t W = ::write(Fd.F, P, Left);
      if (W < 0 && errno == EINTR)
        continue;
      if (W <= 0)
        return errnoError("cannot write a secret to " + F->Path);
      P += W;
      Left -= size_t(W);
    }
    if (::fchown(Fd.F, Uid, Gid) || ::fchmod(Fd.F, Mode))
      return errnoError("cannot set the owner and mode of a secret");
    return F;
  }
  ~SecretFile() {
    if (Mounted && ::umount2(Dir.c_str(), 0) && ::umount2(Dir.c_str(), MNT_DETACH))
      return; // still mounted: leave the folder rather than delete through the mount
    if (!Dir.empty())
      ::rmdir(Dir.c_str());
  }
  SecretFile(const SecretFile &) = delete;
  SecretFile &operator=(const SecretFile &) = delete;
  /// The file to bind.
  const std::string &path() const { return Path; }

private:
  SecretFile() = default;
  std::string Dir, Path;
  bool Mounted = false;
};

// --- context binds -----------------------------------------------------------------------

std::string overlayEscape(llvm::StringRef P) {
  std::string S;
  for (char C : P) {
    if (C == '\\' || C == ':' || C == ',')
      S += '\\';
    S += C;
  }
  return S;
}

/// A folder of the build context as BuildKit's context shows it: what .dockerignore excludes
/// is not there. An overlay of the host folder under a layer of whiteouts (0/0 devices) for
/// the excluded entries, with a throw-away upper for `rw` binds. Unmounted and removed on
/// destruction.
class ContextView {
public:
  /// The view of the context folder Rel ("" for the whole context).
  static llvm::Expected<std::unique_ptr<ContextView>>
  create(const BuildContext &Ctx, const std::string &Rel, llvm::StringRef TempParent) {
    std::unique_ptr<ContextView> V(new ContextView());
    std::string Tmpl = TempParent.str() + "/ctxbind-XXXXXX";
    if (!::mkdtemp(Tmpl.data()))
      return errnoError("cannot create a temporary folder in " + TempParent);
    V->Base = Tmpl;
    std::string Wh = V->Base + "/wh", Upper = V->Base + "/upper", Work = V->Base + "/work";
    V->Merged = V->Base + "/merged";
    for (const std::string &D : {Wh, Upper, Work, V->Merged})
      if (::mkdir(D.c_str(), 0755))
        return errnoError("cannot create " + D);
    if (auto E = V->whiteouts(Ctx, Rel, Wh))
      return E;
    std::string Host = Ctx.hostPath(Rel);
    std::string Data = "lowerdir=" + overlayEscape(Wh) + ":" + overlayEscape(Host) +
                       ",upperdir=" + overlayEscape(Upper) + ",workdir=" + overlayEscape(Work);
    if (::mount("overlay", V->Merged.c_str(), "overlay", 0, (Data + ",volatile").c_str()) &&
        ::mount("overlay", V->Merged.c_str(), "overlay", 0, Data.c_str()))
      return errnoError("cannot mount the build context folder /" + Rel + " on " + V->Merged);
    V->Mounted = true;
    return V;
  }
  ~ContextView() {
    if (Mounted && ::umount2(Merged.c_str(), 0) && ::umount2(Merged.c_str(), MNT_DETACH))
      return; // still mounted: removing the tree would delete the context's files
    if (!Base.empty())
      llvm::consumeError(removeTree(Base));
  }
  ContextView(const ContextView &) = delete;
  ContextView &operator=(const ContextView &) = delete;
  /// The filtered folder to bind.
  const std::string &path() const { return Merged; }

private:
  ContextView() = default;

  /// Copies the host folder's mode, owner and times to its twin in the whiteout layer (the
  /// merged folder takes them from the topmost layer that has it).
  static llvm::Error sameAttributes(const std::string &Host, const std::string &Twin) {
    struct stat St;
    if (::lstat(Host.c_str(), &St))
      return errnoError("cannot read " + Host);
    if (::lchown(Twin.c_str(), St.st_uid, St.st_gid) || ::chmod(Twin.c_str(), St.st_mode & 07777))
      return errnoError("cannot set the attributes of " + Twin);
    struct timespec TS[2] = {St.st_atim, St.st_mtim};
    if (::utimensat(AT_FDCWD, Twin.c_str(), TS, AT_SYMLINK_NOFOLLOW))
      return errnoError("cannot set the times of " + Twin);
    return llvm::Error::success();
  }

  /// Whiteouts in Layer for every entry of the host folder Rel the context leaves out,
  /// recursing into the folders it keeps.
  llvm::Error whiteouts(const BuildContext &Ctx, const std::string &Rel, const std::string &Layer) {
    std::string Host = Ctx.hostPath(Rel);
    std::vector<std::string> Names;
    {
      DIR *D = ::opendir(Host.c_str());
      if (!D)
        return errnoError("cannot read the context folder " + Host);
      while (struct dirent *E = ::readdir(D))
        if (std::strcmp(E->d_name, ".") != 0 && std::strcmp(E->d_name, "..") != 0)
          Names.push_back(E->d_name);
      ::closedir(D);
    }
    for (const std::string &N : Names) {
      std::string Child = Rel.empty() ? N : Rel + "/" + N;
      const ContextEntry *E = Ctx.find(Child);
      if (!E) {
        std::string W = Layer + "/" + N;
        if (::mknod(W.c_str(), S_IFCHR | 0000, makedev(0, 0)))
          return errnoError("cannot hide the excluded context path " + Child);
        continue;
      }
      if (E->Type != ContextType::Dir)
        continue;
      std::string Sub = Layer + "/" + N;
      if (::mkdir(Sub.c_str(), 0755))
        return errnoError("cannot create " + Sub);
      if (auto Err = whiteouts(Ctx, Child, Sub))
        return Err;
    }
    return sameAttributes(Host, Layer);
  }

  std::string Base, Merged;
  bool Mounted = false;
};

/// One layer of a stage's image.
struct LayerRef {
  oci::Digest DiffID;
  oci::Descriptor Blob;
  int64_t Uncompressed = 0;
};

/// A built (or being built) stage.
struct StageResult {
  std::vector<LayerRef> Layers;
  std::vector<oci::History> Hist;
  std::string Key; ///< cache key of the stage's current state
  oci::ImageConfig Config;
  bool Done = false;
};

class Build {
public:
  Build(store::Store &S, const BuildOptions &Opts) : S(S), Opts(Opts), Cache(S) {}
  llvm::Expected<BuildResult> run();

private:
  store::Store &S;
  const BuildOptions &Opts;
  BuildCache Cache;
  std::unique_ptr<BuildContext> Ctx;
  std::optional<SnapshotStore> Snaps;
  std::map<std::string, std::unique_ptr<oci::Image>> Images;
  std::vector<StageResult> Results;
  unsigned Counter = 0;
  std::mutex LogMu, ImageMu;
  std::atomic<unsigned> StepsDone{0}, StepsCached{0};
  /// Set when a stage failed: the stages building beside it stop before their next step.
  std::atomic<bool> Stop{false};
  BuildResult Res;
  std::string Created;

  void log(const llvm::Twine &L) {
    std::string Line = L.str();
    std::lock_guard<std::mutex> G(LogMu);
    if (Opts.Log)
      Opts.Log(Line);
  }
  /// The next progress number (`#N`).
  unsigned nextId() {
    std::lock_guard<std::mutex> G(LogMu);
    return ++Counter;
  }

  /// The image Name from the store (remembered); the error says how to get it.
  llvm::Expected<const oci::Image *> image(llvm::StringRef Name) {
    std::lock_guard<std::mutex> G(ImageMu);
    auto It = Images.find(Name.str());
    if (It != Images.end())
      return It->second.get();
    // Missing images are pulled through the registry client (always with --pull).
    registry::TransferOptions TO;
    TO.Plat = Opts.Plan.Platform;
    auto I = registry::resolveImage(
        S, Name, TO, Opts.Pull ? registry::PullPolicy::Always : registry::PullPolicy::Missing);
    if (!I)
      return makeError(llvm::toString(I.takeError()) + "; pull it with `ballast pull " + Name +
                       "` or import a rootfs with `ballast import`");
    const oci::Image *P = I->get();
    Images[Name.str()] = std::move(*I);
    return P;
  }

  /// The snapshot folders of Layers, extracting missing ones from their blobs.
  llvm::Expected<std::vector<std::string>> lowers(const std::vector<LayerRef> &Layers) {
    std::vector<std::string> Out;
    for (const LayerRef &L : Layers) {
      auto P = Snaps->ensure(L.DiffID, [&]() { return S.openBlob(L.Blob.Dig); });
      if (!P)
        return P.takeError();
      Out.push_back(*P);
    }
    return Out;
  }

  llvm::Expected<std::unique_ptr<OverlayMount>> mount(const std::vector<LayerRef> &Layers) {
    auto L = lowers(Layers);
    if (!L)
      return L.takeError();
    return OverlayMount::create(*L, Snaps->tempParent());
  }

  /// The layers of an external image.
  llvm::Expected<std::vector<LayerRef>> imageLayers(const oci::Image &I) {
    std::vector<LayerRef> Out;
    const auto &Diffs = I.config().DiffIDs;
    if (Diffs.size() != I.layers().size())
      return makeError("image config lists " + llvm::Twine(Diffs.size()) + " diff_ids for " +
                       llvm::Twine(I.layers().size()) + " layers; the image is corrupt");
    for (size_t K = 0; K < Diffs.size(); ++K)
      Out.push_back({Diffs[K], I.layers()[K], 0});
    return Out;
  }

  /// The layers a `--from` names: a stage built before (FromStage >= 0), else an image.
  llvm::Expected<std::vector<LayerRef>> fromLayers(int FromStage, llvm::StringRef From) {
    if (FromStage >= 0)
      return Results[unsigned(FromStage)].Layers;
    auto I = image(From);
    if (!I)
      return I.takeError();
    return imageLayers(**I);
  }

  llvm::Error buildStage(const BuildPlan &P, unsigned Idx);
  llvm::Expected<std::vector<std::string>> inputs(const BuildPlan &P, const Step &St);
  llvm::Error execute(const BuildPlan &P, unsigned Idx, const Step &St, StageResult &R,
                      const std::string &Key, const std::string &Prefix, const std::string &Title);
  llvm::Expected<BuildResult> commit(const BuildPlan &P);
};

llvm::Expected<std::vector<std::string>> Build::inputs(const BuildPlan &P, const Step &St) {
  std::vector<std::string> In;
  auto FromStage = [&](int Stage, llvm::StringRef Name) -> llvm::Expected<std::string> {
    if (Stage >= 0)
      return "stage " + Results[unsigned(Stage)].Key;
    auto I = image(Name);
    if (!I)
      return I.takeError();
    return "image " + (*I)->id().str();
  };
  if (St.Copy) {
    const CopySpec &C = *St.Copy;
    if (!C.From.empty()) {
      auto K = FromStage(C.FromStage, C.From);
      if (!K)
        return K.takeError();
      In.push_back(*K);
      return In;
    }
    for (const std::string &Src : C.Sources) {
      llvm::StringRef SR(Src);
      if (SR.startswith("http://") || SR.startswith("https://")) {
        In.push_back("url " + Src);
        continue;
      }
      // A pattern depends on the folder it is matched in.
      std::string Path = Src;
      size_t Wild = SR.find_first_of("*?[\\");
      if (Wild != llvm::StringRef::npos)
        Path = SR.take_front(Wild).rsplit('/').first.str();
      if (llvm::StringRef(Path).contains("/./"))
        Path = llvm::StringRef(Path).split("/./").first.str();
      std::string Rel = contextRelative(Path);
      if (!Rel.empty() && !Ctx->find(Rel)) {
        In.push_back("missing " + Rel);
        continue;
      }
      auto D = Ctx->digest(Rel);
      if (!D)
        return D.takeError();
      In.push_back(Rel + " " + *D);
    }
  }
  if (St.Run)
    for (const RunMount &M : St.Run->Mounts) {
      if (M.Type != "bind")
        continue;
      if (M.From.empty()) {
        auto D = Ctx->digest(M.Source);
        if (!D)
          return D.takeError();
        In.push_back("bind " + M.Source + " " + *D);
      } else {
        auto K = FromStage(M.FromStage, M.From);
        if (!K)
          return K.takeError();
        In.push_back(*K);
      }
    }
  return In;
}

llvm::Error Build::execute(const BuildPlan &P, unsigned Idx, const Step &St, StageResult &R,
                           const std::string &Key, const std::string &Prefix,
                           const std::string &Title) {
  bool Link = St.Copy && St.Copy->Link && St.Copy->Chmod.empty();
  auto M = mount(R.Layers);
  if (!M)
    return M.takeError();
  std::string LinkDir;
  struct RemoveDir {
    std::string Path;
    ~RemoveDir() {
      if (!Path.empty())
        llvm::consumeError(removeTree(Path));
    }
  } LinkCleanup;
  if (Link) {
    // COPY --link: the files are copied into an empty folder, independent of the image below.
    LinkDir = Snaps->tempParent() + "/link-XXXXXX";
    if (!::mkdtemp(LinkDir.data()))
      return makeError("cannot create a temporary folder in " + Snaps->tempParent());
    LinkCleanup.Path = LinkDir;
  }
  std::string Root = Link ? LinkDir : (*M)->merged();

  if (St.Copy) {
    const CopySpec &C = *St.Copy;
    CopyOptions O;
    if (!C.Chown.empty()) {
      auto Own = resolveChown((*M)->merged(), C.Chown);
      if (!Own)
        return Own.takeError();
      O.Chown = *Own;
    }
    if (!C.Chmod.empty()) {
      auto Mode = Chmod::parse(C.Chmod);
      if (!Mode)
        return Mode.takeError();
      O.Mode = *Mode;
    }
    O.Excludes = C.Excludes;
    O.Parents = C.Parents;
    O.Unpack = C.IsAdd && C.Unpack.value_or(true);
    O.Checksum = C.Checksum;
    std::unique_ptr<OverlayMount> FromMount;
    CopySource Src;
    if (C.From.empty()) {
      if (Ctx->root().empty() && !C.Sources.empty()) {
        bool AllUrls = llvm::all_of(C.Sources, [](const std::string &S) {
          return llvm::StringRef(S).startswith("http://") ||
                 llvm::StringRef(S).startswith("https://");
        });
        if (!AllUrls)
          return makeError("the build context is empty (the Dockerfile came from stdin); pass "
                           "a context folder to copy " +
                           C.Sources.front());
      }
      Src.Root = Ctx->root();
      Src.Context = Ctx.get();
      O.FromContext = true;
    } else {
      auto Layers = fromLayers(C.FromStage, C.From);
      if (!Layers)
        return Layers.takeError();
      auto FM = mount(*Layers);
      if (!FM)
        return FM.takeError();
      FromMount = std::move(*FM);
      Src.Root = FromMount->merged();
    }
    if (auto E = copyFiles(Src, C.Sources, C.Inline, C.DestPath, Root, O))
      return E;
  } else if (St.Kind == dockerfile::InstrKind::Workdir) {
    // mkdir -p with mode 0755 whatever the umask, like BuildKit's Mkdir(WithParents), every
    // folder it creates owned by the current USER (resolved in the image, like WithUser).
    ResolvedUser Owner;
    if (!St.User.empty()) {
      auto U = resolveUser(Root, St.User);
      if (!U)
        return U.takeError();
      Owner = *U;
    }
    std::string Cur;
    for (llvm::StringRef C : llvm::split(llvm::StringRef(St.WorkDir), '/')) {
      if (C.empty())
        continue;
      Cur += "/" + C.str();
      auto H = resolveInRoot(Root, Cur, true);
      if (!H)
        return H.takeError();
      struct stat SB;
      if (::stat(H->c_str(), &SB) == 0) {
        if (!S_ISDIR(SB.st_mode))
          return makeError("cannot create the working folder " + St.WorkDir + ": " + Cur +
                           " is not a folder in the image");
        continue;
      }
      if (::mkdir(H->c_str(), 0755) != 0 || ::chmod(H->c_str(), 0755) != 0 ||
          ((Owner.Uid || Owner.Gid) && ::lchown(H->c_str(), Owner.Uid, Owner.Gid) != 0))
        return makeError("cannot create the working folder " + St.WorkDir + ": " +
                         std::strerror(errno));
    }
  } else if (St.Run) {
    SandboxSpec Spec;
    Spec.Rootfs = Root;
    Spec.Argv = St.Run->Args;
    Spec.Env = St.Env;
    Spec.Env.insert(Spec.Env.end(), St.Run->ProxyEnv.begin(), St.Run->ProxyEnv.end());
    Spec.Cwd = St.WorkDir;
    Spec.User = St.User;
    Spec.Network = St.Run->Network == "none"   ? NetworkMode::None
                   : St.Run->Network == "host" ? NetworkMode::Host
                                               : Opts.Network;
    std::vector<std::unique_ptr<OverlayMount>> BindMounts;
    std::vector<std::unique_ptr<SecretFile>> SecretFiles;
    std::vector<std::unique_ptr<ContextView>> ContextViews;
    RemoveDir ScriptCleanup;
    if (!St.Run->Scripts.empty()) {
      // Heredocs with a shebang: files of a scratch folder mounted read-only (BuildKit's
      // /dev/pipes), so they never reach the layer.
      std::string Dir = Snaps->tempParent() + "/pipes-XXXXXX";
      if (!::mkdtemp(Dir.data()) || ::chmod(Dir.c_str(), 0755) != 0)
        return makeError("cannot create a temporary folder in " + Snaps->tempParent());
      ScriptCleanup.Path = Dir;
      for (const InlineSource &Sc : St.Run->Scripts) {
        std::string F = Dir + "/" + Sc.Name;
        std::error_code EC;
        {
          llvm::raw_fd_ostream OS(F, EC);
          if (!EC)
            OS << Sc.Data;
        }
        if (EC || ::chmod(F.c_str(), 0755) != 0)
          return makeError("cannot write the heredoc script " + F + ": " +
                           (EC ? EC.message() : std::strerror(errno)));
      }
      MountSpec MS;
      MS.Source = Dir;
      MS.Target = HeredocScriptDir;
      MS.ReadOnly = true;
      Spec.Mounts.push_back(MS);
    }
    for (const RunMount &RM : St.Run->Mounts) {
      if (RM.Type == "tmpfs") {
        MountSpec MS;
        MS.Type = MountSpec::Kind::Tmpfs;
        MS.Target = RM.Target;
        MS.TmpfsSize = RM.Size;
        Spec.Mounts.push_back(MS);
      } else if (RM.Type == "cache") {
        std::string Dir = S.root() + "/.ballast/cache-mounts/" + Sha256::hex(RM.Id);
        if (std::error_code EC = llvm::sys::fs::create_directories(Dir))
          return makeError("cannot create the cache mount " + Dir + ": " + EC.message());
        MountSpec MS;
        MS.Source = Dir;
        MS.Target = RM.Target;
        MS.ReadOnly = RM.ReadOnly;
        Spec.Mounts.push_back(MS);
      } else if (RM.Type == "secret") {
        auto It = Opts.Secrets.find(RM.Id);
        if (It == Opts.Secrets.end()) {
          if (RM.Required)
            return makeError("secret " + RM.Id + ": not found; pass it with `--secret id=" + RM.Id +
                             ",src=PATH` (or env=VARIABLE)");
          continue; // an optional secret that was not given is not mounted, like BuildKit
        }
        if (!RM.Env.empty())
          Spec.Env.push_back(RM.Env + "=" + It->second);
        if (RM.Target.empty())
          continue;
        unsigned Mode = 0400;
        if (!RM.Mode.empty() && (llvm::StringRef(RM.Mode).getAsInteger(8, Mode) || Mode > 07777))
          return makeError("invalid mode " + RM.Mode + " for secret " + RM.Id +
                           "; use octal permissions like 0440");
        auto F = SecretFile::create(Snaps->tempParent(), It->second, Mode, RM.Uid.value_or(0),
                                    RM.Gid.value_or(0));
        if (!F)
          return F.takeError();
        MountSpec MS;
        MS.Source = (*F)->path();
        MS.Target = RM.Target;
        MS.ReadOnly = true;
        Spec.Mounts.push_back(MS);
        SecretFiles.push_back(std::move(*F));
      } else if (RM.Type == "bind" && RM.From.empty()) {
        // The context as BuildKit sends it: what .dockerignore excludes is not there.
        if (Ctx->root().empty())
          return makeError("the build context is empty (the Dockerfile came from stdin); pass "
                           "a context folder to bind " +
                           (RM.Source.empty() ? std::string(".") : RM.Source));
        std::string Rel = contextRelative(RM.Source);
        const ContextEntry *CE = Rel.empty() ? nullptr : Ctx->find(Rel);
        if (!Rel.empty() && !CE)
          return makeError("failed to compute cache key: \"/" + Rel +
                           "\": not found in the build context (or excluded by .dockerignore)");
        MountSpec MS;
        if (CE && CE->Type != ContextType::Dir) {
          MS.Source = Ctx->hostPath(Rel);
        } else {
          auto V = ContextView::create(*Ctx, Rel, Snaps->tempParent());
          if (!V)
            return V.takeError();
          MS.Source = (*V)->path();
          ContextViews.push_back(std::move(*V));
        }
        MS.Target = RM.Target;
        MS.ReadOnly = RM.ReadOnly;
        Spec.Mounts.push_back(MS);
      } else if (RM.Type == "bind") {
        // A folder of another stage or image, read-only unless rw (writes are discarded).
        auto Layers = fromLayers(RM.FromStage, RM.From);
        if (!Layers)
          return Layers.takeError();
        auto FM = mount(*Layers);
        if (!FM)
          return FM.takeError();
        auto Src = resolveInRoot((*FM)->merged(), RM.Source.empty() ? "/" : RM.Source, true);
        if (!Src)
          return Src.takeError();
        MountSpec MS;
        MS.Source = *Src;
        MS.Target = RM.Target;
        MS.ReadOnly = RM.ReadOnly;
        Spec.Mounts.push_back(MS);
        BindMounts.push_back(std::move(*FM));
      } else {
        return makeError("RUN --mount=type=" + RM.Type +
                         (RM.From.empty() ? "" : ",from=" + RM.From) +
                         " is not implemented yet; use COPY --from or a cache/tmpfs mount");
      }
    }
    Spec.OnLine = [&](OutputStream, llvm::StringRef Line) { log(Prefix + " " + Line); };
    auto Out = runSandboxed(Spec);
    if (!Out)
      return Out.takeError();
    if (Out->Interrupted) {
      BuildSignal.store(Out->Interrupted);
      Stop = true;
      return interruptedError(Out->Interrupted);
    }
    if (Out->ExitCode != 0) {
      // BuildKit's summary of a failed step: its title and the last lines of its output in one
      // block, readable even when parallel stages interleaved their lines.
      {
        std::lock_guard<std::mutex> G(LogMu);
        if (Opts.Log) {
          Opts.Log("------");
          Opts.Log(" > " + Title + ":");
          for (const std::string &L : Out->Tail)
            Opts.Log(L);
          Opts.Log("------");
        }
      }
      std::vector<std::string> Quoted;
      for (const std::string &A : St.Run->Args)
        Quoted.push_back(A);
      std::string Msg =
          "process " + dockerfile::goQuote(llvm::join(Quoted, " ")) +
          " did not complete successfully: exit code: " + std::to_string(Out->ExitCode);
      if (!Out->ExecError.empty())
        Msg += " (" + Out->ExecError + ")";
      return makeError(Msg);
    }
  }

  if (auto E = (*M)->unmount())
    return E;
  LayerOptions LO;
  LO.Mode = Link ? DiffMode::Plain : DiffMode::OverlayUpper;
  LO.Compression = Opts.Compression;
  LO.Epoch = Opts.Epoch;
  LO.TempDir = Snaps->tempParent();
  std::string Upper = Link ? LinkDir : (*M)->upper();
  auto L = writeLayer(Upper, S, LO);
  if (!L)
    return L.takeError();
  CacheRecord CR;
  CR.Empty = L->empty();
  CR.Created = Created;
  if (!CR.Empty) {
    CR.DiffID = L->DiffID;
    CR.Blob = L->Blob;
    CR.UncompressedSize = L->UncompressedSize;
    if (auto E = S.noteLayerSize(L->Blob.Dig, L->UncompressedSize))
      return E;
    if (auto E = Snaps->adopt(Upper, L->DiffID))
      return E;
    LinkCleanup.Path.clear();
    R.Layers.push_back({CR.DiffID, CR.Blob, CR.UncompressedSize});
  }
  oci::History H = *St.Hist;
  H.Created = Created;
  H.EmptyLayer = CR.Empty;
  R.Hist.push_back(H);
  return Cache.record(Key, CR);
}

llvm::Error Build::buildStage(const BuildPlan &P, unsigned Idx) {
  StageResult &R = Results[Idx];
  if (R.Done)
    return llvm::Error::success();
  const StagePlan &SP = P.Stages[Idx];
  for (unsigned D : SP.Deps)
    if (auto E = buildStage(P, D))
      return E;
  std::string Name = SP.DisplayName.empty() ? "" : SP.DisplayName + " ";
  unsigned Total = 1;
  for (const Step &St : SP.Steps)
    Total += St.ChangesFiles ? 1 : 0;
  unsigned N = 0;
  std::string Title; ///< the last step's `[stage N/T] INSTRUCTION`
  auto Prefix = [&](const llvm::Twine &Text) {
    ++N;
    std::string Id = "#" + std::to_string(nextId());
    Title = "[" + Name + std::to_string(N) + "/" + std::to_string(Total) + "] " + Text.str();
    log(Id + " " + Title);
    return Id;
  };
  // FROM.
  std::string Id = Prefix("FROM " + SP.BaseName);
  if (SP.BaseStage >= 0) {
    const StageResult &B = Results[unsigned(SP.BaseStage)];
    R.Layers = B.Layers;
    R.Hist = B.Hist;
    R.Key = B.Key;
  } else if (SP.Scratch) {
    R.Key = BuildCache::key("", "scratch " + SP.Platform.str());
  } else {
    auto I = image(SP.BaseName);
    if (!I)
      return I.takeError();
    auto L = imageLayers(**I);
    if (!L)
      return L.takeError();
    R.Layers = *L;
    R.Hist = (*I)->config().Hist;
    R.Key = BuildCache::key("", "image " + (*I)->id().str());
  }
  log(Id + " DONE");
  for (const Step &St : SP.Steps) {
    if (!St.ChangesFiles) {
      if (St.Hist) {
        oci::History H = *St.Hist;
        H.Created = Created;
        R.Hist.push_back(H);
      }
      continue;
    }
    if (int Sig = BuildSignal.load())
      return interruptedError(Sig);
    if (Stop)
      return makeError("build stopped: another stage failed");
    std::string StepId = Prefix((St.FromOnBuild ? "ONBUILD " : "") + St.Display);
    auto Ins = inputs(P, St);
    if (!Ins)
      return Ins.takeError();
    std::string Key = BuildCache::key(R.Key, St.CacheText, *Ins);
    ++StepsDone;
    std::optional<CacheRecord> Hit;
    if (!Opts.NoCache)
      Hit = Cache.lookup(Key);
    auto Start = std::chrono::steady_clock::now();
    if (Hit) {
      ++StepsCached;
      if (!Hit->Empty)
        R.Layers.push_back({Hit->DiffID, Hit->Blob, Hit->UncompressedSize});
      oci::History H = *St.Hist;
      H.Created = Opts.Epoch || Hit->Created.empty() ? Created : Hit->Created;
      H.EmptyLayer = Hit->Empty;
      R.Hist.push_back(H);
      log(StepId + " CACHED");
    } else {
      if (auto E = execute(P, Idx, St, R, Key, StepId, Title)) {
        if (int Sig = BuildSignal.load()) {
          llvm::consumeError(std::move(E));
          return interruptedError(Sig);
        }
        const dockerfile::Instruction *I = St.Instr;
        std::string Where;
        if (I && !St.FromOnBuild)
          Where = Opts.DockerfilePath + ":" + std::to_string(I->StartLine) + ": ";
        return makeError(Where + St.Display + ": " + llvm::toString(std::move(E)));
      }
      double Secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
      std::string T;
      llvm::raw_string_ostream OS(T);
      OS << llvm::format("%.1fs", Secs);
      log(StepId + " DONE " + OS.str());
    }
    R.Key = Key;
  }
  R.Config = SP.Config;
  R.Config.Hist = R.Hist;
  R.Config.DiffIDs.clear();
  for (const LayerRef &L : R.Layers)
    R.Config.DiffIDs.push_back(L.DiffID);
  R.Done = true;
  return llvm::Error::success();
}

llvm::Expected<BuildResult> Build::commit(const BuildPlan &P) {
  if (int Sig = BuildSignal.load())
    return interruptedError(Sig);
  StageResult &R = Results[P.Target];
  oci::ImageConfig C = R.Config;
  C.Created = Created;
  Res.Steps = StepsDone;
  Res.Cached = StepsCached;
  if (!Opts.Epoch && Res.Steps > 0 && Res.Steps == Res.Cached) {
    // Nothing ran: the image is the one the cache describes, dated by its newest step, so a
    // rebuild with nothing changed gives the same image ID.
    std::string Newest;
    for (const oci::History &H : C.Hist)
      if (H.Created != Created && H.Created > Newest)
        Newest = H.Created;
    if (!Newest.empty()) {
      for (oci::History &H : C.Hist)
        if (H.Created == Created)
          H.Created = Newest;
      C.Created = Newest;
    }
  }
  std::string RawConfig = C.toJson();
  oci::Digest ConfigDig = oci::Digest::sha256Of(RawConfig);
  auto CR = stringReader(RawConfig);
  if (auto E = S.putBlob(ConfigDig, int64_t(RawConfig.size()), *CR))
    return E;
  oci::Manifest M;
  M.MediaType = oci::media::OciManifest;
  M.Config.MediaType = oci::media::OciConfig;
  M.Config.Dig = ConfigDig;
  M.Config.Size = int64_t(RawConfig.size());
  for (const LayerRef &L : R.Layers)
    M.Layers.push_back(L.Blob);
  std::string RawManifest = M.toJson();
  auto Sink = S.sink();
  int Id = int(nextId());
  log("#" + std::to_string(Id) + " exporting to image");
  if (Opts.Tags.empty()) {
    if (auto E = Sink->putManifest(RawManifest, oci::media::OciManifest, ""))
      return E;
  } else {
    // Every tag in one index update (the sink, alive until then, holds gc off the new blobs).
    std::vector<oci::Reference> Refs;
    for (const std::string &T : Opts.Tags) {
      auto Ref = oci::Reference::parse(T);
      if (!Ref)
        return Ref.takeError();
      Refs.push_back(std::move(*Ref));
    }
    oci::Digest ManifestDig = oci::Digest::sha256Of(RawManifest);
    auto MR = stringReader(RawManifest);
    if (auto E = S.putBlob(ManifestDig, int64_t(RawManifest.size()), *MR))
      return E;
    if (auto E = S.tag(Refs, ManifestDig, oci::media::OciManifest, int64_t(RawManifest.size())))
      return E;
  }
  log("#" + std::to_string(Id) + " writing image " + ConfigDig.str() + " done");
  for (const std::string &T : Opts.Tags)
    log("#" + std::to_string(Id) + " naming to " + T + " done");
  Res.Id = ConfigDig;
  Res.Manifest = oci::Digest::sha256Of(RawManifest);
  // Remember which Dockerfile made the image, so `analyze` maps findings to its lines.
  if (!Opts.DockerfilePath.empty() && Opts.DockerfilePath != "-") {
    llvm::SmallString<256> Abs(Opts.DockerfilePath);
    if (!llvm::sys::fs::make_absolute(Abs))
      if (auto E = S.recordBuild(ConfigDig, Abs, Sha256::hex(Opts.DockerfileText)))
        return E;
  }
  return Res;
}

llvm::Expected<BuildResult> Build::run() {
  dockerfile::Dockerfile DF = dockerfile::parse(Opts.DockerfilePath, Opts.DockerfileText);
  if (!DF.ok())
    return makeError(DF.Errors.front().format(DF.Source.get()));
  if (Opts.ContextDir.empty() || Opts.ContextDir == "-")
    Ctx = BuildContext::empty();
  else {
    auto C = BuildContext::load(Opts.ContextDir, Opts.DockerfilePath);
    if (!C)
      return C.takeError();
    Ctx = std::move(*C);
  }
  auto SS = SnapshotStore::open(S.root());
  if (!SS)
    return SS.takeError();
  Snaps = std::move(*SS);
  BaseResolver Resolve = [&](llvm::StringRef Name,
                             const oci::Platform &) -> llvm::Expected<oci::ImageConfig> {
    auto I = image(Name);
    if (!I)
      return I.takeError();
    return (*I)->config();
  };
  auto Plan = makePlan(DF, Opts.Plan, Resolve);
  if (!Plan)
    return Plan.takeError();
  for (const std::string &A : Plan->UnusedBuildArgs)
    log("[warning] build argument " + A + " is not consumed by any ARG");
  Results.resize(Plan->Stages.size());
  Created = Opts.Epoch ? rfc3339(*Opts.Epoch) : store::rfc3339Now();
  // Stages build wave by wave (dependencies first); the stages of one wave are independent and
  // build in parallel, one thread each. The first failure (in stage order) is reported; the
  // other stages of its wave stop before their next step.
  for (const std::vector<unsigned> &Wave : Plan->Waves) {
    if (Wave.size() == 1) {
      if (auto E = buildStage(*Plan, Wave.front()))
        return E;
      continue;
    }
    std::vector<std::optional<llvm::Error>> Errs(Wave.size());
    {
      std::vector<std::thread> Threads;
      Threads.reserve(Wave.size());
      for (size_t K = 0; K < Wave.size(); ++K)
        Threads.emplace_back([this, &Plan, &Errs, &Wave, K]() {
          llvm::Error E = buildStage(*Plan, Wave[K]);
          if (E)
            Stop = true;
          Errs[K].emplace(std::move(E));
        });
      for (std::thread &T : Threads)
        T.join();
    }
    llvm::Error First = llvm::Error::success();
    for (std::optional<llvm::Error> &E : Errs) {
      if (!*E)
        continue;
      if (First)
        llvm::consumeError(std::move(*E));
      else
        First = std::move(*E);
    }
    if (First)
      return First;
  }
  return commit(*Plan);
}

} // namespace

llvm::Expected<BuildResult> build(store::Store &S, const BuildOptions &O) {
  BuildOptions Opts = O;
  if (!Opts.Epoch) {
    auto It = Opts.Plan.BuildArgs.find("SOURCE_DATE_EPOCH");
    if (It != Opts.Plan.BuildArgs.end() && !It->second.empty()) {
      int64_t V;
      if (llvm::StringRef(It->second).getAsInteger(10, V))
        return makeError("invalid SOURCE_DATE_EPOCH " + dockerfile::goQuote(It->second) +
                         "; use a Unix time in seconds");
      Opts.Epoch = V;
    }
  }
  InterruptGuard Guard;
  Build B(S, Opts);
  return B.run();
}

} // namespace ballast::builder
