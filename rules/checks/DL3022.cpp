//===- DL3022.cpp - COPY --from should reference a previously defined stage ===//
#include "rules/Rule.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether Ref can only be an image reference (it has a registry, namespace, tag or digest).
bool looksLikeImage(llvm::StringRef Ref) {
  return Ref.find_first_of("/:@.") != llvm::StringRef::npos;
}

class UndefinedCopyFrom : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Copy || C.inOnbuild() || !C.stage())
      return;
    const Flag *From = I.flag("from");
    if (!From || From->Value.empty())
      return;
    llvm::StringRef Ref = From->Value;
    if (Ref.contains('$') || looksLikeImage(Ref))
      return;
    const Stage &Cur = *C.stage();
    const StageGraph &G = C.stages();
    unsigned Index = 0;
    if (llvm::all_of(Ref, [](char Ch) { return llvm::isDigit(Ch); }) &&
        !Ref.getAsInteger(10, Index)) {
      if (Index < Cur.Index)
        return;
      if (Index == Cur.Index)
        return; // DL3023
      C.report(From->Range, "`--from=" + Ref.str() + "` refers to stage " + Ref.str() +
                                ", which is not defined before this one; refer to an earlier "
                                "stage by its name");
      return;
    }
    // Lower-cased on the stack: no string is made for a name compared and dropped.
    llvm::SmallString<32> Lower;
    Lower.resize(Ref.size());
    for (size_t K = 0; K < Ref.size(); ++K)
      Lower[K] = llvm::toLower(Ref[K]);
    llvm::StringRef Name = Lower;
    if (Name == Cur.Name)
      return; // DL3023
    const Stage *Later = nullptr;
    for (const Stage &S : G.Stages) {
      if (S.Name != Name)
        continue;
      if (S.Index < Cur.Index)
        return;
      if (!Later)
        Later = &S;
    }
    if (Later) {
      C.report(From->Range, "`--from=" + Ref.str() + "` refers to stage `" + Later->Name +
                                "`, which is defined later (line " +
                                std::to_string(Later->From->StartLine) +
                                "); move that stage above this one")
          .note(Later->NameRange, "stage defined here");
      return;
    }
    C.report(From->Range, "`--from=" + Ref.str() +
                              "` does not name an earlier stage, so it pulls the image `" +
                              Ref.str() + "` from Docker Hub; define `FROM ... AS " + Ref.str() +
                              "` earlier or write a full image reference");
  }
};

} // namespace

RuleInfo infoDL3022() {
  RuleInfo R;
  R.Id = "DL3022";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "COPY --from should reference a previously defined FROM alias";
  return R;
}

BALLAST_RULE_MAKE(DL3022, UndefinedCopyFrom)

} // namespace ballast::rules
