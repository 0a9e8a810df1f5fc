//===- Gate.h - CI thresholds: --fail-on and dive's .dive-ci -----*- C++ -*-===//
//
// `--fail-on 'efficiency<0.95,wasted>20MB,user-wasted>10%'` checks the exact figures (prefix a
// metric with `dive.` for dive's). A `.dive-ci` file (`rules: lowestEfficiency,
// highestWastedBytes, highestUserWastedPercent`, each a value or "disabled") is read the way
// dive reads it and checked against dive's figures, so a team's existing gate keeps its meaning.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "analyzer/Analysis.h"

namespace ballast::analyzer {

/// One threshold.
struct GateRule {
  enum Metric { Efficiency, Wasted, UserWasted } Metric = Efficiency;
  enum Op { Less, LessEq, Greater, GreaterEq } Op = Less;
  double Value = 0;  ///< a ratio for efficiency and user-wasted, bytes for wasted
  bool Dive = false; ///< check dive's figure instead of the exact one
  std::string Name;  ///< as written: "efficiency<0.95", "rules.lowestEfficiency"
};

/// Parses --fail-on: comma-separated `METRIC OP VALUE` with METRIC one of efficiency, wasted,
/// user-wasted (optionally `dive.`-prefixed), OP one of < <= > >=, VALUE a number, a percentage
/// ("10%") or, for wasted, a size ("20MB" = 20,000,000 bytes, "20MiB" = 20 x 2^20).
llvm::Expected<std::vector<GateRule>> parseFailOn(llvm::StringRef Spec);

/// Parses a .dive-ci file's text (File names it in errors); "disabled" rules are left out.
llvm::Expected<std::vector<GateRule>> parseDiveCi(llvm::StringRef Text, llvm::StringRef File);

/// go-humanize's ParseBytes ("20MB", "1.5 GiB", "512"): SI and IEC units, case-insensitive.
llvm::Expected<uint64_t> parseBytes(llvm::StringRef S);

/// The message of every rule that fails on A, in rule order ("" when none fails).
std::vector<std::string> evaluateGate(const std::vector<GateRule> &Rules, const Analysis &A);

} // namespace ballast::analyzer
