//===- Stages.cpp ---------------------------------------------------------===//
#include "dockerfile/Stages.h"

#include "dockerfile/Expand.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::dockerfile {

StageGraph StageGraph::build(const Dockerfile &DF, llvm::StringRef TargetName,
                             const std::map<std::string, std::string> &BuildArgs) {
  StageGraph G;
  VarScope Globals;
  for (const Instruction &I : DF.Instructions) {
    if (I.Kind == InstrKind::From) {
      Stage S;
      S.Index = unsigned(G.Stages.size());
      S.From = &I;
      if (!I.Args.empty()) {
        S.Image = I.Args[0].Text;
        S.ImageRange = I.Args[0].Range;
        // Unset names (TARGETOS and friends come from the builder) stay as written.
        ExpandOptions Opts;
        Opts.Escape = DF.Escape;
        Opts.SkipUnset = true;
        auto R = expandWord(S.Image, Globals, Opts);
        if (R)
          S.ResolvedImage = R->Text;
        else {
          llvm::consumeError(R.takeError());
          S.ResolvedImage = S.Image;
        }
      }
      if (I.Args.size() >= 3 && llvm::StringRef(I.Args[1].Text).equals_insensitive("as")) {
        S.Name = llvm::StringRef(I.Args[2].Text).lower();
        S.NameRange = I.Args[2].Range;
      }
      std::string Base = llvm::StringRef(S.ResolvedImage).lower();
      for (const Stage &Prev : G.Stages)
        if (!Prev.Name.empty() && Prev.Name == Base) {
          S.BaseStage = int(Prev.Index);
          S.DependsOn.insert(Prev.Index);
        }
      S.Instructions.push_back(&I);
      G.Stages.push_back(std::move(S));
      continue;
    }
    if (G.Stages.empty()) {
      if (I.Kind == InstrKind::Arg) {
        G.GlobalArgs.push_back(&I);
        for (const Word &W : I.Args) {
          auto [Name, Value] = llvm::StringRef(W.Text).split('=');
          auto Over = BuildArgs.find(Name.str());
          if (Over != BuildArgs.end())
            Globals.set(Name, Over->second);
          else if (llvm::StringRef(W.Text).contains('=')) {
            auto R = expandWord(Value, Globals, DF.Escape);
            if (R)
              Globals.set(Name, R->Text);
            else
              llvm::consumeError(R.takeError());
          }
        }
      }
      continue;
    }
    Stage &S = G.Stages.back();
    S.Instructions.push_back(&I);
    if (I.Flags.empty()) // most instructions: no --from, no --mount
      continue;
    auto Use = [&](llvm::StringRef Ref) {
      if (const Stage *D = G.find(Ref))
        if (D->Index < S.Index)
          S.DependsOn.insert(D->Index);
    };
    if (const Flag *F = I.flag("from"))
      Use(F->Value);
    for (const Flag *F : I.flags("mount")) {
      llvm::SmallVector<llvm::StringRef, 8> Parts;
      llvm::StringRef(F->Value).split(Parts, ',');
      for (llvm::StringRef P : Parts)
        if (P.consume_front("from="))
          Use(P);
    }
  }
  if (G.Stages.empty())
    return G;
  G.Target = int(G.Stages.size()) - 1;
  if (!TargetName.empty())
    if (const Stage *T = G.find(TargetName))
      G.Target = int(T->Index);
  // Mark the dependency closure of the target.
  std::vector<unsigned> Work{unsigned(G.Target)};
  while (!Work.empty()) {
    unsigned N = Work.back();
    Work.pop_back();
    if (G.Stages[N].ReachesTarget)
      continue;
    G.Stages[N].ReachesTarget = true;
    for (unsigned D : G.Stages[N].DependsOn)
      Work.push_back(D);
  }
  return G;
}

const Stage *StageGraph::find(llvm::StringRef NameOrIndex) const {
  std::string L = NameOrIndex.lower();
  for (const Stage &S : Stages)
    if (!S.Name.empty() && S.Name == L)
      return &S;
  unsigned N;
  if (!NameOrIndex.getAsInteger(10, N) && N < Stages.size())
    return &Stages[N];
  return nullptr;
}

const Stage *StageGraph::stageOf(const Instruction *I) const {
  for (const Stage &S : Stages)
    for (const Instruction *J : S.Instructions)
      if (J == I)
        return &S;
  return nullptr;
}

} // namespace ballast::dockerfile
