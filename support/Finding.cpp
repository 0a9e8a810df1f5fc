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
  // Sort positions, then move each finding once: a Finding is a few hundred bytes.
  std::vector<uint32_t> Order(Fs.size());
  for (uint32_t I = 0; I < Order.size(); ++I)
    Order[I] = I;
  std::stable_sort(Order.begin(), Order.end(), [&](uint32_t IA, uint32_t IB) {
    const Finding &A = Fs[IA], &B = Fs[IB];
    return std::tie(A.File, A.Begin.Line, A.Begin.Column, A.RuleId) <
           std::tie(B.File, B.Begin.Line, B.Begin.Column, B.RuleId);
  });
  std::vector<Finding> Sorted;
  Sorted.reserve(Fs.size());
  for (uint32_t I : Order)
    Sorted.push_back(std::move(Fs[I]));
  Fs = std::move(Sorted);
}

} // namespace ballast
