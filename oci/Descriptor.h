//===- Descriptor.h - A typed pointer to a blob ------------------*- C++ -*-===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/Digest.h"
#include "oci/Platform.h"

namespace ballast::oci {

/// OCI content descriptor: media type, digest and size of a blob, plus optional fields.
struct Descriptor {
  std::string MediaType;
  Digest Dig;
  int64_t Size = 0;
  std::map<std::string, std::string> Annotations{};
  std::optional<Platform> Plat{}; ///< only in an index
  std::vector<std::string> URLs{};
  std::string ArtifactType{};
};

} // namespace ballast::oci
