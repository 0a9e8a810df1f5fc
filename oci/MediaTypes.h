//===- MediaTypes.h - OCI and Docker media types -----------------*- C++ -*-===//
#pragma once

#include "llvm/ADT/StringRef.h"

namespace ballast::oci::media {

inline constexpr const char OciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char OciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr const char OciConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr const char OciLayer[] = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char OciLayerGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char OciLayerZstd[] = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char OciLayerNondistGzip[] =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr const char DockerManifest[] =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char DockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char DockerConfig[] = "application/vnd.docker.container.image.v1+json";
inline constexpr const char DockerLayerGzip[] = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char DockerLayerForeignGzip[] =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr const char DockerLayerZstd[] = "application/vnd.docker.image.rootfs.diff.tar.zstd";

/// Every manifest type a pull accepts, for the Accept header (all of them, always).
inline constexpr const char AcceptManifests[] =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

inline bool isIndex(llvm::StringRef M) { return M == OciIndex || M == DockerManifestList; }
inline bool isManifest(llvm::StringRef M) { return M == OciManifest || M == DockerManifest; }

/// How a layer blob is compressed, from its media type.
enum class Compression { None, Gzip, Zstd, Unknown };
Compression layerCompression(llvm::StringRef MediaType);

} // namespace ballast::oci::media
