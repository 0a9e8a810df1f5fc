//===- DL3011.cpp - Valid UNIX ports range from 0 to 65535 ----------------===//
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Why Port (one side of `a-b`, or `a`) is not a port; "" when it is one.
std::string problem(llvm::StringRef Port) {
  if (Port.empty() || !llvm::all_of(Port, [](char Ch) { return llvm::isDigit(Ch); }))
    return "is not a port number";
  if (Port.size() > 5)
    return "is out of range";
  unsigned N = 0;
  Port.getAsInteger(10, N);
  return N > 65535 ? "is out of range" : "";
}

class InvalidPort : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Expose); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Expose)
      return;
    for (const Word &W : I.Args) {
      llvm::StringRef T = W.Text;
      if (T.contains('$') || T.contains('"') || T.contains('\''))
        continue; // decided by the build's variables
      llvm::StringRef Ports = T.split('/').first;
      // `[ip:][hostPort:]containerPort`: the container port is the part that counts.
      if (Ports.contains(':'))
        Ports = Ports.rsplit(':').second;
      auto [Lo, Hi] = Ports.split('-');
      std::string Why = problem(Lo);
      if (Why.empty() && Ports.contains('-'))
        Why = problem(Hi);
      if (Why.empty())
        continue;
      C.report(W.Range, "`" + W.Text + "` " + Why + "; valid ports range from 0 to 65535");
    }
  }
};

} // namespace

RuleInfo infoDL3011() {
  RuleInfo R;
  R.Id = "DL3011";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "valid UNIX ports range from 0 to 65535";
  return R;
}

BALLAST_RULE_MAKE(DL3011, InvalidPort)

} // namespace ballast::rules
