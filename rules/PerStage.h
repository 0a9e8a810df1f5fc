//===- PerStage.h - A rule's state for each stage of a file ------*- C++ -*-===//
#pragma once

#include "llvm/ADT/SmallVector.h"

namespace ballast::rules {

/// A value per stage, by stage index, for the rules that remember something of each stage
/// ("the last CMD", "WORKDIR was set"). Held in place for a few stages and grown on demand (a
/// std::map made and freed a node a stage, in every file); a stage not yet written reads T().
template <typename T, unsigned N = 8> class PerStage {
public:
  /// Stage Index's value, made T() first if needed. (Growing may move the others: do not keep
  /// a reference across a second call.)
  T &operator[](unsigned Index) {
    if (Index >= V.size())
      V.resize(Index + 1, T());
    return V[Index];
  }
  /// Stage Index's value, T() when none was written.
  T get(unsigned Index) const { return Index < V.size() ? V[Index] : T(); }

private:
  llvm::SmallVector<T, N> V;
};

} // namespace ballast::rules
