//===- DL3021.cpp - COPY with several sources needs a folder destination --===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

llvm::StringRef unquote(llvm::StringRef S) {
  if (S.size() >= 2 && (S.front() == '"' || S.front() == '\'') && S.back() == S.front())
    return S.drop_front().drop_back();
  return S;
}

/// `dir/`, `.`, `..`, `dir/.`: BuildKit treats these as folders.
bool namesFolder(llvm::StringRef Dest) {
  return Dest.endswith("/") || Dest.endswith("\\") || Dest == "." || Dest == ".." ||
         Dest.endswith("/.") || Dest.endswith("/..");
}

class MultiSourceDest : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy, InstrKind::Add); }
  void check(const Instruction &I, Context &C) override {
    if ((I.Kind != InstrKind::Copy && I.Kind != InstrKind::Add) || I.Args.size() < 3)
      return;
    const Word &Dest = I.Args.back();
    llvm::StringRef D = unquote(Dest.Text);
    if (D.empty() || namesFolder(D))
      return;
    std::string Kw = llvm::StringRef(I.Keyword).upper();
    auto R = C.report(Dest.Range, Kw + " with " + std::to_string(I.Args.size() - 1) +
                                      " sources needs a folder destination; write `" + D.str() +
                                      "/` (with a trailing slash)");
    // Insert the slash inside the closing quote when the destination is quoted.
    llvm::StringRef Raw = C.file().Source->slice(Dest.Range);
    uint32_t At = Dest.Range.End;
    if (Raw.size() >= 2 && (Raw.back() == '"' || Raw.back() == '\''))
      --At;
    R.fix("add a trailing slash to the destination", {TextEdit{{At, At}, "/"}});
  }
};

} // namespace

RuleInfo infoDL3021() {
  RuleInfo R;
  R.Id = "DL3021";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "COPY with more than 2 arguments requires the last argument to end with /";
  R.Fixes = FixSafety::Unsafe;
  return R;
}

BALLAST_RULE_MAKE(DL3021, MultiSourceDest)

} // namespace ballast::rules
