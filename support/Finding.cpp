//===- Finding.cpp --------------------------------------------------------===//
#include "support/Finding.h"

#include <algorithm>
#include <tuple>

#include "llvm/ADT/StringSwitch.h"

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

void Finding::locate(const SourceFile &SF) {
  Begin = SF.lineCol(Range.Begin);
  End = SF.lineCol(Range.End);
  for (Note &N : Notes)
    N.Begin = SF.lineCol(N.Range.Begin);
}

void sortFindings(std::vector<Finding> &Fs) {
  if (Fs.size() < 2)
    return;
  // Sort positions, then move the findings into place: a Finding is a few hundred bytes.
  std::vector<uint32_t> Order(Fs.size());
  for (uint32_t I = 0; I < Order.size(); ++I)
    Order[I] = I;
  // The findings of one lint share one file: then the file names (long, equal, compared in
  // full) are left out of the comparisons.
  bool OneFile = std::all_of(Fs.begin() + 1, Fs.end(),
                             [&](const Finding &F) { return F.File == Fs.front().File; });
  std::stable_sort(Order.begin(), Order.end(), [&](uint32_t IA, uint32_t IB) {
    const Finding &A = Fs[IA], &B = Fs[IB];
    if (!OneFile && A.File != B.File)
      return A.File < B.File;
    return std::tie(A.Begin.Line, A.Begin.Column, A.RuleId) <
           std::tie(B.Begin.Line, B.Begin.Column, B.RuleId);
  });
  // Finding Order[I] goes to slot I: each cycle of the permutation is rotated through one
  // spare finding (no second vector of findings).
  for (uint32_t Start = 0; Start < Order.size(); ++Start) {
    if (Order[Start] == Start)
      continue;
    Finding Spare = std::move(Fs[Start]);
    uint32_t Slot = Start;
    while (Order[Slot] != Start) {
      uint32_t From = Order[Slot];
      Fs[Slot] = std::move(Fs[From]);
      Order[Slot] = Slot;
      Slot = From;
    }
    Fs[Slot] = std::move(Spare);
    Order[Slot] = Slot;
  }
}

} // namespace ballast
