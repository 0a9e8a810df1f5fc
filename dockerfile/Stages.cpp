//===- Stages.cpp ---------------------------------------------------------===//
#include "dockerfile/Stages.h"

#include "dockerfile/Expand.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::dockerfile {

StageGraph StageGraph::build(const Dockerfile &DF, llvm::StringRef TargetName,
                             const std::map<std::string, std::string> &BuildArgs) {
  StageGraph G;
  VarScope Globals;
  // The stages and the global ARGs are counted first so that their vectors (and each stage's
  // Instructions below) are allocated once at their final size.
  size_t NumStages = 0, NumGlobalArgs = 0;
  for (const Instruction &I : DF.Instructions) {
    if (I.Kind == InstrKind::From)
      ++NumStages;
    else if (NumStages == 0 && I.Kind == InstrKind::Arg)
      ++NumGlobalArgs;
  }
  G.Stages.reserve(NumStages);
  G.GlobalArgs.reserve(NumGlobalArgs);
  const Instruction *const End = DF.Instructions.data() + DF.Instructions.size();
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
          S.ResolvedImage = std::move(R->Text);
        else {
          llvm::consumeError(R.takeError());
          S.ResolvedImage = S.Image;
        }
      }
      if (I.Args.size() >= 3 && llvm::StringRef(I.Args[1].Text).equals_insensitive("as")) {
        S.Name = llvm::StringRef(I.Args[2].Text).lower();
        S.NameRange = I.Args[2].Range;
      }
      // Names are lower case: comparing without case matches the lower-cased image.
      for (const Stage &Prev : G.Stages)
        if (!Prev.Name.empty() && llvm::StringRef(S.ResolvedImage).equals_insensitive(Prev.Name)) {
          S.BaseStage = int(Prev.Index);
          S.DependsOn.insert(Prev.Index);
        }
      // The stage runs up to the next FROM (or the end of the file).
      const Instruction *Next = &I + 1;
      while (Next != End && Next->Kind != InstrKind::From)
        ++Next;
      S.Instructions.reserve(size_t(Next - &I));
      S.Instructions.push_back(&I);
      G.Stages.push_back(std::move(S));
      continue;
    }
    if (G.Stages.empty()) {
      if (I.Kind == InstrKind::Arg) {
        G.GlobalArgs.push_back(&I);
        for (const Word &W : I.Args) {
          auto [Name, Value] = llvm::StringRef(W.Text).split('=');
          auto Over = BuildArgs.empty() ? BuildArgs.end() : BuildArgs.find(Name.str());
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
    for (const Flag &F : I.Flags) { // not flags("mount"): no list of them is needed
      if (!llvm::StringRef(F.Name).equals_insensitive("mount"))
        continue;
      llvm::SmallVector<llvm::StringRef, 8> Parts;
      llvm::StringRef(F.Value).split(Parts, ',');
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
  llvm::SmallVector<unsigned, 16> Work{unsigned(G.Target)};
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
  // Names are lower case, so a comparison without case matches NameOrIndex lower-cased.
  for (const Stage &S : Stages)
    if (!S.Name.empty() && NameOrIndex.equals_insensitive(S.Name))
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
