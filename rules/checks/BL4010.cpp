//===- BL4010.cpp - FROM uses an undeclared ARG ---------------------------===//
//
// BuildKit's UndefinedArgInFrom: a variable in a FROM image or --platform must be a global ARG
// (declared before the first FROM) or one of BuildKit's predefined platform ARGs.
//
//===----------------------------------------------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class UndefinedArgInFrom : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || I.Args.empty())
      return;
    const Word &Image = I.Args[0];
    // (The image is expanded once for BL4006 too. A FROM starts its stage, whose graph tested
    // the word already.)
    const Stage *St = C.stage();
    if (St ? !St->LiteralImage : !isLiteralWord(Image.Text, C.file().Escape))
      if (const Model::ImageExpansion &E = C.model().imageExpansion(Image); E.Ok)
        reportUnset(C, E.Unset, Image.Range);
    if (const Flag *F = I.flag("platform"))
      if (F->HasValue)
        checkWord(C, F->Value, F->Range);
  }

private:
  void checkWord(Context &C, llvm::StringRef Text, SourceRange Range) {
    if (isLiteralWord(Text, C.file().Escape))
      return; // refers to no variable
    if (!Globals)
      Globals = &C.model().globalArgs().Scope;
    // Only the unset names are wanted: no list of the names set, no error message built.
    ExpandOptions Opts;
    Opts.Escape = C.file().Escape;
    Expanded.clear();
    Unset.clear();
    if (!expandWordInto(Text, *Globals, Opts, Expanded, &Unset))
      return;
    reportUnset(C, Unset, Range);
  }

  /// Reports the names of Unset that are no global ARG, found in the word at Range.
  void reportUnset(Context &C, llvm::ArrayRef<std::string> Unset, SourceRange Range) {
    for (const std::string &Name : Unset) {
      const std::vector<std::string> &Known = known(C);
      if (llvm::is_contained(Known, Name))
        continue;
      std::string Msg = "`$" + Name + "` is not a declared global ARG; declare `ARG " + Name +
                        "` before the first FROM";
      std::string Suggest = suggestName(Name, Known);
      if (!Suggest.empty())
        Msg += " (did you mean `$" + Suggest + "`?)";
      C.report(findVariableReference(*C.file().Source, Range, Name), Msg);
    }
  }

  /// The global ARGs, then the predefined ones not redeclared; made when first needed.
  const std::vector<std::string> &known(Context &C) {
    if (!Loaded) {
      const std::set<std::string> &Declared = C.model().globalArgNames();
      for (const std::string &D : Declared)
        Known.push_back(D);
      for (const auto &[Name, Value] : C.model().globalArgs().Scope.entries())
        if (!Declared.count(Name.str()))
          Known.push_back(Name.str());
      Loaded = true;
    }
    return Known;
  }

  const VarScope *Globals = nullptr;
  /// The expansion of the word being checked (unread) and the names it found unset.
  std::string Expanded;
  llvm::SmallVector<std::string, 2> Unset;
  std::vector<std::string> Known;
  bool Loaded = false;
};

} // namespace

RuleInfo infoBL4010() {
  RuleInfo R;
  R.Id = "BL4010";
  R.Aliases = {"UndefinedArgInFrom"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "from must use declared args";
  return R;
}

BALLAST_RULE_MAKE(BL4010, UndefinedArgInFrom)

} // namespace ballast::rules
