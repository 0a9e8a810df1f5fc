//===- Builder.h - `ballast build`: a Dockerfile to an image in the store -*- C++ -*-===//
//
// The build loop: parse, plan (Plan.h), then per needed stage and step: the cache key
// (Cache.h) -> a hit reuses the recorded layer without touching any file system, a miss
// materialises the step's root as an overlay of snapshots (Snapshot.h) and runs it there (COPY
// and ADD through Copy.h, RUN through Sandbox.h, WORKDIR as mkdir), and the upper folder becomes
// a layer (LayerWriter.h). The target's image (config, history, manifest) is committed to the
// store with its tags once every step succeeded, so a failed build leaves the store's images as
// they were.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "builder/Plan.h"
#include "builder/Sandbox.h"
#include "oci/MediaTypes.h"

namespace ballast::store {
class Store;
} // namespace ballast::store

namespace ballast::builder {

/// Everything `ballast build` was asked.
struct BuildOptions {
  std::string ContextDir;     ///< "-" (or "") for the empty context of a stdin Dockerfile
  std::string DockerfilePath; ///< as the user gave it: messages and `<Dockerfile>.dockerignore`
  std::string DockerfileText;
  PlanOptions Plan;
  std::vector<std::string> Tags; ///< references, normalised by the store
  bool NoCache = false;
  /// `--pull`: pull base images even when the store has them (missing ones are always pulled).
  bool Pull = false;
  oci::media::Compression Compression = oci::media::Compression::Gzip;
  /// SOURCE_DATE_EPOCH: history and config times, and layer times clamped; also taken from the
  /// SOURCE_DATE_EPOCH build arg like BuildKit.
  std::optional<int64_t> Epoch;
  NetworkMode Network = NetworkMode::Host;
  /// `--secret`: the content of each secret by id, for `RUN --mount=type=secret`. Mounted only
  /// for the RUN that asks for it; never in a layer, the history, the config or a cache key.
  std::map<std::string, std::string> Secrets;
  /// Receives the progress lines (`#3 [2/4] COPY app /app`, `#3 CACHED`).
  std::function<void(llvm::StringRef Line)> Log;
};

/// What a finished build produced.
struct BuildResult {
  oci::Digest Id;       ///< the config digest: the image ID
  oci::Digest Manifest; ///< the manifest digest
  unsigned Steps = 0;   ///< filesystem steps executed or taken from the cache
  unsigned Cached = 0;  ///< of which from the cache
};

/// Builds Opts.DockerfileText in Opts.ContextDir into S. SIGINT or SIGTERM during the build
/// stops it (a running step is killed), unmounts everything, removes its temporary folders and
/// commits nothing; the error then starts with "interrupted".
llvm::Expected<BuildResult> build(store::Store &S, const BuildOptions &Opts);

/// RFC 3339 (UTC, seconds) of a Unix time, as BuildKit writes SOURCE_DATE_EPOCH times.
std::string rfc3339(int64_t Unix);

} // namespace ballast::builder
