//===- Builder.cpp - `ballast build`: a Dockerfile to an image in the store ---===//
#include "builder/Builder.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <sys/stat.h>
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

  llvm::Error buildStage(const BuildPlan &P, unsigned Idx);
  llvm::Expected<std::vector<std::string>> inputs(const BuildPlan &P, const Step &St);
  llvm::Error execute(const BuildPlan &P, unsigned Idx, const Step &St, StageResult &R,
                      const std::string &Key, const std::string &Prefix);
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
                           const std::string &Key, const std::string &Prefix) {
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
      std::vector<LayerRef> Layers;
      if (C.FromStage >= 0)
        Layers = Results[unsigned(C.FromStage)].Layers;
      else {
        auto I = image(C.From);
        if (!I)
          return I.takeError();
        auto L = imageLayers(**I);
        if (!L)
          return L.takeError();
        Layers = *L;
      }
      auto FM = mount(Layers);
      if (!FM)
        return FM.takeError();
      FromMount = std::move(*FM);
      Src.Root = FromMount->merged();
    }
    if (auto E = copyFiles(Src, C.Sources, C.Inline, C.DestPath, Root, O))
      return E;
  } else if (St.Kind == dockerfile::InstrKind::Workdir) {
    // mkdir -p with mode 0755 whatever the umask, like BuildKit's Mkdir(WithParents).
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
      if (::mkdir(H->c_str(), 0755) != 0 || ::chmod(H->c_str(), 0755) != 0)
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
      } else if (RM.Type == "bind" && RM.From.empty()) {
        MountSpec MS;
        MS.Source = Ctx->hostPath(RM.Source);
        MS.Target = RM.Target;
        MS.ReadOnly = true;
        Spec.Mounts.push_back(MS);
      } else if (RM.Type == "bind") {
        // A folder of another stage or image, read-only unless rw (writes are discarded).
        std::vector<LayerRef> Layers;
        if (RM.FromStage >= 0)
          Layers = Results[unsigned(RM.FromStage)].Layers;
        else {
          auto I = image(RM.From);
          if (!I)
            return I.takeError();
          auto L = imageLayers(**I);
          if (!L)
            return L.takeError();
          Layers = *L;
        }
        auto FM = mount(Layers);
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
    if (Out->ExitCode != 0) {
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
  auto Prefix = [&](const llvm::Twine &Text) {
    ++N;
    std::string Id = "#" + std::to_string(nextId());
    log(Id + " [" + Name + std::to_string(N) + "/" + std::to_string(Total) + "] " + Text);
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
      if (auto E = execute(P, Idx, St, R, Key, StepId)) {
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
  std::vector<std::string> Tags = Opts.Tags;
  if (Tags.empty())
    Tags.push_back("");
  for (const std::string &T : Tags) {
    if (auto E = Sink->putManifest(RawManifest, oci::media::OciManifest, T))
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
        return std::move(E);
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
  // Stages build wave by wave (dependencies first). The stages of one wave are independent
  // and the build state is thread-safe, but they still run one after the other: starting two
  // sandboxes from two threads at once deadlocked a sandbox child (it waited on a futex between
  // clone and execve), so parallel waves wait for that to be fixed in Sandbox.cpp.
  for (const std::vector<unsigned> &Wave : Plan->Waves)
    for (unsigned Idx : Wave)
      if (auto E = buildStage(*Plan, Idx))
        return E;
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
  Build B(S, Opts);
  return B.run();
}

} // namespace ballast::builder
