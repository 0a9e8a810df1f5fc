//===- Config.h - .ballast.yaml / .hadolint.yaml ------------------*- C++ -*-===//
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/Errors.h"
#include "support/Finding.h"
#include "llvm/Support/Error.h"

namespace ballast {
class FolderDescriptors;
} // namespace ballast

namespace ballast::rules {

/// Settings that apply to files whose path matches Glob (`per-path:` in .ballast.yaml).
struct PathOverride {
  std::string Glob;
  std::set<std::string> Ignored;
  std::map<std::string, Severity> Severities;
};

/// Lint settings. The keys are hadolint's (so an existing .hadolint.yaml works) plus our own.
struct Config {
  std::string Path; ///< where it was read from ("" for defaults)
  /// Path's folder, absolute and normalized once when read: what `per-path` globs are relative
  /// to ("" for defaults).
  std::string Folder;
  std::set<std::string> Ignored;              ///< rule IDs or aliases
  std::map<std::string, Severity> Severities; ///< `override:` per rule ID or alias
  std::vector<std::string> TrustedRegistries; ///< empty: every registry is trusted
  Severity FailureThreshold = Severity::Info; ///< findings at or above it fail the run
  bool NoFail = false;
  bool DisableIgnorePragma = false;
  bool StrictLabels = false;
  std::map<std::string, std::string>
      LabelSchema;                 ///< label -> text|url|semver|hash|rfc3339|email|spdx
  std::string ShellCheck = "auto"; ///< auto | always | never
  std::vector<PathOverride> PerPath;
  std::vector<Diagnostic> Warnings; ///< forgiving: bad values warn and fall back

  /// Whether File matches a `per-path` glob: globs are relative to the config's folder (the
  /// file's path from there, however it was named on the command line), or match the path as
  /// given.
  bool pathMatches(llvm::StringRef Glob, llvm::StringRef File) const;
  /// Whether rule Id (or one of its Aliases) is ignored for File.
  bool isIgnored(llvm::StringRef Id, llvm::ArrayRef<std::string> Aliases,
                 llvm::StringRef File) const;
  /// The severity for rule Id in File, or Default.
  Severity severityFor(llvm::StringRef Id, llvm::ArrayRef<std::string> Aliases,
                       llvm::StringRef File, Severity Default) const;
};

/// Parses YAML text; malformed YAML is an error, unknown keys and bad values are warnings.
llvm::Expected<Config> parseConfig(llvm::StringRef Text, llvm::StringRef Path);
/// Reads a config file.
llvm::Expected<Config> loadConfig(llvm::StringRef Path);
/// The config that applies to a file: the nearest `.ballast.yaml` (or `.ballast.yml`) walking up
/// from its folder, else the nearest `.hadolint.yaml`/`.hadolint.yml`, else defaults.
llvm::Expected<Config> findConfigFor(llvm::StringRef FilePath);

/// findConfigFor for many files: whether a folder holds each config file name is asked of the
/// file system once, however many linted folders lie below it, and a folder's search stops at
/// the first folder above it that is already known.
class ConfigFinder {
public:
  /// With Listings, a folder the run opened already (support/ReadFiles.h) is asked of its
  /// listing: a name it lacks costs no system call, nor does one it holds as a regular file.
  explicit ConfigFinder(FolderDescriptors *Listings = nullptr) : Listings(Listings) {}
  llvm::Expected<Config> find(llvm::StringRef FilePath);

private:
  /// The nearest config file of each kind at or above a folder ("" for none).
  struct Nearest {
    std::string Ballast, Hadolint;
  };
  /// Folder Dir's answer, found from its own files and its parent's answer: each folder is
  /// asked about once a run, and a folder's search stops at the first folder already known.
  const Nearest &nearest(llvm::StringRef Dir);
  std::map<std::string, Nearest, std::less<>> Folders;
  FolderDescriptors *Listings;
};

/// Go-style glob match of a slash-separated path (`*` stays within a segment, `**` spans).
bool globMatch(llvm::StringRef Pattern, llvm::StringRef Path);

} // namespace ballast::rules
