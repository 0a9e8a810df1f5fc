//===- EditSet.h - Non-overlapping byte edits and applying them --*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

#include "support/Finding.h"
#include "llvm/ADT/StringRef.h"

namespace ballast::rewriter {

/// A set of text edits into one buffer that never overlap; a fix is added whole or not at all.
class EditSet {
public:
  /// Adds every edit of F, or none if any overlaps an edit already held (returns false).
  bool addFix(const Fix &F);
  /// Adds one edit unless it overlaps (returns false).
  bool add(const TextEdit &E);
  bool empty() const { return Edits.empty(); }
  size_t size() const { return Edits.size(); }
  /// The buffer with every edit applied; untouched bytes are copied as they are.
  std::string apply(llvm::StringRef Text) const;

private:
  bool overlaps(const TextEdit &E) const;
  std::vector<TextEdit> Edits; ///< sorted by Range.Begin
};

/// A unified diff (`--- a/PATH`, `+++ b/PATH`, hunks with 3 lines of context); "" when equal.
std::string unifiedDiff(llvm::StringRef Path, llvm::StringRef Before, llvm::StringRef After);

} // namespace ballast::rewriter
