//===- Digest.h - Content digests (`sha256:<hex>`) ---------------*- C++ -*-===//
#pragma once

#include <compare>
#include <memory>
#include <string>

#include "support/Hash.h"
#include "support/Stream.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::oci {

/// `algorithm:hex`. Only sha256 is produced; sha512 is accepted when parsing.
class Digest {
public:
  Digest() = default;
  /// Parses `sha256:<64 hex>` (or `sha512:<128 hex>`); the error names the bad part.
  static llvm::Expected<Digest> parse(llvm::StringRef S);
  /// The sha256 digest of Bytes.
  static Digest sha256Of(llvm::StringRef Bytes);
  /// A sha256 digest from a 64-character lower-case hex string (not checked).
  static Digest fromSha256Hex(std::string Hex) { return Digest("sha256", std::move(Hex)); }

  const std::string &algorithm() const { return Algorithm; }
  const std::string &hex() const { return Hex; }
  /// `sha256:<hex>`.
  std::string str() const { return Algorithm + ":" + Hex; }
  /// The first 12 hex characters, as `docker images` prints an IMAGE ID.
  std::string shortHex() const { return Hex.substr(0, 12); }
  bool empty() const { return Hex.empty(); }
  bool operator==(const Digest &O) const { return Algorithm == O.Algorithm && Hex == O.Hex; }
  /// Orders by algorithm, then hex (for maps and sorted output).
  std::strong_ordering operator<=>(const Digest &O) const {
    int C = Algorithm.compare(O.Algorithm);
    if (C == 0)
      C = Hex.compare(O.Hex);
    return C <=> 0;
  }

private:
  Digest(std::string A, std::string H) : Algorithm(std::move(A)), Hex(std::move(H)) {}
  std::string Algorithm;
  std::string Hex;
};

/// Wraps a blob stream: hashes everything read, counts bytes, and at end of stream returns an
/// error instead of 0 when the bytes do not match Expected (digest, and size when Size >= 0).
std::unique_ptr<Reader> verifyingReader(std::unique_ptr<Reader> In, Digest Expected,
                                        int64_t Size = -1);

/// Wraps a stream: hashes what passes through; digest() and bytes() are valid at EOF.
class HashingReader : public Reader {
public:
  explicit HashingReader(std::unique_ptr<Reader> In) : In(std::move(In)) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override;
  Digest digest();
  uint64_t bytes() const { return Count; }

private:
  std::unique_ptr<Reader> In;
  Sha256 H;
  uint64_t Count = 0;
  std::string Done;
};

} // namespace ballast::oci
