//===- DL3001.cpp - Commands that make no sense in a container build ------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class PointlessCommand : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"ssh",  "vim", "shutdown", "service", "ps",
                                            "free", "top", "kill",     "mount",   "ifconfig"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    bool SshMount = false;
    for (const Flag *F : I.flags("mount"))
      SshMount |= mountOption(F->Value, "type") == "ssh";
    for (const shell::Command &Cmd : S->commands()) {
      if (Cmd.Args.empty())
        continue;
      llvm::StringRef Why = reason(Cmd);
      if (Why.empty() || (SshMount && Cmd.is("ssh")))
        continue;
      C.report(C.scriptRange(I, Cmd.Args.front().Range),
               "`" + Cmd.basename().str() + "` makes no sense in an image build: " + Why.str());
    }
  }

private:
  static llvm::StringRef reason(const shell::Command &Cmd) {
    if (Cmd.isAnyOf({"ssh"}))
      return "a RUN step cannot hold an interactive session; fetch what you need with the "
             "build context, `ADD <url>` or `RUN --mount=type=ssh`";
    if (Cmd.isAnyOf({"vim"}))
      return "there is no terminal to edit in; write files with COPY or a heredoc";
    if (Cmd.isAnyOf({"shutdown"}))
      return "there is no system to shut down; remove it";
    if (Cmd.isAnyOf({"service"}))
      return "services started in a RUN stop when the step ends; start them from the "
             "ENTRYPOINT or CMD";
    if (Cmd.isAnyOf({"ps", "free", "top"}))
      return "it only reports on the short-lived build container; remove it";
    if (Cmd.isAnyOf({"kill"}))
      return "no process outlives a RUN step; remove it";
    if (Cmd.isAnyOf({"mount"}))
      return "mounts do not persist into the image; use `RUN --mount` or a VOLUME";
    if (Cmd.isAnyOf({"ifconfig"}))
      return "the build container's network is not the one the image runs with; remove it";
    return "";
  }
};

} // namespace

RuleInfo infoDL3001() {
  RuleInfo R;
  R.Id = "DL3001";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Maintainability;
  R.Title = "some commands make no sense in a container build";
  return R;
}

BALLAST_RULE_MAKE(DL3001, PointlessCommand)

} // namespace ballast::rules
