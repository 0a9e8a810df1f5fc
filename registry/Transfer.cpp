//===- Transfer.cpp - Pull into and push from the local store -------------===//
#include "registry/Transfer.h"

#include <atomic>
#include <thread>
#include <unistd.h>

#include "oci/Manifest.h"
#include "oci/MediaTypes.h"
#include "support/Errors.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace ballast::registry {

namespace {

/// Runs Work(I) for I in [0, N) on up to Parallel threads; returns the first error.
llvm::Error parallelFor(size_t N, unsigned Parallel,
                        const std::function<llvm::Error(size_t)> &Work) {
  std::atomic<size_t> Next{0};
  std::atomic<bool> Failed{false};
  std::mutex Mu;
  llvm::Error First = llvm::Error::success();
  auto Run = [&] {
    for (;;) {
      size_t I = Next++;
      if (I >= N || Failed)
        return;
      if (llvm::Error E = Work(I)) {
        std::lock_guard<std::mutex> L(Mu);
        Failed = true;
        if (!First)
          First = std::move(E);
        else
          llvm::consumeError(std::move(E));
      }
    }
  };
  unsigned T = std::max<unsigned>(1, std::min<size_t>(Parallel, N));
  std::vector<std::thread> Threads;
  for (unsigned I = 1; I < T; ++I)
    Threads.emplace_back(Run);
  Run();
  for (auto &Th : Threads)
    Th.join();
  return First;
}

/// The blobs of a manifest, config first, without duplicates.
std::vector<oci::Descriptor> blobsOf(const oci::Manifest &M) {
  std::vector<oci::Descriptor> B{M.Config};
  for (auto &L : M.Layers)
    if (llvm::none_of(B, [&](const oci::Descriptor &X) { return X.Dig == L.Dig; }))
      B.push_back(L);
  return B;
}

/// The tag string the store records for Ref ("" for a pull by digest alone).
std::string storeTag(const oci::Reference &Ref) {
  if (Ref.tag().empty())
    return "";
  return Ref.withTag(Ref.tag()).str();
}

/// Reads a stored blob (a manifest or index) into memory.
llvm::Expected<std::string> readStored(store::Store &S, const oci::Digest &D) {
  auto R = S.openBlob(D);
  if (!R)
    return R.takeError();
  return readAll(**R);
}

/// True when every blob of the manifest stored as D is present.
bool complete(store::Store &S, const oci::Digest &D) {
  if (!S.hasBlob(D))
    return false;
  auto Raw = readStored(S, D);
  if (!Raw) {
    llvm::consumeError(Raw.takeError());
    return false;
  }
  auto M = oci::Manifest::parse(*Raw);
  if (!M) {
    llvm::consumeError(M.takeError());
    return false;
  }
  for (auto &B : blobsOf(*M))
    if (!S.hasBlob(B.Dig))
      return false;
  return true;
}

} // namespace

llvm::Expected<PullResult> pullImage(store::Store &S, const oci::Reference &Ref,
                                     const TransferOptions &Opts) {
  auto C = Client::create(Ref.registryHost(), Opts.Client);
  if (!C)
    return C.takeError();
  oci::Platform Plat = Opts.Plat.value_or(oci::Platform::host());
  const std::string &Repo = Ref.path();
  PullResult Res{Ref, {}, {}, false, 0};
  std::string Tag = storeTag(Ref);
  auto SelectFromIndex = [&](llvm::StringRef Raw) -> llvm::Expected<oci::Descriptor> {
    auto Idx = oci::Index::parse(Raw);
    if (!Idx)
      return Idx.takeError();
    auto D = Idx->select(Plat);
    if (!D)
      return makeError(Ref.familiar() + ": " + llvm::toString(D.takeError()));
    return D;
  };
  auto TagIt = [&](const oci::Digest &Manifest, llvm::StringRef Raw,
                   llvm::StringRef MT) -> llvm::Error {
    // Blobs adopted by this pull (or by a concurrent one whose blobs this one trusts) are
    // made durable before a tag refers to them: one folder fsync per pull.
    S.syncBlobs();
    auto Sink = S.sink();
    return Sink->putManifest(Raw, MT, Tag);
  };

  // A present image costs one HEAD: the digest names everything below it.
  std::string Ident = Ref.identifier();
  oci::Digest Top;
  if (Ref.digest()) {
    Top = *Ref.digest();
  } else {
    auto H = C->get()->headManifest(Repo, Ident);
    if (!H)
      return H.takeError();
    if (*H)
      Top = (*H)->Dig;
  }
  if (!Top.empty() && S.hasBlob(Top)) {
    auto Raw = readStored(S, Top);
    if (!Raw)
      return Raw.takeError();
    std::string MT = oci::sniffMediaType(*Raw);
    oci::Digest MD = Top;
    std::string ManifestRaw = *Raw;
    if (oci::media::isIndex(MT)) {
      auto D = SelectFromIndex(*Raw);
      if (!D)
        return D.takeError();
      MD = D->Dig;
      if (S.hasBlob(MD)) {
        auto MR = readStored(S, MD);
        if (!MR)
          return MR.takeError();
        ManifestRaw = *MR;
        MT = oci::sniffMediaType(ManifestRaw);
      }
    }
    if (complete(S, MD)) {
      Res.Digest = Top;
      Res.ManifestDigest = MD;
      Res.UpToDate = true;
      auto Cur = Tag.empty() ? nullptr : [&]() -> std::unique_ptr<oci::Image> {
        auto I = S.image(Tag);
        if (!I) {
          llvm::consumeError(I.takeError());
          return nullptr;
        }
        return std::move(*I);
      }();
      if (!Tag.empty() && (!Cur || Cur->digest() != MD))
        if (auto E = TagIt(MD, ManifestRaw, MT))
          return E;
      return Res;
    }
  }

  auto M = C->get()->getManifest(Repo, Top.empty() ? Ident : Top.str());
  if (!M)
    return M.takeError();
  Res.Digest = M->Dig;
  ManifestResponse Image = *M;
  if (oci::media::isIndex(M->MediaType)) {
    auto D = SelectFromIndex(M->Raw);
    if (!D)
      return D.takeError();
    auto M2 = C->get()->getManifest(Repo, D->Dig.str());
    if (!M2)
      return M2.takeError();
    if (!oci::media::isManifest(M2->MediaType))
      return makeError(Ref.familiar() + ": the index entry for " + Plat.str() +
                       " is not an image manifest (" + M2->MediaType + ")");
    Image = std::move(*M2);
    // Keep the index itself, so a re-pull by tag is answered from the store.
    auto IR = stringReader(M->Raw);
    if (auto E = S.putBlob(M->Dig, int64_t(M->Raw.size()), *IR))
      return E;
  } else if (!oci::media::isManifest(M->MediaType)) {
    return makeError(Ref.familiar() + ": unsupported manifest type " + M->MediaType);
  }
  auto Parsed = oci::Manifest::parse(Image.Raw);
  if (!Parsed)
    return makeError(Ref.familiar() + ": " + llvm::toString(Parsed.takeError()));
  Res.ManifestDigest = Image.Dig;

  std::vector<oci::Descriptor> Missing;
  for (auto &B : blobsOf(*Parsed)) {
    if (S.hasBlob(B.Dig)) {
      if (Opts.Progress && B.Dig != Parsed->Config.Dig)
        Opts.Progress->line(B.Dig.shortHex() + ": Already exists");
      continue;
    }
    Missing.push_back(B);
  }
  std::string IngestDir = llvm::sys::path::parent_path(S.ingestPath(Parsed->Config.Dig)).str();
  if (auto EC = llvm::sys::fs::create_directories(IngestDir))
    return makeError(IngestDir + ": " + EC.message());
  if (auto E = parallelFor(Missing.size(), Opts.Parallel, [&](size_t I) -> llvm::Error {
        const oci::Descriptor &B = Missing[I];
        std::string Id = B.Dig.str();
        bool Show = Opts.Progress && B.Dig != Parsed->Config.Dig;
        // One process at a time per blob: a concurrent pull of the same image waits here and
        // then finds the blob stored.
        auto Lock = S.lockIngest(B.Dig);
        if (!Lock)
          return Lock.takeError();
        if (S.hasBlob(B.Dig)) {
          if (Opts.Progress && B.Dig != Parsed->Config.Dig)
            Opts.Progress->line(B.Dig.shortHex() + ": Already exists");
          return llvm::Error::success();
        }
        if (Show)
          Opts.Progress->start(Id, B.Dig.shortHex(), "Downloading", B.Size);
        llvm::Error DE = C->get()->downloadBlob(Repo, B, S.ingestPath(B.Dig), [&](int64_t Done) {
          if (Show)
            Opts.Progress->update(Id, Done);
        });
        if (DE) {
          if (Show)
            Opts.Progress->finish(Id, "Failed");
          return DE;
        }
        // downloadBlob hashed the bytes as it wrote them and verified the digest: adopt the
        // file without reading it again (the folder is fsynced once, before the tag).
        if (auto E2 = S.adoptVerifiedIngest(B.Dig, B.Size))
          return E2;
        // Waiters that opened this lock file find the blob stored once they hold it; new ones
        // create a fresh file and find the same.
        ::unlink((S.ingestPath(B.Dig) + ".lock").c_str());
        if (B.Dig != Parsed->Config.Dig) {
          // Measure the layer here, while other layers still download, rather than when the
          // tag is written (`images` shows the uncompressed size).
          auto N = S.layerSize(B);
          if (!N)
            return N.takeError();
          if (auto E2 = S.noteLayerSize(B.Dig, *N))
            return E2;
        }
        if (Show)
          Opts.Progress->finish(Id, "Pull complete");
        return llvm::Error::success();
      }))
    return E;
  Res.Downloaded = Missing.size();
  if (auto E = TagIt(Image.Dig, Image.Raw, Image.MediaType))
    return E;
  return Res;
}

llvm::Expected<std::vector<PullResult>> pullAllTags(store::Store &S, const oci::Reference &Ref,
                                                    const TransferOptions &Opts) {
  auto C = Client::create(Ref.registryHost(), Opts.Client);
  if (!C)
    return C.takeError();
  auto Tags = C->get()->listTags(Ref.path());
  if (!Tags)
    return Tags.takeError();
  if (Tags->empty())
    return makeError(Ref.familiarName() + " has no tags; check the repository name");
  llvm::sort(*Tags); // registries answer in storage order; pull in a stable one
  std::vector<PullResult> Out;
  for (auto &T : *Tags) {
    auto R = pullImage(S, Ref.withTag(T), Opts);
    if (!R)
      return R.takeError();
    Out.push_back(*R);
  }
  return Out;
}

llvm::Expected<std::unique_ptr<oci::Image>> resolveImage(store::Store &S, llvm::StringRef Name,
                                                         const TransferOptions &Opts,
                                                         PullPolicy Policy) {
  if (Policy != PullPolicy::Always) {
    auto I = S.image(Name);
    if (I || Policy == PullPolicy::Never)
      return I;
    llvm::consumeError(I.takeError());
  }
  auto Ref = oci::Reference::parse(Name);
  if (!Ref)
    return Ref.takeError();
  auto P = pullImage(S, *Ref, Opts);
  if (!P)
    return P.takeError();
  if (!storeTag(*Ref).empty())
    return S.image(storeTag(*Ref));
  return S.image(Ref->str());
}

llvm::Expected<PushResult> pushImage(store::Store &S, llvm::StringRef Local,
                                     const oci::Reference &Dest, const TransferOptions &Opts) {
  auto Img = S.image(Local);
  if (!Img)
    return Img.takeError();
  auto C = Client::create(Dest.registryHost(), Opts.Client);
  if (!C)
    return C.takeError();
  const std::string &Repo = Dest.path();

  // Mount sources: other repositories of the same registry that hold a blob, by the store's
  // names (what `docker push` learns from earlier pulls and pushes).
  std::map<oci::Digest, std::vector<std::string>> From;
  auto Records = S.list();
  if (Records) {
    for (auto &R : *Records) {
      if (!R.Ref || R.Ref->domain() != Dest.domain() || R.Ref->path() == Repo)
        continue;
      auto Raw = readStored(S, R.ManifestDigest);
      if (!Raw) {
        llvm::consumeError(Raw.takeError());
        continue;
      }
      auto M = oci::Manifest::parse(*Raw);
      if (!M) {
        llvm::consumeError(M.takeError());
        continue;
      }
      for (auto &B : blobsOf(*M)) {
        auto &V = From[B.Dig];
        if (llvm::find(V, R.Ref->path()) == V.end())
          V.push_back(R.Ref->path());
      }
    }
  } else {
    llvm::consumeError(Records.takeError());
  }

  PushResult Res;
  std::vector<oci::Descriptor> Blobs = blobsOf((*Img)->manifest());
  std::atomic<unsigned> Uploaded{0}, Mounted{0}, Skipped{0};
  const oci::Image &I = **Img;
  if (auto E = parallelFor(Blobs.size(), Opts.Parallel, [&](size_t N) -> llvm::Error {
        const oci::Descriptor &B = Blobs[N];
        std::string Id = B.Dig.str();
        bool Show = Opts.Progress && B.Dig != I.manifest().Config.Dig;
        auto FIt = From.find(B.Dig);
        std::vector<std::string> Mounts;
        if (FIt != From.end())
          Mounts = FIt->second;
        auto Has = C->get()->hasBlob(Repo, B.Dig);
        if (!Has)
          return Has.takeError();
        if (*Has) {
          ++Skipped;
          if (Show)
            Opts.Progress->line(B.Dig.shortHex() + ": Layer already exists");
          return llvm::Error::success();
        }
        if (Show)
          Opts.Progress->start(Id, B.Dig.shortHex(), "Pushing", B.Size);
        // The stored file as it is, not re-hashed on the way: the registry verifies the
        // digest of what it receives (a corrupt local blob fails with DIGEST_INVALID).
        auto Out = C->get()->uploadBlob(
            Repo, B, [&]() { return openFileReader(S.blobPath(B.Dig)); }, Mounts,
            [&](int64_t Done) {
              if (Show)
                Opts.Progress->update(Id, Done);
            });
        if (!Out) {
          if (Show)
            Opts.Progress->finish(Id, "Failed");
          return Out.takeError();
        }
        if (*Out == UploadOutcome::Mounted) {
          ++Mounted;
          if (Show)
            Opts.Progress->finish(Id, "Mounted from " + Mounts.front());
        } else {
          ++Uploaded;
          if (Show)
            Opts.Progress->finish(Id, "Pushed");
        }
        return llvm::Error::success();
      }))
    return E;
  std::string Ident = Dest.tag().empty() ? I.digest().str() : Dest.tag();
  auto D = C->get()->putManifest(Repo, Ident, I.rawManifest(), I.manifestMediaType());
  if (!D)
    return D.takeError();
  Res.Digest = *D;
  Res.Size = I.rawManifest().size();
  Res.Tag = Dest.tag();
  Res.Uploaded = Uploaded;
  Res.Mounted = Mounted;
  Res.Skipped = Skipped;
  return Res;
}

} // namespace ballast::registry
