//===- DL3049.cpp - Label is missing --------------------------------------===//
//
// Labels matter on the images a Dockerfile produces: a stage that no other stage builds on or
// copies from. Such a stage has a label when it, or a stage it is built FROM, sets it.
//
//===----------------------------------------------------------------------===//
#include <map>
#include <set>

#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class MissingLabel : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Label || C.inOnbuild() || !C.stage())
      return;
    for (const KeyValue &P : I.Pairs)
      if (std::optional<std::string> Key = literalText(P.Key.Text, C.file().Escape))
        Set[C.stage()->Index].insert(*Key);
  }

  void finish(Context &C) override {
    const auto &Schema = C.config().LabelSchema;
    if (Schema.empty())
      return;
    const auto &Stages = C.stages().Stages;
    std::set<unsigned> Used;
    for (const Stage &S : Stages)
      for (unsigned D : S.DependsOn)
        Used.insert(D);
    for (const Stage &S : Stages) {
      if (Used.count(S.Index) || !S.From)
        continue;
      for (const auto &[Label, Type] : Schema) {
        if (hasLabel(Stages, S.Index, Label))
          continue;
        const Instruction &F = *S.From;
        uint32_t End = F.Args.empty() ? F.KeywordRange.End : F.Args.back().Range.End;
        C.report({F.KeywordRange.Begin, End},
                 "label `" + Label + "` is missing from the image of this stage; add `LABEL " +
                     Label + "=<value>`");
      }
    }
  }

private:
  bool hasLabel(const std::vector<Stage> &Stages, unsigned Index, const std::string &Label) {
    for (int N = int(Index); N >= 0; N = Stages[N].BaseStage) {
      auto It = Set.find(unsigned(N));
      if (It != Set.end() && It->second.count(Label))
        return true;
      if (Stages[N].BaseStage >= N)
        break;
    }
    return false;
  }

  std::map<unsigned, std::set<std::string>> Set;
};

} // namespace

RuleInfo infoDL3049() {
  RuleInfo R;
  R.Id = "DL3049";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Maintainability;
  R.Title = "label is missing";
  return R;
}

BALLAST_RULE_MAKE(DL3049, MissingLabel)

} // namespace ballast::rules
