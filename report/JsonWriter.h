//===- JsonWriter.h - Machine-readable findings ------------------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "report/ReportWriter.h"

namespace ballast::report {

/// Writes `{"findings": [{"file", "line", "column", "end_line", "end_column", "rule", "aliases",
/// "severity", "message", "fix"?}]}` with keys in that order. A fix is `{"title", "unsafe"?,
/// "edits": [{"offset", "length", "replacement", "line", "column", "end_line", "end_column"}]}`;
/// `"unsafe": true` marks the fix of a rule whose fixes may change what the build makes (`lint
/// --fix` applies it only with --unsafe-fixes; a safe fix has no such key); the line/column keys
/// of an edit appear only when the file is in Opts.Sources.
void writeJson(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

/// A piece of a JSON report: the bytes as they were formatted, in the buffer they were formatted
/// in (not copied into a std::string: a lint's pieces add up to more bytes than its sources).
class JsonPiece {
public:
  JsonPiece() = default;
  JsonPiece(std::unique_ptr<char[]> Bytes, size_t Size, size_t Capacity)
      : Bytes(std::move(Bytes)), Size(Size), Capacity(Capacity) {}
  llvm::StringRef text() const { return {Bytes.get(), Size}; }
  bool empty() const { return Size == 0; }
  /// The buffer and its capacity, handed over (for JsonPieces::append); this piece is left
  /// empty.
  std::unique_ptr<char[]> release(size_t &Size, size_t &Capacity) {
    Size = this->Size;
    Capacity = this->Capacity;
    this->Size = this->Capacity = 0;
    return std::move(Bytes);
  }

private:
  std::unique_ptr<char[]> Bytes;
  size_t Size = 0;
  size_t Capacity = 0; ///< of Bytes
};

/// The same report made of pieces formatted apart, for a caller that has its findings in
/// groups on several threads (`ballast lint` formats each file's findings in the task that
/// linted it): the bytes are writeJson's for the groups' findings in order.
class JsonPieces {
public:
  /// Indexes the catalogue (which must outlive this) by id.
  explicit JsonPieces(llvm::ArrayRef<RuleInfo> Rules);
  /// The elements of the "findings" array for Findings, whose source is SF (null: fix edits
  /// get no line and column keys); "" for none. Safe on several threads. OneFile: the caller
  /// vouches that every finding is of the same file, so its name is escaped once and never
  /// compared (findings of several files, in runs of one file each, need false).
  JsonPiece format(llvm::ArrayRef<Finding> Findings, const SourceFile *SF,
                   bool OneFile = false) const;
  /// Appends format(Findings, SF, OneFile) to Into, with the ",\n" between them when both are
  /// non-empty: the piece of several files formatted one after another on one thread, in one
  /// buffer (a buffer a file was an allocation each, and a free). Total: how many findings
  /// Into will hold in all, to size its buffer when it has none (a buffer that grows copies
  /// what it holds).
  void append(JsonPiece &Into, llvm::ArrayRef<Finding> Findings, const SourceFile *SF,
              bool OneFile = false, size_t Total = 0) const;
  /// The aliases of rule Id (none for an id the catalogue does not know, such as ShellCheck's).
  const std::vector<std::string> &aliases(llvm::StringRef Id) const;
  /// What a finding's object takes of rule Id, found by one look-up: the `"rule"` and
  /// `"aliases"` lines (formatted once a report) in Lines up to SeverityAt, then the
  /// `"severity"` line of the rule's default severity Sev and the start of the `"message"` line
  /// (a finding keeps its rule's severity nearly always); Unsafe: whether the rule's fixes are
  /// unsafe (applied by `--fix` only with --unsafe-fixes). A null Lines for an id the catalogue
  /// does not know. (Inlined into the writer in JsonWriter.cpp, which alone calls it; the golden
  /// tests cover each case.)
  struct RuleBytes {
    llvm::StringRef Lines;
    size_t SeverityAt = 0;
    Severity Sev = Severity::None;
    bool Unsafe = false;
  };
  RuleBytes ruleBytes(llvm::StringRef Id) const;
  /// This report's number, unique in the process (never 0): what each thread remembers of
  /// the strings it escaped for a report is used for that report only.
  uint64_t reportId() const { return Id; }
  /// Writes the report made of Pieces in order (empty ones are skipped).
  static void write(llvm::raw_ostream &OS, llvm::ArrayRef<llvm::StringRef> Pieces);
  /// The same bytes written to Fd by writev() after OS, the stream writing to Fd, is flushed:
  /// the pieces go out where they lie, neither copied into a buffer nor written one system call
  /// each.
  static std::error_code write(llvm::raw_ostream &OS, int Fd,
                               llvm::ArrayRef<llvm::StringRef> Pieces);

private:
  /// A catalogue rule in an open-addressed table (a finding's rule is looked up for every
  /// finding: a StringMap's hash of the id cost more than the rest of the lookup).
  struct Slot {
    uint64_t Key = 0;               ///< ruleKey() of the id
    uint32_t Size = 0;              ///< of the id
    uint32_t Begin = 0, End = 0;    ///< its lines in Lines, then its default severity's
    uint32_t SeverityAt = 0;        ///< where in Lines the severity line starts
    const RuleInfo *Rule = nullptr; ///< null: an empty slot
  };
  size_t slotOf(uint64_t Key, size_t Size) const;
  const Slot *find(llvm::StringRef Id) const;
  std::vector<Slot> Slots; ///< a power of two, at most half full
  unsigned Bits = 0;       ///< log2 of Slots.size()
  std::string Lines;       ///< every rule's lines, one after another
  uint64_t Id = 0;         ///< reportId()
};

} // namespace ballast::report
