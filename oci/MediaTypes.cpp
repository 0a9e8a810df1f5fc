//===- MediaTypes.cpp - OCI and Docker media types ------------------------===//
#include "oci/MediaTypes.h"

namespace ballast::oci::media {

Compression layerCompression(llvm::StringRef M) {
  if (M.endswith("+gzip") || M.endswith(".tar.gzip") || M.endswith(".gzip"))
    return Compression::Gzip;
  if (M.endswith("+zstd") || M.endswith(".zstd"))
    return Compression::Zstd;
  if (M.endswith(".tar") || M == "application/vnd.docker.image.rootfs.diff.tar")
    return Compression::None;
  return Compression::Unknown;
}

} // namespace ballast::oci::media
