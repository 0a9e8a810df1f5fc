//===- Import.h - `docker import`: a rootfs tarball as an image --*- C++ -*-===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/Reference.h"
#include "store/Store.h"

namespace ballast::store {

/// What `import` writes besides the layer.
struct ImportOptions {
  /// Dockerfile lines applied to the config (`--change 'CMD ["sh"]'`).
  std::vector<std::string> Changes;
  /// The config and history comment; Docker's default is "Imported from -".
  std::string Message;
  /// The platform recorded in the config; the host's when unset.
  std::optional<oci::Platform> Plat;
  /// RFC 3339 creation time; now when empty (tests pin it).
  std::string Created;
};

/// Applies `--change` lines (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER,
/// VOLUME, WORKDIR) to C like `docker import`/`docker commit`; the error names the bad line.
llvm::Error applyChanges(oci::ContainerConfig &C, const std::vector<std::string> &Changes);

/// Imports a rootfs tar (plain, gzip or zstd) as a one-layer image: the tar is streamed once,
/// hashed for the diff ID and gzip-compressed into the store. Tags it as Ref when given and
/// returns the image ID (config digest).
llvm::Expected<oci::Digest> importRootfs(Store &S, std::unique_ptr<Reader> Tar,
                                         const std::optional<oci::Reference> &Ref,
                                         const ImportOptions &Opts);

/// Now as RFC 3339 in UTC with nanoseconds, as Docker writes `created`.
std::string rfc3339Now();

} // namespace ballast::store
