//===- Platform.cpp - os/arch[/variant] -----------------------------------===//
#include "oci/Platform.h"

#include <sys/utsname.h>

#include "support/Errors.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::oci {

namespace {
/// containerd's normalisation of architecture names and their default variants.
void normalise(Platform &P) {
  std::string &A = P.Architecture;
  if (A == "x86_64" || A == "x86-64")
    A = "amd64", P.Variant = P.Variant == "v1" ? "" : P.Variant;
  else if (A == "aarch64" || A == "arm64") {
    A = "arm64";
    if (P.Variant == "8" || P.Variant == "v8")
      P.Variant = "";
  } else if (A == "armhf") {
    A = "arm", P.Variant = "v7";
  } else if (A == "armel") {
    A = "arm", P.Variant = "v6";
  } else if (A == "arm") {
    if (P.Variant.empty())
      P.Variant = "v7";
    else if (P.Variant.size() == 1 && isdigit(P.Variant[0]))
      P.Variant = "v" + P.Variant;
  } else if (A == "i386" || A == "i686")
    A = "386";
  else if (A == "amd64" && P.Variant == "v1")
    P.Variant = "";
  if (P.OS == "macos")
    P.OS = "darwin";
}
bool validPart(llvm::StringRef S) {
  return !S.empty() && llvm::all_of(S, [](char C) {
    return isalnum(static_cast<unsigned char>(C)) || C == '_' || C == '-' || C == '.';
  });
}
} // namespace

llvm::Expected<Platform> Platform::parse(llvm::StringRef S) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  S.split(Parts, '/');
  if (Parts.empty() || Parts.size() > 3)
    return makeError("invalid platform \"" + S +
                     "\": expected os/arch[/variant], e.g. linux/amd64");
  for (auto P : Parts)
    if (!validPart(P))
      return makeError("invalid platform \"" + S + "\": bad part \"" + P +
                       "\"; expected os/arch[/variant], e.g. linux/arm64/v8");
  Platform P;
  if (Parts.size() == 1) {
    // A bare OS keeps the host architecture; a bare architecture means linux.
    std::string One = Parts[0].lower();
    if (One == "linux" || One == "windows" || One == "darwin" || One == "freebsd") {
      P = host();
      P.OS = One;
    } else {
      P.Architecture = One;
    }
  } else {
    P.OS = Parts[0].lower();
    P.Architecture = Parts[1].lower();
    if (Parts.size() == 3)
      P.Variant = Parts[2].lower();
  }
  normalise(P);
  return P;
}

Platform Platform::host() {
  Platform P;
  struct utsname U;
  if (uname(&U) == 0)
    P.Architecture = U.machine;
  else
    P.Architecture = "amd64";
  normalise(P);
  return P;
}

std::string Platform::str() const {
  std::string S = OS + "/" + Architecture;
  if (!Variant.empty())
    S += "/" + Variant;
  return S;
}

bool Platform::matches(const Platform &Candidate) const {
  Platform C = Candidate;
  normalise(C);
  if (C.OS != OS || C.Architecture != Architecture)
    return false;
  if (C.Variant == Variant)
    return true;
  // arm64 and amd64 images without a variant run everywhere in their family; an arm/v7 host runs
  // v6 and v5 images.
  if (C.Variant.empty())
    return true;
  if (Architecture == "arm" && C.Variant < Variant)
    return true;
  return false;
}

} // namespace ballast::oci
