//===- Finding.h - Diagnostics, fixes and text edits -------------*- C++ -*-===//
//
// Shared by rules, analyzer, rewriter and report so none depends on another.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/SourceFile.h"
#include "llvm/ADT/StringRef.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

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

/// The path of a finding's file. The findings of a file share one copy: a copy is a reference
/// count, and the path a thread made last is shared by the next one made of the same bytes on
/// that thread (the engine names each finding's file in turn). A lint run has thousands of
/// findings; each held its own copy of a path before (an allocation, a copy, a free, and a
/// comparison in full wherever two were compared). It reads as the std::string it holds.
class FilePath {
public:
  FilePath() = default;
  FilePath(llvm::StringRef S);
  FilePath(const std::string &S) : FilePath(llvm::StringRef(S)) {}
  FilePath(const char *S) : FilePath(llvm::StringRef(S)) {}
  FilePath(const FilePath &O) : B(O.B) {
    if (B)
      B->Refs.fetch_add(1, std::memory_order_relaxed);
  }
  FilePath(FilePath &&O) noexcept : B(O.B) { O.B = nullptr; }
  FilePath &operator=(const FilePath &O) {
    FilePath(O).swap(*this);
    return *this;
  }
  FilePath &operator=(FilePath &&O) noexcept {
    FilePath(std::move(O)).swap(*this);
    return *this;
  }
  ~FilePath() {
    if (B && B->Refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete B;
  }
  void swap(FilePath &O) noexcept { std::swap(B, O.B); }

  const std::string &str() const { return B ? B->Text : emptyString(); }
  operator const std::string &() const { return str(); }
  operator llvm::StringRef() const { return str(); }
  llvm::StringRef ref() const { return str(); }
  const char *data() const { return str().data(); }
  size_t size() const { return str().size(); }
  bool empty() const { return str().empty(); }
  /// Whether both share one copy (then they are equal without a look at the bytes).
  bool sharesWith(const FilePath &O) const { return B == O.B; }

  friend bool operator==(const FilePath &A, const FilePath &B) {
    return A.B == B.B || A.str() == B.str();
  }
  friend bool operator==(const FilePath &A, const std::string &B) { return A.str() == B; }
  friend bool operator==(const FilePath &A, llvm::StringRef B) { return A.ref() == B; }
  friend bool operator==(const FilePath &A, const char *B) { return A.ref() == B; }
  friend bool operator<(const FilePath &A, const FilePath &B) { return A.str() < B.str(); }

private:
  struct Block {
    std::atomic<uint32_t> Refs;
    std::string Text;
  };
  static const std::string &emptyString();
  Block *B = nullptr;
};

/// Writes the path (without it, `OS << F.File` would have two conversions to choose from).
llvm::raw_ostream &operator<<(llvm::raw_ostream &OS, const FilePath &P);

/// For nlohmann::json (`J["file"] = F.File`), found by argument-dependent lookup.
template <typename JsonT>
void to_json(JsonT &J, const FilePath &P) { // NOLINT(readability-identifier-naming): nlohmann's
  J = P.str();
}

/// One diagnostic. Ranges are byte offsets; Begin/End are filled from the SourceFile when the
/// finding is finalised so writers need no file in hand.
struct Finding {
  FilePath File;
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
