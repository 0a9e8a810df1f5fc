//===- Source.cpp - The image `ballast analyze` reads ---------------------===//
#include "analyzer/Source.h"

#include "oci/MediaTypes.h"
#include "store/Archive.h"
#include "support/Errors.h"

namespace ballast::analyzer {

llvm::Expected<std::unique_ptr<oci::Image>>
pullIntoStore(const oci::Reference &Ref, store::Store &S, const registry::ClientOptions &Opts) {
  auto C = registry::Client::create(Ref.registryHost(), Opts);
  if (!C)
    return C.takeError();
  auto M = (*C)->getManifest(Ref.path(), Ref.identifier());
  if (!M)
    return M.takeError();
  if (oci::media::isIndex(M->MediaType)) {
    auto Idx = oci::Index::parse(M->Raw);
    if (!Idx)
      return Idx.takeError();
    auto D = Idx->select(oci::Platform::host());
    if (!D)
      return makeError(Ref.str() + ": " + llvm::toString(D.takeError()));
    M = (*C)->getManifest(Ref.path(), D->Dig.str());
    if (!M)
      return M.takeError();
  }
  auto Man = oci::Manifest::parse(M->Raw);
  if (!Man)
    return Man.takeError();
  if (!S.hasBlob(Man->Config.Dig)) {
    auto Cfg = (*C)->fetchBlob(Ref.path(), Man->Config);
    if (!Cfg)
      return Cfg.takeError();
    auto R = stringReader(std::move(*Cfg));
    if (auto E = S.putBlob(Man->Config.Dig, Man->Config.Size, *R))
      return E;
  }
  for (const oci::Descriptor &L : Man->Layers) {
    if (S.hasBlob(L.Dig))
      continue;
    if (auto E = (*C)->downloadBlob(Ref.path(), L, S.ingestPath(L.Dig)))
      return E;
    if (auto E = S.adoptIngest(L.Dig, L.Size))
      return E;
  }
  auto R = stringReader(M->Raw);
  if (auto E = S.putBlob(M->Dig, static_cast<int64_t>(M->Raw.size()), *R))
    return E;
  std::string MediaType = M->MediaType.empty() ? oci::sniffMediaType(M->Raw) : M->MediaType;
  if (auto E = S.tag(Ref, M->Dig, MediaType, static_cast<int64_t>(M->Raw.size())))
    return E;
  return S.image(Ref.str());
}

llvm::Expected<std::unique_ptr<oci::Image>> openAnalysisImage(llvm::StringRef Spec, store::Store *S,
                                                              const registry::ClientOptions &Opts) {
  store::RemoteOpener Remote;
  if (S)
    Remote = [S, &Opts](llvm::StringRef RefText) -> llvm::Expected<std::unique_ptr<oci::Image>> {
      RefText.consume_front("docker://");
      auto Ref = oci::Reference::parse(RefText);
      if (!Ref)
        return Ref.takeError();
      return pullIntoStore(*Ref, *S, Opts);
    };
  return store::openImageSpec(Spec, S, Remote);
}

} // namespace ballast::analyzer
