//===- Manifest.h - Manifest, index and image config codecs ------*- C++ -*-===//
//
// Parsers keep what they need typed; callers keep the raw bytes, so a digest never changes by
// re-serialising. Serialisers produce canonical JSON (sorted keys, no spaces) for new objects.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/Descriptor.h"

namespace ballast::oci {

/// An image manifest (OCI or Docker v2 schema 2).
struct Manifest {
  int SchemaVersion = 2;
  std::string MediaType; ///< as written in the JSON; may be empty for OCI
  Descriptor Config;
  std::vector<Descriptor> Layers;
  std::map<std::string, std::string> Annotations;

  /// Parses a manifest; rejects schema 1 and indexes with a clear message.
  static llvm::Expected<Manifest> parse(llvm::StringRef Json);
  std::string toJson() const;
};

/// An image index (OCI) or manifest list (Docker).
struct Index {
  int SchemaVersion = 2;
  std::string MediaType;
  std::vector<Descriptor> Manifests;
  std::map<std::string, std::string> Annotations;

  static llvm::Expected<Index> parse(llvm::StringRef Json);
  std::string toJson() const;
  /// The manifest for P (exact variant first, then a compatible one), or an error listing the
  /// platforms the index holds.
  llvm::Expected<Descriptor> select(const Platform &P) const;
};

/// Media type of a manifest-ish document when the transport did not say: its `mediaType`
/// field, else OCI index when it has `manifests`, else OCI manifest.
std::string sniffMediaType(llvm::StringRef Json);

/// HEALTHCHECK as stored in the image config (durations in nanoseconds).
struct HealthConfig {
  std::vector<std::string> Test;
  int64_t Interval = 0, Timeout = 0, StartPeriod = 0, StartInterval = 0;
  int Retries = 0;
  bool operator==(const HealthConfig &) const = default;
};

/// The `config` object of an image config (what `docker inspect` shows as .Config).
struct ContainerConfig {
  std::string User;
  std::vector<std::string> ExposedPorts; ///< "80/tcp", sorted
  std::vector<std::string> Env;
  std::optional<std::vector<std::string>> Entrypoint;
  std::optional<std::vector<std::string>> Cmd;
  std::vector<std::string> Volumes; ///< sorted
  std::string WorkingDir;
  std::map<std::string, std::string> Labels;
  std::string StopSignal;
  std::optional<HealthConfig> Healthcheck;
  std::vector<std::string> OnBuild;
  std::optional<std::vector<std::string>> Shell;
  bool ArgsEscaped = false;
};

/// One history entry of an image config.
struct History {
  std::string Created; ///< RFC 3339
  std::string CreatedBy;
  std::string Author;
  std::string Comment;
  bool EmptyLayer = false;
};

/// An image config (application/vnd.oci.image.config.v1+json; Docker's is the same shape).
struct ImageConfig {
  std::string Architecture;
  std::string OS = "linux";
  std::string Variant;
  std::string Created; ///< RFC 3339, may be empty
  std::string Author;
  ContainerConfig Config;
  std::vector<Digest> DiffIDs; ///< rootfs.diff_ids, one per layer
  std::vector<History> Hist;

  static llvm::Expected<ImageConfig> parse(llvm::StringRef Json);
  /// Canonical JSON in Docker's field names (Env, Cmd, ... inside "config").
  std::string toJson() const;
  Platform platform() const { return Platform{OS, Architecture, Variant, ""}; }
};

} // namespace ballast::oci
