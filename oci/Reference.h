//===- Reference.h - Docker image references ---------------------*- C++ -*-===//
#pragma once

#include <optional>
#include <string>

#include "oci/Digest.h"

namespace ballast::oci {

/// A parsed, normalised image reference (distribution/reference semantics):
/// `nginx` -> docker.io/library/nginx:latest; `host:5000/a/b:tag`; `name@sha256:...`;
/// `name:tag@sha256:...`; `localhost/x`.
class Reference {
public:
  /// Parses and normalises S. When neither tag nor digest is given, the tag is "latest" unless
  /// DefaultTag is false. Errors name the bad part: `invalid reference "X": ...`.
  static llvm::Expected<Reference> parse(llvm::StringRef S, bool DefaultTag = true);
  /// True when T is a valid tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
  static bool validTag(llvm::StringRef T);
  /// True when S, taken as written (no normalisation), is `domain/path[:tag][@digest]` in
  /// distribution/reference's grammar, with the domain required (what ParseNormalizedNamed
  /// matches after adding "docker.io/"); Name, when given, gets the `domain/path` part.
  static bool isQualified(llvm::StringRef S, llvm::StringRef *Name = nullptr);

  const std::string &domain() const { return Domain; } ///< "docker.io", "localhost:5000"
  const std::string &path() const { return Path; }     ///< "library/nginx"
  const std::string &tag() const { return Tag; }       ///< may be empty
  const std::optional<Digest> &digest() const { return Dig; }

  /// "docker.io/library/nginx".
  std::string repository() const { return Domain + "/" + Path; }
  /// Fully qualified: "docker.io/library/nginx:latest[@sha256:...]".
  std::string str() const;
  /// Docker's short form: "nginx:latest", "user/app:1.0", "host:5000/a/b:tag".
  std::string familiar() const;
  /// Repository in Docker's short form: "nginx", "user/app", "host:5000/a/b".
  std::string familiarName() const;
  /// The same repository with another tag (and no digest).
  Reference withTag(llvm::StringRef T) const;
  /// The same repository pinned by digest (tag kept).
  Reference withDigest(const Digest &D) const;
  /// Where to talk HTTP: "registry-1.docker.io" for docker.io, else Domain.
  std::string registryHost() const;
  /// What the manifest endpoint takes: the digest when present, else the tag.
  std::string identifier() const;
  bool operator==(const Reference &O) const { return str() == O.str(); }

private:
  std::string Domain, Path, Tag;
  std::optional<Digest> Dig;
};

} // namespace ballast::oci
