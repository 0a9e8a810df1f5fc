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
  std::stable_sort(Fs.begin(), Fs.end(), [](const Finding &A, const Finding &B) {
    return std::tie(A.File, A.Begin.Line, A.Begin.Column, A.RuleId) <
           std::tie(B.File, B.Begin.Line, B.Begin.Column, B.RuleId);
  });
}

} // namespace ballast
