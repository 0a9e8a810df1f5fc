//===- Finding.h - Diagnostics, fixes and text edits -------------*- C++ -*-===//
//
// Shared by rules, analyzer, rewriter and report so none depends on another.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "support/SourceFile.h"
#include "llvm/ADT/StringRef.h"

namespace ballast {

/// How bad a finding is; ordered so that a larger value is more severe.
enum class Severity { None = 0, Style = 1, Info = 2, Warning = 3, Error = 4 };

llvm::StringRef severityName(Severity S);
/// Parses "error", "warning", "info", "style", "none"/"ignore"/"off"; nullopt when unknown.
std::optional<Severity> parseSeverity(llvm::StringRef S);

/// Replace the bytes of Range with Replacement (an insertion when Range is empty).
struct TextEdit {
  SourceRange Range;
  std::string Replacement;
  bool operator==(const TextEdit &O) const = default;
};

/// A fix travels with its finding: a title and byte-range edits into the same file.
struct Fix {
  std::string Title;
  std::vector<TextEdit> Edits;
};

/// A located note attached to a finding ("the layer that removes it is here").
struct Note {
  SourceRange Range;
  LineCol Begin;
  std::string Message;
};

/// One diagnostic. Ranges are byte offsets; Begin/End are filled from the SourceFile when the
/// finding is finalised so writers need no file in hand.
struct Finding {
  std::string File;
  SourceRange Range;
  LineCol Begin;
  LineCol End;
  std::string RuleId;
  Severity Sev = Severity::Warning;
  std::string Message;
  std::optional<Fix> FixIt;
  std::vector<Note> Notes;
  /// Computes Begin/End (and note positions) from Range.
  void locate(const SourceFile &SF);
};

/// Sorts by file, position, then rule.
void sortFindings(std::vector<Finding> &Fs);

} // namespace ballast
