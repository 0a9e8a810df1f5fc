//===- DockerIgnore.h - .dockerignore reading and matching -------*- C++ -*-===//
//
// A port of moby/patternmatcher (and its ignorefile reader) with Docker's exact
// semantics, including the quirks of its pattern-to-regexp translation: patterns
// are checked with Go's filepath.Match syntax, then matched by a Go regexp built
// from them (`*` -> `[^/]*`, `?` -> `[^/]`, `**` -> `(.*/)?`), so a path is
// excluded when the last pattern matching it or one of its parent directories is
// not a `!` exception. Patterns are compiled once into a small rune program.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/SourceFile.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm::vfs {
class FileSystem;
} // namespace llvm::vfs

namespace ballast::dockerfile {

namespace detail {
struct PatternProgram;
} // namespace detail

/// How one pattern is matched: patternmatcher's fast paths, or its Go regexp.
enum class IgnoreMatchKind { Exact, Prefix, Suffix, Regexp };

/// One pattern line as `ignorefile.ReadAll` returns it, before compilation.
struct IgnoreLine {
  /// Trimmed and cleaned; a `!` exception keeps its leading `!`.
  std::string Pattern;
  /// 1-based line in the file.
  unsigned Line = 0;
  /// 1-based byte column of the first non-blank character.
  unsigned Column = 0;
  /// Byte range of the trimmed line text in the file.
  SourceRange Range;
};

/// One compiled pattern of a .dockerignore file and where it came from.
struct IgnorePattern {
  /// The pattern as Docker matches it: cleaned, without `!` (patternmatcher's String()).
  std::string Text;
  /// True for a `!` exception line, which re-includes what earlier lines excluded.
  bool Exclusion = false;
  /// 1-based line in the file (0 when built from a plain list).
  unsigned Line = 0;
  /// 1-based byte column of the first non-blank character (0 when built from a list).
  unsigned Column = 0;
  /// Byte range of the trimmed line text in the file.
  SourceRange Range;
  /// The compiled matcher, shared between copies.
  std::shared_ptr<const detail::PatternProgram> Program;

  /// Whether this pattern alone matches Path, with no parent-directory rule.
  bool matches(llvm::StringRef Path) const;
  /// Which of patternmatcher's match types this pattern compiled to.
  IgnoreMatchKind kind() const;
  /// The Go regexp patternmatcher builds for a Regexp-kind pattern (empty otherwise).
  llvm::StringRef regexpSource() const;
};

/// Per-pattern results for one directory, handed to its children while walking
/// (patternmatcher's MatchInfo); default-constructed means "no parent information".
struct MatchInfo {
  /// Whether each pattern matched the directory (false for patterns not evaluated).
  std::vector<bool> ParentMatched;
};

/// What BuildKit's context walker (fsutil) does with one entry.
enum class WalkDecision {
  /// The entry is sent.
  Include,
  /// The entry is not sent; a directory is still walked because an exception may re-include
  /// something below it, and is then sent only as the parent of what was re-included.
  Exclude,
  /// The directory and everything below it are left out without being walked.
  ExcludeAndSkip,
};

/// A parsed .dockerignore: an ordered list of patterns, last match wins.
class DockerIgnore {
public:
  /// An empty ignore file, which excludes nothing.
  DockerIgnore() = default;

  /// Reads and compiles an ignore file; errors are `file:line:col: message`.
  static llvm::Expected<DockerIgnore> parse(llvm::StringRef Text, llvm::StringRef FileName);
  /// Compiles patterns exactly as patternmatcher.New does (trim, clean, `!`), without a file.
  static llvm::Expected<DockerIgnore> fromPatterns(llvm::ArrayRef<std::string> Patterns);
  /// Reads the file at Path from FS and parses it.
  static llvm::Expected<DockerIgnore> load(llvm::vfs::FileSystem &FS, llvm::StringRef Path);

  /// The compiled patterns in file order.
  llvm::ArrayRef<IgnorePattern> patterns() const { return Patterns; }
  /// Whether there are no patterns at all.
  bool empty() const { return Patterns.empty(); }
  /// Whether any pattern is a `!` exception (patternmatcher's Exclusions()).
  bool hasExceptions() const { return Exceptions; }

  /// Whether the context-relative path is excluded from the build context; the path is
  /// cleaned first and "." is never excluded (patternmatcher.MatchesOrParentMatches).
  bool matches(llvm::StringRef RelPath) const;
  /// Like matches() but on the path as given, without cleaning.
  bool matchesOrParentMatches(llvm::StringRef Path) const;
  /// Whether the path itself matches, without the parent-directory rule.
  bool matchesExact(llvm::StringRef Path) const;
  /// The walker's incremental form: Parent is the directory's Out (empty at the top);
  /// fills Out for this entry's children.
  bool matchesUsingParentResults(llvm::StringRef Path, const MatchInfo &Parent,
                                 MatchInfo &Out) const;

  /// For an excluded directory: whether BuildKit must still walk it because a `!`
  /// exception could re-include something below it.
  bool exceptionMayMatchBelow(llvm::StringRef RelDir) const;
  /// BuildKit's decision for one walked entry (fsutil's filterFS.Walk).
  WalkDecision decide(llvm::StringRef RelPath, bool IsDir, const MatchInfo &Parent,
                      MatchInfo &Out) const;

private:
  static llvm::Error add(DockerIgnore &DI, llvm::StringRef Pattern, llvm::StringRef FileName,
                         const IgnoreLine *Where);

  std::vector<IgnorePattern> Patterns;
  bool Exceptions = false;
  /// fsutil's onlyPrefixExcludeExceptions: no exception contains `*[]?^\`.
  bool OnlyPrefixExceptions = true;
};

/// Splits an ignore file into pattern lines exactly as moby's `ignorefile.ReadAll` does.
llvm::Expected<std::vector<IgnoreLine>> readIgnoreLines(llvm::StringRef Text,
                                                        llvm::StringRef FileName);

/// The ignore file BuildKit applies: `<Dockerfile>.dockerignore` beside the Dockerfile
/// if it exists, else `<ContextDir>/.dockerignore`, else none. DockerfilePath is as the
/// user gave it ("" or "-" for stdin, which has no specific ignore file).
llvm::Expected<std::optional<std::string>> findIgnoreFile(llvm::vfs::FileSystem &FS,
                                                          llvm::StringRef ContextDir,
                                                          llvm::StringRef DockerfilePath);

/// Go's path.Clean: the shortest equivalent slash path ("" becomes ".").
std::string cleanPath(llvm::StringRef Path);

/// Go filepath.Match's scanChunk: consumes from Pattern an optional run of stars (Star tells
/// whether there was one), then everything up to the next unbracketed star (Chunk).
void scanGoChunk(llvm::StringRef &Pattern, bool &Star, llvm::StringRef &Chunk);

} // namespace ballast::dockerfile
