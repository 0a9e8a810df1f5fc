//===- SourceFile.h - A file's text with byte-offset ranges ------*- C++ -*-===//
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "llvm/ADT/StringRef.h"

namespace ballast {

/// A half-open byte range [Begin, End) into one SourceFile.
struct SourceRange {
  uint32_t Begin = 0;
  uint32_t End = 0;
  SourceRange() = default;
  SourceRange(uint32_t B, uint32_t E) : Begin(B), End(E) {}
  bool empty() const { return Begin == End; }
  uint32_t size() const { return End - Begin; }
  bool contains(uint32_t Off) const { return Off >= Begin && Off < End; }
  bool operator==(const SourceRange &O) const = default;
};

/// A 1-based line and column (column counts bytes, like clang and hadolint).
struct LineCol {
  unsigned Line = 0;
  unsigned Column = 0;
  bool operator==(const LineCol &O) const = default;
};

/// Defined where the loops over every line have a copy built for AVX2 (x86-64 with GCC or Clang,
/// whose target attribute builds it); detail::WideLineScan then chooses it at run time.
#if defined(__x86_64__) && defined(__GNUC__)
#define BALLAST_WIDE_LINE_SCAN 1
#endif

namespace detail {
/// Whether the loops over every line read 32 bytes a compare or move (AVX2 and BMI, when the
/// processor has them: set at start-up) rather than 16: SourceFile's search for newlines, the
/// Dockerfile parser's copy of continuation lines. They give the same results either way; tests
/// clear it to check the SSE2 loops on a processor that has AVX2.
extern bool WideLineScan;
} // namespace detail

/// The text of one file plus a line table, so offsets become line:col only when printed.
class SourceFile {
public:
  SourceFile(std::string Path, std::string Text);

  llvm::StringRef path() const { return Path; }
  llvm::StringRef text() const { return Text; }
  llvm::StringRef slice(SourceRange R) const { return llvm::StringRef(Text).slice(R.Begin, R.End); }
  /// Line and column of a byte offset (offset == size() maps past the last byte).
  LineCol lineCol(uint32_t Offset) const;
  /// Byte offset of the first byte of a 1-based line (inline: the Dockerfile parser asks for
  /// every line).
  uint32_t lineStart(unsigned Line) const {
    if (Line == 0)
      return 0;
    if (Line > NumLines)
      return static_cast<uint32_t>(Text.size());
    return LineStarts[Line - 1];
  }
  /// The text of a 1-based line without its newline.
  llvm::StringRef lineText(unsigned Line) const;
  unsigned lineCount() const { return NumLines; }
  /// The line table itself: entry K is the first byte of line K + 1, and entry lineCount() is
  /// the text's size. For a caller that walks every line (the Dockerfile parser), which would
  /// otherwise pay lineStart's tests and reloads on each one.
  const uint32_t *lineTable() const { return LineStarts.get(); }

private:
  std::string Path;
  std::string Text;
  /// The offset of each line's first byte; NumLines are set, then the text's size. A buffer
  /// rather than a vector: a vector would zero the whole guessed size first, memory written
  /// twice for nothing.
  std::unique_ptr<uint32_t[]> LineStarts;
  unsigned NumLines = 0;
};

} // namespace ballast
