//===- Engine.cpp ---------------------------------------------------------===//
#include "rules/Engine.h"

#include "rules/Registry.h"
#include "rules/ShellCheck.h"
#include "rules/Suppression.h"
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

  llvm::ArrayRef<RuleInfo> Cat = catalogue();
  llvm::ArrayRef<RuleDef> Defs = allRuleDefs();
  for (size_t K = 0; K < Defs.size(); ++K) {
    const RuleDef &D = Defs[K];
    const RuleInfo &Info = Cat[K];
    if (Cfg.isIgnored(Info.Id, Info.Aliases, Path))
      continue;
    std::unique_ptr<Rule> Ru = D.Make();
    C.setRule(&Info);
    const dockerfile::Stage *Cur = nullptr;
    unsigned NextStage = 0;
    const auto &Stages = M.stages().Stages;
    for (const dockerfile::Instruction &I : DF.Instructions) {
      if (I.Kind == dockerfile::InstrKind::From && NextStage < Stages.size())
        Cur = &Stages[NextStage++];
      C.setPosition(Cur, nullptr);
      Ru->check(I, C);
      if (I.Kind == dockerfile::InstrKind::Onbuild && I.Child) {
        C.setPosition(Cur, &I);
        Ru->check(*I.Child, C);
      }
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
