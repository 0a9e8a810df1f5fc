//===- BL4008.cpp - Empty continuation lines ------------------------------===//
//
// A blank line inside a `\`-continued instruction does not end it (BuildKit keeps joining) and
// is deprecated. Any blank line between an instruction's first line and its last continued line
// (heredoc bodies excluded) is such a line.
//
//===----------------------------------------------------------------------===//
#include "rules/Rule.h"
#include "llvm/ADT/STLExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class EmptyContinuation : public Rule {
public:
  // The instructions are walked in finish(), not visited one check() call each: the question is
  // per top-level instruction and needs no position, and most files have no parser warning.
  KindMask kinds() const override { return 0; }
  void check(const Instruction &, Context &) override {}
  void finish(Context &C) override {
    if (C.file().Warnings.empty())
      return;
    for (const Instruction &I : C.file().Instructions)
      checkOne(I, C);
  }

private:
  void checkOne(const Instruction &I, Context &C) {
    if (I.StartLine == I.EndLine)
      return;
    // The parser warns once per instruction with an empty continuation line, at its start: an
    // instruction without that warning has none, and its lines need not be read again.
    if (llvm::none_of(C.file().Warnings,
                      [&](const Diagnostic &D) { return D.Range.Begin == I.Range.Begin; }))
      return;
    const SourceFile &SF = *C.file().Source;
    const Instruction &Host = I.Child ? *I.Child : I;
    unsigned Last = I.EndLine;
    if (!Host.Heredocs.empty())
      Last = SF.lineCol(Host.Heredocs.front().ContentRange.Begin).Line - 1;
    std::vector<unsigned> Lines;
    for (unsigned L = I.StartLine + 1; L <= Last && L <= SF.lineCount(); ++L)
      if (SF.lineText(L).find_if_not([](char Ch) {
            return Ch == ' ' || (Ch >= '\t' && Ch <= '\r');
          }) == llvm::StringRef::npos)
        Lines.push_back(L);
    if (Lines.empty())
      return;
    std::vector<TextEdit> Edits;
    for (unsigned L : Lines) {
      uint32_t B = SF.lineStart(L);
      uint32_t E = L < SF.lineCount() ? SF.lineStart(L + 1) : uint32_t(B + SF.lineText(L).size());
      Edits.push_back({{B, E}, ""});
    }
    uint32_t B = SF.lineStart(Lines[0]);
    std::string Msg = "empty continuation line";
    if (Lines.size() > 1)
      Msg += " (and " + std::to_string(Lines.size() - 1) + " more in this instruction)";
    Msg += "; remove it: blank lines inside a continued instruction are deprecated and will "
           "become errors";
    C.report({B, uint32_t(B + SF.lineText(Lines[0]).size())}, Msg)
        .fix(Lines.size() > 1 ? "remove the empty lines" : "remove the empty line",
             std::move(Edits));
  }
};

} // namespace

RuleInfo infoBL4008() {
  RuleInfo R;
  R.Id = "BL4008";
  R.Aliases = {"NoEmptyContinuation"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "empty continuation lines will become errors in a future release";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(BL4008, EmptyContinuation)

} // namespace ballast::rules
