//===- Copy.h - COPY and ADD into an image root ------------------*- C++ -*-===//
//
// The file side of COPY/ADD with BuildKit's semantics (fsutil copy as the file op backend calls
// it): sources are context-relative paths or Go filepath.Match patterns, resolved component by
// component; a directory's contents are copied, not the directory; a file goes *into* the
// destination when it ends with "/" or is an existing folder, else *to* it; several sources need
// a folder destination. `--chown` names resolve in the destination's /etc/passwd and
// /etc/group, `--chmod` takes octal or symbolic modes, `--parents` keeps the source path (from a
// `/./` pivot), `--exclude` drops matches, ADD extracts local tar archives (gzip, bzip2, xz,
// zstd) and downloads URLs (with `--checksum`), and heredocs become files.
//
// Path safety: every path, in the source and in the destination, is resolved like a chroot
// would (symlinks, absolute or relative, resolve against that root and `..` stops at it), so
// nothing is ever read or written outside the two roots.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "builder/Plan.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::builder {

class BuildContext;

/// Resolves Path (absolute or relative to the root) inside the folder Root like a chroot:
/// symlinks are followed against Root (the last component only when FollowLast), `..` stops at
/// Root. Returns the host path, always below Root; missing components are kept as written.
llvm::Expected<std::string> resolveInRoot(llvm::StringRef Root, llvm::StringRef Path,
                                          bool FollowLast);

/// Go's path/filepath.Match (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes) on one name or path; the
/// error is Go's ErrBadPattern text.
llvm::Expected<bool> goMatch(llvm::StringRef Pattern, llvm::StringRef Name);

/// A user and group for `--chown`.
struct Owner {
  uint32_t Uid = 0, Gid = 0;
};

/// Resolves `--chown` (`user`, `user:group`, `uid`, `uid:gid`) against the passwd and group
/// files under Root like BuildKit: a user name takes its primary group, a numeric uid alone
/// doubles as the gid.
llvm::Expected<Owner> resolveChown(llvm::StringRef Root, llvm::StringRef Spec);

/// A parsed `--chmod`: octal, or symbolic clauses (`u+x,go=r`) applied to each entry's mode.
class Chmod {
public:
  /// Parses Spec; errors read like BuildKit's.
  static llvm::Expected<Chmod> parse(llvm::StringRef Spec);
  /// The new permission bits for an entry with mode Old (07777 bits).
  uint32_t apply(uint32_t Old, bool IsDir) const;

private:
  struct Clause {
    uint32_t Who = 0; ///< mask of affected bits; 0 means "a" filtered by umask-free default
    char Op = '=';
    uint32_t Perm = 0;
    bool X = false; ///< `X`: execute only for folders or already executable entries
    char Copy = 0;  ///< `u`, `g` or `o`: copy that class's bits
  };
  std::optional<uint32_t> Octal;
  std::vector<Clause> Clauses;
};

/// Where COPY reads from.
struct CopySource {
  /// The host folder that acts as the source's root: the context folder, or a stage's rootfs.
  std::string Root;
  /// When copying from the build context: only its entries are visible (ignored files are not).
  const BuildContext *Context = nullptr;
};

/// How to copy, resolved from a CopySpec.
struct CopyOptions {
  std::optional<Owner> Chown; ///< else context files become 0:0 and stage files keep theirs
  std::optional<Chmod> Mode;
  std::vector<std::string> Excludes;
  bool Parents = false;
  bool Unpack = false;      ///< ADD: extract local tar archives
  std::string Checksum;     ///< ADD URL: `sha256:<hex>` the download must match
  bool FromContext = false; ///< owners become 0:0 without --chown
};

/// Copies Sources (context-relative paths or patterns; for ADD also URLs) and Inline files to
/// Dest (absolute in the image, trailing slash kept, as CopySpec::DestPath) under DestRoot.
llvm::Error copyFiles(const CopySource &Src, llvm::ArrayRef<std::string> Sources,
                      llvm::ArrayRef<InlineSource> Inline, llvm::StringRef Dest,
                      llvm::StringRef DestRoot, const CopyOptions &Opts);

/// Downloads Url to the file Path with libcurl (TLS verified, redirects followed) and returns
/// its sha256 digest (`sha256:<hex>`) and the Last-Modified time (0 when none).
llvm::Expected<std::pair<std::string, int64_t>> downloadUrl(llvm::StringRef Url,
                                                            llvm::StringRef Path);

} // namespace ballast::builder
