//===- Finding.cpp --------------------------------------------------------===//
#include "support/Finding.h"

#include <algorithm>
#include <cstdint>

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast {

llvm::StringRef severityName(Severity S) {
  switch (S) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Info: return "info";
  case Severity::Style: return "style";
  case Severity::None: return "none";
  }
  return "none";
}

std::optional<Severity> parseSeverity(llvm::StringRef S) {
  std::string L = S.trim().lower();
  return llvm::StringSwitch<std::optional<Severity>>(L)
      .Case("error", Severity::Error)
      .Case("warning", Severity::Warning)
      .Case("info", Severity::Info)
      .Case("style", Severity::Style)
      .Cases("none", "ignore", "off", Severity::None)
      .Default(std::nullopt);
}

FilePath::FilePath(llvm::StringRef S) {
  if (S.empty())
    return;
  // The path made last on this thread: the engine names the findings of a file one after
  // another, so all but the first share its copy.
  thread_local FilePath Last;
  if (!Last.B || llvm::StringRef(Last.B->Text) != S) {
    Last = FilePath();
    Last.B = new Block{{1}, S.str()};
  }
  B = Last.B;
  B->Refs.fetch_add(1, std::memory_order_relaxed);
}

llvm::raw_ostream &operator<<(llvm::raw_ostream &OS, const FilePath &P) { return OS << P.ref(); }

const std::string &FilePath::emptyString() {
  static const std::string Empty;
  return Empty;
}

namespace {

/// SF.lineCol(Offset), trying line Near and the one after it first: a finding's end is nearly
/// always on its first line, and its notes (package words, one or a few a line) on the line of
/// the note before or the next; then no binary search over the lines is needed.
LineCol lineColNear(const SourceFile &SF, unsigned Near, uint32_t Offset) {
  // Read from the line table directly (entry K starts line K + 1; entry lineCount() is the
  // text's size, so T[Near] exists for every line): lineStart() tests its argument each time.
  const uint32_t *T = SF.lineTable();
  unsigned Lines = SF.lineCount();
  if (Near != 0 && Near <= Lines && Offset >= T[Near - 1]) {
    if (Near == Lines || Offset < T[Near])
      return {Near, Offset - T[Near - 1] + 1};
    // Offset >= T[Near]: on line Near + 1 when it ends after Offset.
    if (Near + 1 == Lines || Offset < T[Near + 1])
      return {Near + 1, Offset - T[Near] + 1};
  }
  return SF.lineCol(Offset);
}

} // namespace

void Finding::locate(const SourceFile &SF) {
  Begin = SF.lineCol(Range.Begin);
  End = lineColNear(SF, Begin.Line, Range.End);
  unsigned Line = Begin.Line;
  for (Note &N : Notes) {
    N.Begin = lineColNear(SF, Line, N.Range.Begin);
    Line = N.Begin.Line;
  }
}

void sortFindings(std::vector<Finding> &Fs) {
  if (Fs.size() < 2)
    return;
  // Sort keys, then move the findings into place: a Finding is a few hundred bytes. A key holds
  // the position packed in one integer, so most comparisons look at no finding.
  struct Key {
    uint64_t Pos; // line, then column
    uint32_t Index;
  };
  llvm::SmallVector<Key, 32> Keys(Fs.size()); // (on the stack for most lints)
  for (uint32_t I = 0; I < Keys.size(); ++I)
    Keys[I] = {uint64_t(Fs[I].Begin.Line) << 32 | Fs[I].Begin.Column, I};
  // The findings of one lint share one file: then the file names (long, equal, compared in
  // full) are left out of the comparisons.
  bool OneFile = std::all_of(Fs.begin() + 1, Fs.end(),
                             [&](const Finding &F) { return F.File == Fs.front().File; });
  auto Less = [&](const Key &KA, const Key &KB) {
    if (!OneFile) {
      const std::string &FA = Fs[KA.Index].File, &FB = Fs[KB.Index].File;
      if (FA != FB)
        return FA < FB;
    }
    if (KA.Pos != KB.Pos)
      return KA.Pos < KB.Pos;
    return Fs[KA.Index].RuleId < Fs[KB.Index].RuleId;
  };
  // A lint has a few findings: an insertion sort (stable) needs no buffer, which
  // std::stable_sort allocates.
  if (Keys.size() <= 32) {
    for (size_t I = 1; I < Keys.size(); ++I) {
      Key K = Keys[I];
      size_t J = I;
      // Positions nearly always differ (and the findings come nearly in order): that test is
      // made here, without a call.
      for (; J > 0; --J) {
        const Key &Prev = Keys[J - 1];
        if (OneFile && K.Pos != Prev.Pos ? K.Pos > Prev.Pos : !Less(K, Prev))
          break;
        Keys[J] = Prev;
      }
      Keys[J] = K;
    }
  } else {
    std::stable_sort(Keys.begin(), Keys.end(), Less);
  }
  // Finding Keys[I].Index goes to slot I: each cycle of the permutation is rotated through one
  // spare finding (no second vector of findings).
  auto Order = [&](uint32_t I) -> uint32_t & { return Keys[I].Index; };
  for (uint32_t Start = 0; Start < Keys.size(); ++Start) {
    if (Order(Start) == Start)
      continue;
    Finding Spare = std::move(Fs[Start]);
    uint32_t Slot = Start;
    while (Order(Slot) != Start) {
      uint32_t From = Order(Slot);
      Fs[Slot] = std::move(Fs[From]);
      Order(Slot) = Slot;
      Slot = From;
    }
    Fs[Slot] = std::move(Spare);
    Order(Slot) = Slot;
  }
}

} // namespace ballast
