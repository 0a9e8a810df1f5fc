//===- Source.h - The image `ballast analyze` reads --------------*- C++ -*-===//
//
// A name or ID in the store, `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`,
// `docker-archive:FILE[:NAME]` (store/Archive.h), or a registry reference the store does not
// hold (`docker://REF` or a plain name), which is pulled into the store first: the manifest for
// this platform, the config and the missing layers (verified), then the tag.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

#include "oci/Image.h"
#include "registry/Client.h"
#include "store/Store.h"

namespace ballast::analyzer {

/// Pulls Ref into S and returns the stored image.
llvm::Expected<std::unique_ptr<oci::Image>>
pullIntoStore(const oci::Reference &Ref, store::Store &S, const registry::ClientOptions &Opts);

/// Opens Spec for analysis; S may be null for layouts and archives.
llvm::Expected<std::unique_ptr<oci::Image>>
openAnalysisImage(llvm::StringRef Spec, store::Store *S, const registry::ClientOptions &Opts = {});

} // namespace ballast::analyzer
