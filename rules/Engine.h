//===- Engine.h - Lint one file: parse once, run every rule once -*- C++ -*-===//
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/Config.h"
#include "support/Finding.h"
#include "support/SourceFile.h"

namespace ballast::rules {

class RunCache;
class ScriptMemo;

/// What linting one file produced.
struct LintResult {
  std::shared_ptr<const SourceFile> Source;
  std::vector<Finding> Findings; ///< sorted, suppressions and config applied
  unsigned Suppressed = 0;       ///< findings dropped by pragmas
  bool ParseFailed = false;      ///< BuildKit would reject the file (DL1000 findings)
};

/// Options that are not part of the config file.
struct LintOptions {
  std::string ContextDir;  ///< folder for .dockerignore-aware rules; "" = the file's folder
  bool ShellCheck = false; ///< run shellcheck on RUN bodies (resolved from --shellcheck/config)
  /// Call every rule for every instruction, ignoring Rule::kinds() (tests check that the kinds a
  /// rule declares lose no finding).
  bool EveryKind = false;
  /// Call rules for every RUN, ignoring Rule::commands() (tests check that the commands a rule
  /// declares lose no finding).
  bool EveryRun = false;
  /// File system answers shared by the files of one run (null: every file asks afresh).
  RunCache *Cache = nullptr;
  /// What the rules learnt of the scripts Cache shares, for the files of the same run (null:
  /// every file asks every rule afresh). Set it only with Cache, for the same run.
  ScriptMemo *Memo = nullptr;
  /// Keep the notes of findings ("`curl`: pin it" on every package of a list). A report format
  /// that prints none (json, checkstyle, gitlab, github) turns this off, and the rules then make
  /// none: a lint run of the corpus files some 3,500 of them.
  bool Notes = true;
};

/// Lints Text as the Dockerfile named Path.
LintResult lintText(const std::string &Path, std::string Text, const Config &Cfg,
                    const LintOptions &Opts = {});

} // namespace ballast::rules
