//===- Gate.cpp - CI thresholds: --fail-on and dive's .dive-ci ------------===//
#include "analyzer/Gate.h"

#include <cmath>

#include <yaml-cpp/yaml.h>

#include "support/Errors.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::analyzer {

llvm::Expected<uint64_t> parseBytes(llvm::StringRef S) {
  std::string Clean;
  for (char C : S.trim())
    if (C != ',')
      Clean += C;
  llvm::StringRef T(Clean);
  size_t NumEnd = 0;
  while (NumEnd < T.size() && (llvm::isDigit(T[NumEnd]) || T[NumEnd] == '.'))
    ++NumEnd;
  llvm::StringRef Num = T.take_front(NumEnd);
  std::string Unit = T.drop_front(NumEnd).trim().lower();
  double V;
  if (Num.empty() || Num.getAsDouble(V))
    return makeError("invalid size '" + S + "'; write a number with an optional unit, e.g. 20MB");
  static const std::pair<const char *, double> Units[] = {{"", 1},
                                                          {"b", 1},
                                                          {"k", 1e3},
                                                          {"kb", 1e3},
                                                          {"ki", 1024.0},
                                                          {"kib", 1024.0},
                                                          {"m", 1e6},
                                                          {"mb", 1e6},
                                                          {"mi", 1048576.0},
                                                          {"mib", 1048576.0},
                                                          {"g", 1e9},
                                                          {"gb", 1e9},
                                                          {"gi", 1073741824.0},
                                                          {"gib", 1073741824.0},
                                                          {"t", 1e12},
                                                          {"tb", 1e12},
                                                          {"ti", 1099511627776.0},
                                                          {"tib", 1099511627776.0},
                                                          {"p", 1e15},
                                                          {"pb", 1e15},
                                                          {"pi", 1125899906842624.0},
                                                          {"pib", 1125899906842624.0}};
  for (const auto &[U, M] : Units)
    if (Unit == U) {
      double B = V * M;
      if (B >= 18446744073709551615.0)
        return makeError("size '" + S + "' is too large");
      return static_cast<uint64_t>(B);
    }
  return makeError("unknown unit '" + Unit + "' in '" + S + "'; use B, kB, MB, GB, KiB, MiB, GiB");
}

llvm::Expected<std::vector<GateRule>> parseFailOn(llvm::StringRef Spec) {
  std::vector<GateRule> Out;
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Spec.split(Parts, ',', -1, false);
  if (Parts.empty())
    return makeError("empty --fail-on; write e.g. 'efficiency<0.95,wasted>20MB,user-wasted>10%'");
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    size_t OpAt = P.find_first_of("<>");
    if (OpAt == llvm::StringRef::npos)
      return makeError("--fail-on rule '" + P +
                       "' has no comparison; write METRIC<VALUE or METRIC>VALUE, e.g. "
                       "efficiency<0.95");
    GateRule R;
    R.Name = P.str();
    llvm::StringRef Metric = P.take_front(OpAt).trim();
    llvm::StringRef Rest = P.drop_front(OpAt);
    if (Rest.consume_front("<="))
      R.Op = GateRule::LessEq;
    else if (Rest.consume_front(">="))
      R.Op = GateRule::GreaterEq;
    else if (Rest.consume_front("<"))
      R.Op = GateRule::Less;
    else {
      Rest.consume_front(">");
      R.Op = GateRule::Greater;
    }
    Rest = Rest.trim();
    R.Dive = Metric.consume_front("dive.");
    if (Metric == "efficiency")
      R.Metric = GateRule::Efficiency;
    else if (Metric == "wasted" || Metric == "wasted-bytes" || Metric == "wasted_bytes")
      R.Metric = GateRule::Wasted;
    else if (Metric == "user-wasted" || Metric == "user_wasted_percent" ||
             Metric == "user-wasted-percent")
      R.Metric = GateRule::UserWasted;
    else
      return makeError("--fail-on rule '" + P + "': unknown metric '" + Metric +
                       "'; use efficiency, wasted or user-wasted (dive.-prefixed for dive's)");
    if (R.Metric == GateRule::Wasted) {
      auto B = parseBytes(Rest);
      if (!B)
        return makeError("--fail-on rule '" + P + "': " + llvm::toString(B.takeError()));
      R.Value = double(*B);
    } else {
      bool Percent = Rest.consume_back("%");
      double V;
      if (Rest.trim().getAsDouble(V))
        return makeError("--fail-on rule '" + P + "': '" + Rest +
                         "' is not a number; write 0.95 or 95%");
      R.Value = Percent ? V / 100 : V;
    }
    Out.push_back(std::move(R));
  }
  return Out;
}

llvm::Expected<std::vector<GateRule>> parseDiveCi(llvm::StringRef Text, llvm::StringRef File) {
  YAML::Node Root;
  try {
    Root = YAML::Load(Text.str());
  } catch (const YAML::Exception &E) {
    return makeError(File, {unsigned(E.mark.line + 1), unsigned(E.mark.column + 1)},
                     "invalid YAML: " + E.msg + "; fix the .dive-ci syntax");
  }
  std::vector<GateRule> Out;
  if (!Root.IsMap() || !Root["rules"])
    return Out;
  YAML::Node Rules = Root["rules"];
  if (!Rules.IsMap())
    return makeError(File + ": 'rules' must be a mapping of lowestEfficiency, highestWastedBytes "
                            "and highestUserWastedPercent");
  for (const auto &KV : Rules) {
    std::string Key, Value;
    try {
      Key = KV.first.as<std::string>();
      Value = KV.second.as<std::string>();
    } catch (const YAML::Exception &E) {
      return makeError(File, {unsigned(E.mark.line + 1), unsigned(E.mark.column + 1)},
                       "rule values must be scalars");
    }
    if (Value == "disabled")
      continue;
    GateRule R;
    R.Dive = true;
    R.Name = "rules." + Key;
    auto Line = LineCol{unsigned(KV.second.Mark().line + 1), unsigned(KV.second.Mark().column + 1)};
    if (Key == "lowestEfficiency" || Key == "highestUserWastedPercent") {
      double V;
      if (llvm::StringRef(Value).trim().getAsDouble(V))
        return makeError(File, Line,
                         "invalid config value ('" + Value + "') for " + Key + "; use a number");
      R.Value = V;
      R.Metric = Key == "lowestEfficiency" ? GateRule::Efficiency : GateRule::UserWasted;
      R.Op = Key == "lowestEfficiency" ? GateRule::Less : GateRule::Greater;
    } else if (Key == "highestWastedBytes") {
      auto B = parseBytes(Value);
      if (!B)
        return makeError(
            File, Line, "invalid config value ('" + Value + "'): " + llvm::toString(B.takeError()));
      R.Value = double(*B);
      R.Metric = GateRule::Wasted;
      R.Op = GateRule::Greater;
    } else {
      return makeError(File, Line,
                       "unknown rule '" + Key +
                           "'; dive knows lowestEfficiency, highestWastedBytes and "
                           "highestUserWastedPercent");
    }
    Out.push_back(std::move(R));
  }
  return Out;
}

static std::string num(double V) {
  char Buf[64];
  snprintf(Buf, sizeof Buf, "%.4g", V);
  return Buf;
}

std::vector<std::string> evaluateGate(const std::vector<GateRule> &Rules, const Analysis &A) {
  std::vector<std::string> Fails;
  for (const GateRule &R : Rules) {
    double V = 0;
    std::string What;
    switch (R.Metric) {
    case GateRule::Efficiency:
      V = R.Dive ? A.Dive.Efficiency : A.Efficiency;
      What = R.Dive ? "dive efficiency" : "efficiency";
      break;
    case GateRule::Wasted:
      V = R.Dive ? double(A.Dive.WastedBytes) : double(A.WastedBytes);
      What = R.Dive ? "dive wasted bytes" : "wasted bytes";
      break;
    case GateRule::UserWasted:
      V = R.Dive ? A.Dive.UserWastedPercent : A.UserWastedPercent;
      What = R.Dive ? "dive user wasted" : "user wasted";
      break;
    }
    // Comparisons with NaN are false, as in dive (a one-layer image passes its percent rule).
    bool Fail = false;
    switch (R.Op) {
    case GateRule::Less: Fail = V < R.Value; break;
    case GateRule::LessEq: Fail = V <= R.Value; break;
    case GateRule::Greater: Fail = V > R.Value; break;
    case GateRule::GreaterEq: Fail = V >= R.Value; break;
    }
    if (!Fail)
      continue;
    static const char *Ops[] = {"<", "<=", ">", ">="};
    std::string Shown = R.Metric == GateRule::Wasted
                            ? std::to_string(uint64_t(V)) + " (" + humanBytes(int64_t(V)) + ")"
                            : num(V);
    std::string Limit = R.Metric == GateRule::Wasted ? std::to_string(uint64_t(R.Value)) + " (" +
                                                           humanBytes(int64_t(R.Value)) + ")"
                                                     : num(R.Value);
    Fails.push_back("rule " + R.Name + " failed: " + What + " is " + Shown + ", " + Ops[R.Op] +
                    " " + Limit);
  }
  return Fails;
}

} // namespace ballast::analyzer
