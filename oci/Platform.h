//===- Platform.h - os/arch[/variant] ----------------------------*- C++ -*-===//
#pragma once

#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::oci {

/// An image platform, normalised like containerd's platforms package (x86_64 -> amd64,
/// aarch64 -> arm64 with variant v8 implied, armhf -> arm/v7).
struct Platform {
  std::string OS = "linux";
  std::string Architecture;
  std::string Variant;
  std::string OSVersion;

  /// Parses `os/arch[/variant]` or `arch`; errors name the bad part.
  static llvm::Expected<Platform> parse(llvm::StringRef S);
  /// The platform of the running machine.
  static Platform host();
  /// `os/arch[/variant]`.
  std::string str() const;
  /// True when an image for Candidate runs on this platform (arm64 accepts variant "" and v8).
  bool matches(const Platform &Candidate) const;
  bool operator==(const Platform &) const = default;
};

} // namespace ballast::oci
