//===- Suppression.h - ignore pragmas and BuildKit check= --------*- C++ -*-===//
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dockerfile/Ast.h"
#include "dockerfile/Stages.h"
#include "support/Finding.h"
#include "support/RuleInfo.h"

namespace ballast::rules {

/// The words of a pragma comment after its `hadolint` or `ballast` and the blanks that follow
/// (`ignore=DL3008 # reason`, `global ignore=...`, `shell=powershell`), right-trimmed; nullopt
/// when the comment (Comment::Text, after `#`) is not a pragma.
std::optional<llvm::StringRef> pragmaBody(llvm::StringRef CommentText);

/// Whether a shell program (`pwsh`, `C:\\...\\powershell.exe`, `cmd`) is not a POSIX shell.
bool isNonPosixShell(llvm::StringRef Program);
/// Whether a comment is a `# hadolint shell=NAME` / `# ballast shell=NAME` pragma naming a
/// non-POSIX shell (then no RUN of the file is POSIX shell; rules/Queries.cpp isPosixRun).
bool namesNonPosixShell(llvm::StringRef CommentText);

/// The suppressions of one file: `# ballast|hadolint ignore=`, `global ignore=`, `stage ignore=`,
/// and BuildKit's `# check=skip=...;error=true` directive.
class Suppressions {
public:
  /// Reads the pragmas of DF (none when DisablePragmas, except nothing).
  Suppressions(const dockerfile::Dockerfile &DF, const dockerfile::StageGraph &G,
               bool DisablePragmas);
  /// Whether a finding of rule Info on line Line is suppressed.
  bool suppressed(const RuleInfo &Info, unsigned Line) const {
    // Most files suppress nothing: their findings are not asked about one by one.
    return Any && suppressedAt(Info, Line);
  }
  /// BuildKit's `# check=error=true`: build-check findings become errors.
  bool checksAreErrors() const { return ChecksError; }
  /// `# hadolint shell=powershell` (or ballast): RUN bodies are not POSIX shell.
  bool shellIsPowerShell() const { return PowerShell; }
  /// Whether some comment namesNonPosixShell; nullopt when the pragmas were not read (then
  /// whoever asks scans the comments).
  std::optional<bool> nonPosixShellPragma() const {
    return Read ? std::optional<bool>(NonPosixShell) : std::nullopt;
  }

private:
  bool suppressedAt(const RuleInfo &Info, unsigned Line) const;

  struct LineRange {
    unsigned First, Last;
    std::set<std::string> Ids;
  };
  std::set<std::string> Global;
  std::vector<LineRange> Ranges;
  std::set<std::string> SkipChecks;
  bool SkipAll = false;
  bool ChecksError = false;
  bool PowerShell = false;
  bool NonPosixShell = false;
  /// The pragmas were read (not disabled).
  bool Read = false;
  /// Something may be suppressed: SkipAll, or one of Global, Ranges, SkipChecks is not empty.
  bool Any = false;
};

} // namespace ballast::rules
