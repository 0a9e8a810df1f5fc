//===- BL4006.cpp - Default ARG values give an invalid base image ---------===//
//
// BuildKit's InvalidDefaultArgInFrom: with only the ARG defaults (no --build-arg), each FROM
// image must expand to a reference distribution/reference.ParseNormalizedNamed accepts.
//
//===----------------------------------------------------------------------===//
#include "oci/Reference.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Why Ref is not a valid normalized image reference, or "" when it is.
std::string referenceProblem(llvm::StringRef Ref) {
  // Whether a name is lower case is asked in place, without a lower-cased copy.
  auto IsUpper = [](char C) { return C >= 'A' && C <= 'Z'; };
  if (Ref.empty())
    return "an empty image name";
  if (Ref.size() == 64 &&
      llvm::all_of(Ref, [](char C) { return llvm::isDigit(C) || (C >= 'a' && C <= 'f'); }))
    return "a bare 64-character image id";
  // splitDockerDomain: the first component is a registry when it looks like a host.
  llvm::StringRef Domain, Remainder = Ref;
  size_t Slash = Ref.find('/');
  if (Slash != llvm::StringRef::npos) {
    llvm::StringRef First = Ref.take_front(Slash);
    if (First.contains('.') || First.contains(':') || First == "localhost" ||
        llvm::any_of(First, IsUpper)) {
      Domain = First;
      Remainder = Ref.drop_front(Slash + 1);
    }
  }
  llvm::StringRef Remote = Remainder.split('@').first;
  size_t TagSep = Remote.find(':');
  if (TagSep != llvm::StringRef::npos)
    Remote = Remote.take_front(TagSep);
  if (llvm::any_of(Remote, IsUpper))
    return "`" + Ref.str() + "`, whose repository name is not lowercase";
  // The normalized name is built on the stack (most fit): it is only checked, never kept.
  llvm::SmallString<128> Full;
  if (Domain.empty()) {
    Full = "docker.io/";
    if (!Remainder.contains('/'))
      Full += "library/";
    Full += Remainder;
  } else {
    Full = Ref;
  }
  llvm::StringRef Name;
  if (!oci::Reference::isQualified(Full, &Name))
    return "`" + Ref.str() + "`, which is not a valid image reference";
  if (Name.size() > 255)
    return "`" + Ref.str() + "`, whose name is longer than 255 characters";
  return "";
}

class InvalidDefaultArgInFrom : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || !C.stage() || I.Args.empty())
      return;
    const Word &Image = I.Args[0];
    // (The stage graph tested the word: a FROM starts its stage.)
    if (C.stage()->LiteralImage)
      return; // no ARG involved; a bad literal reference is a build error, not this check
    // (Expanded once for BL4010 too.)
    const Model::ImageExpansion &E = C.model().imageExpansion(Image);
    if (!E.Ok)
      return;
    std::string Why = referenceProblem(E.Text);
    if (Why.empty())
      return;
    ExpandOptions Opts;
    Opts.Escape = C.file().Escape;
    auto R = expandWord(Image.Text, C.model().globalArgs().Scope, Opts);
    if (!R) {
      llvm::consumeError(R.takeError());
      return;
    }
    std::string Arg = !R->Unset.empty() ? R->Unset[0] : !R->Used.empty() ? R->Used[0] : "BASE";
    C.report(Image.Range, "with the default ARG values, `" + Image.Text + "` gives " + Why +
                              "; give `ARG " + Arg +
                              "` a default that makes a valid image reference");
  }
};

} // namespace

RuleInfo infoBL4006() {
  RuleInfo R;
  R.Id = "BL4006";
  R.Aliases = {"InvalidDefaultArgInFrom"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "default value for global arg results in an empty or invalid base image name";
  return R;
}

BALLAST_RULE_MAKE(BL4006, InvalidDefaultArgInFrom)

} // namespace ballast::rules
