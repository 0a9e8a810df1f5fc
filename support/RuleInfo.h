//===- RuleInfo.h - What a rule is, for engines and writers ------*- C++ -*-===//
//
// Lives in support so that rules, analyzer and report share it without depending on each other.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "support/Finding.h"

namespace ballast {

enum class Category { Correctness, Security, Size, Cache, Maintainability };
llvm::StringRef categoryName(Category C);

/// Whether a rule's fix may be applied by `lint --fix` without review.
enum class FixSafety { None, Safe, Unsafe };

/// The catalogue entry of one rule.
struct RuleInfo {
  std::string Id;                   ///< DL3009, BL1001, ...
  std::vector<std::string> Aliases; ///< BuildKit check names and other spellings
  Severity DefaultSeverity = Severity::Warning;
  Category Cat = Category::Correctness;
  std::string Title; ///< one line, lower case, no trailing period
  FixSafety Fixes = FixSafety::None;
  /// The fix changes instruction keywords or merges instructions on purpose (DL3059 merges RUNs,
  /// DL4000 turns MAINTAINER into LABEL), so the fixer must not refuse it for that.
  bool FixReshapes = false;
  /// CVSS-like 0.0-10.0 for security rules (SARIF security-severity); empty otherwise.
  std::string SecuritySeverity;
  /// The doc page (docs/rules/<ID>.md) as markdown; filled from the embedded docs.
  std::string DocMarkdown;
  /// Where the doc page lives online.
  std::string helpUri() const;
};

} // namespace ballast
