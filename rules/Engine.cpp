//===- Engine.cpp ---------------------------------------------------------===//
#include "rules/Engine.h"

#include "rules/Registry.h"
#include "rules/Rule.h"
#include "rules/ShellCheck.h"
#include "rules/Suppression.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Path.h"

namespace ballast::rules {

LintResult lintText(const std::string &Path, std::string Text, const Config &Cfg,
                    const LintOptions &Opts) {
  std::string Ctx = Opts.ContextDir;
  if (Ctx.empty() && Path != "-") {
    Ctx = llvm::sys::path::parent_path(Path).str();
    if (Ctx.empty())
      Ctx = ".";
  }
  Model M(dockerfile::parse(Path, std::move(Text)), Ctx);
  const dockerfile::Dockerfile &DF = M.file();
  LintResult R;
  R.Source = DF.Source;
  R.ParseFailed = !DF.ok();
  Context C(M, Cfg);
  Suppressions Sup(DF, M.stages(), Cfg.DisableIgnorePragma);

  for (const Diagnostic &E : DF.Errors) {
    Finding F;
    F.File = Path;
    F.Range = E.Range;
    F.RuleId = "DL1000";
    F.Sev = Severity::Error;
    F.Message = E.Message;
    C.add(std::move(F));
  }

  // Every check() call in file order, ONBUILD children after their wrapper; each rule walks
  // only the visits of the kinds it declares (Rule::kinds), in this order.
  struct Visit {
    const dockerfile::Instruction *I;
    const dockerfile::Stage *Stage;
    const dockerfile::Instruction *Wrapper;
  };
  llvm::SmallVector<Visit, 64> Visits;
  Visits.reserve(DF.Instructions.size());
  const dockerfile::Stage *Cur = nullptr;
  {
    unsigned NextStage = 0;
    const auto &Stages = M.stages().Stages;
    for (const dockerfile::Instruction &I : DF.Instructions) {
      if (I.Kind == dockerfile::InstrKind::From && NextStage < Stages.size())
        Cur = &Stages[NextStage++];
      Visits.push_back({&I, Cur, nullptr});
      if (I.Kind == dockerfile::InstrKind::Onbuild && I.Child)
        Visits.push_back({I.Child.get(), Cur, &I});
    }
  }
  KindMask Present = 0;
  for (const Visit &V : Visits)
    Present |= kindBit(V.I->Kind);

  llvm::ArrayRef<RuleInfo> Cat = catalogue();
  llvm::ArrayRef<RuleDef> Defs = allRuleDefs();
  for (size_t K = 0; K < Defs.size(); ++K) {
    const RuleDef &D = Defs[K];
    const RuleInfo &Info = Cat[K];
    if (Cfg.isIgnored(Info.Id, Info.Aliases, Path))
      continue;
    std::unique_ptr<Rule> Ru = D.Make();
    C.setRule(&Info);
    KindMask Mask = Opts.EveryKind ? AllKinds : Ru->kinds();
    if (Mask & Present)
      for (const Visit &V : Visits)
        if (Mask & kindBit(V.I->Kind)) {
          C.setPosition(V.Stage, V.Wrapper);
          Ru->check(*V.I, C);
        }
    C.setPosition(Cur, nullptr);
    Ru->finish(C);
  }

  if (Opts.ShellCheck && !Sup.shellIsPowerShell())
    for (Finding &F : runShellCheck(M))
      C.add(std::move(F));

  for (Finding &F : C.takeFindings()) {
    F.File = Path;
    F.locate(*DF.Source);
    const RuleInfo *Info = findRule(F.RuleId);
    if (Info) {
      if (F.RuleId != "DL1000" && Sup.suppressed(*Info, F.Begin.Line)) {
        ++R.Suppressed;
        continue;
      }
      F.Sev = Cfg.severityFor(Info->Id, Info->Aliases, Path, F.Sev);
      if (Sup.checksAreErrors() && !Info->Aliases.empty() && F.Sev != Severity::None)
        F.Sev = Severity::Error;
    } else {
      RuleInfo Ext;
      Ext.Id = F.RuleId;
      if (Sup.suppressed(Ext, F.Begin.Line)) {
        ++R.Suppressed;
        continue;
      }
      if (Cfg.isIgnored(F.RuleId, {}, Path))
        continue;
      F.Sev = Cfg.severityFor(F.RuleId, {}, Path, F.Sev);
    }
    if (F.Sev == Severity::None)
      continue;
    R.Findings.push_back(std::move(F));
  }
  sortFindings(R.Findings);
  return R;
}

} // namespace ballast::rules
