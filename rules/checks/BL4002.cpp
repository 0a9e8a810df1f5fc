//===- BL4002.cpp - EXPOSE should not map host ports or addresses ---------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// BuildKit's splitParts: `[ip:]hostPort:containerPort` (an IPv6 ip keeps its colons).
void splitPort(llvm::StringRef Raw, llvm::StringRef &Ip, llvm::StringRef &Host,
               llvm::StringRef &Container) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Raw.split(Parts, ':');
  Ip = Host = "";
  Container = Parts.back();
  if (Parts.size() >= 2)
    Host = Parts[Parts.size() - 2];
  if (Parts.size() >= 3) {
    size_t IpLen = Raw.size() - Host.size() - Container.size() - 2;
    Ip = Raw.take_front(IpLen);
  }
}

class ExposeInvalidFormat : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Expose); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Expose)
      return;
    for (const Word &W : I.Args) {
      // Ports built from variables are checked only once they are known.
      std::optional<std::string> Text = literalText(W.Text, C.file().Escape);
      if (!Text)
        continue;
      llvm::StringRef Ip, Host, Container;
      splitPort(*Text, Ip, Host, Container);
      if (Ip.empty() && Host.empty())
        continue;
      C.report(W.Range, "`" + *Text + "` maps " + (Ip.empty() ? "a host port" : "an address") +
                            ", but EXPOSE only documents a container port; write `EXPOSE " +
                            Container.str() + "` and publish with `docker run -p`");
    }
  }
};

} // namespace

RuleInfo infoBL4002() {
  RuleInfo R;
  R.Id = "BL4002";
  R.Aliases = {"ExposeInvalidFormat"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "expose should not define an ip address or host-port mapping";
  return R;
}

BALLAST_RULE_MAKE(BL4002, ExposeInvalidFormat)

} // namespace ballast::rules
