//===- Stages.h - Build stages and which of them reach the target -*- C++ -*-===//
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dockerfile/Ast.h"

namespace ballast::dockerfile {

/// One `FROM ... [AS name]` and the instructions up to the next FROM.
struct Stage {
  unsigned Index = 0;
  const Instruction *From = nullptr;
  std::string Name; ///< lower-cased `AS` name; "" when unnamed
  SourceRange NameRange;
  std::string Image;         ///< the image word as written
  std::string ResolvedImage; ///< with global ARG defaults and build-arg overrides substituted
  SourceRange ImageRange;
  int BaseStage = -1; ///< the stage FROM refers to, or -1 for an external image
  std::vector<const Instruction *> Instructions; ///< FROM first
  std::set<unsigned> DependsOn; ///< stages used by FROM, COPY --from, RUN --mount from=
  bool ReachesTarget = false;   ///< the target stage, or one it depends on
  bool isScratch() const { return ResolvedImage == "scratch"; }
};

/// All stages of a Dockerfile, global ARGs, and the dependency closure of the target.
class StageGraph {
public:
  std::vector<Stage> Stages;
  std::vector<const Instruction *> GlobalArgs; ///< ARGs before the first FROM
  int Target = -1;

  /// Builds the graph; Target "" means the last stage; BuildArgs override ARG defaults.
  static StageGraph build(const Dockerfile &DF, llvm::StringRef Target = "",
                          const std::map<std::string, std::string> &BuildArgs = {});
  /// The stage named Name (case-insensitive) or with that numeric index; nullptr when none.
  const Stage *find(llvm::StringRef NameOrIndex) const;
  /// The stage holding instruction I (by address), or nullptr for global ARGs.
  const Stage *stageOf(const Instruction *I) const;
};

} // namespace ballast::dockerfile
