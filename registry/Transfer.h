//===- Transfer.h - Pull into and push from the local store ------*- C++ -*-===//
//
// What commands (pull, push) and other modules (analyzer, builder: resolveImage) call. Pull
// writes blobs through the store: present blobs are skipped, missing ones downloaded to
// Store::ingestPath with Range resume and adopted, then the manifest and tag are written in
// one index update. Push sends what is missing (HEAD, mount, upload) and then the manifest.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/Reference.h"
#include "registry/Client.h"
#include "store/Store.h"
#include "support/Progress.h"

namespace ballast::registry {

/// Options shared by pull and push.
struct TransferOptions {
  ClientOptions Client;
  /// The platform to pick from an index; unset means this machine's.
  std::optional<oci::Platform> Plat;
  unsigned Parallel = 3; ///< blobs in flight
  /// Where progress goes; null means nowhere.
  ProgressDisplay *Progress = nullptr;
};

/// The outcome of a pull.
struct PullResult {
  oci::Reference Ref;
  oci::Digest Digest;         ///< what the registry names it (the index digest for an index)
  oci::Digest ManifestDigest; ///< the image manifest stored
  bool UpToDate = false;      ///< nothing was downloaded
  unsigned Downloaded = 0;    ///< blobs fetched
};

/// Pulls Ref into S: resolves an index to Opts.Plat, downloads missing blobs (several at a
/// time, resuming interrupted downloads) and tags the image. A present image still costs one
/// manifest HEAD, as in Docker.
llvm::Expected<PullResult> pullImage(store::Store &S, const oci::Reference &Ref,
                                     const TransferOptions &Opts);

/// Pulls every tag of Ref's repository.
llvm::Expected<std::vector<PullResult>> pullAllTags(store::Store &S, const oci::Reference &Ref,
                                                    const TransferOptions &Opts);

/// When to pull in resolveImage.
enum class PullPolicy { Missing, Always, Never };

/// The image named Name from the store, pulled first when missing (or always, or never).
llvm::Expected<std::unique_ptr<oci::Image>> resolveImage(store::Store &S, llvm::StringRef Name,
                                                         const TransferOptions &Opts,
                                                         PullPolicy Policy = PullPolicy::Missing);

/// The outcome of a push.
struct PushResult {
  oci::Digest Digest;
  int64_t Size = 0;
  std::string Tag;
  unsigned Uploaded = 0, Mounted = 0, Skipped = 0;
};

/// Pushes the stored image Local to Dest (a tag or, without one, by digest). Blobs the
/// repository has are skipped, blobs another repository of the same registry holds (per the
/// store's other names) are mounted, the rest uploaded; then the manifest is PUT with its type.
llvm::Expected<PushResult> pushImage(store::Store &S, llvm::StringRef Local,
                                     const oci::Reference &Dest, const TransferOptions &Opts);

} // namespace ballast::registry
