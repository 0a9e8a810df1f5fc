//===- Stages.h - Build stages and which of them reach the target -*- C++ -*-===//
#pragma once

#include <cstddef>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dockerfile/Ast.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Allocator.h"

namespace ballast::dockerfile {

/// The instructions of a stage: a run of its Dockerfile's Instructions (no copy), walked as
/// pointers to them.
class StageInstructions {
public:
  class Iterator {
  public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = const Instruction *;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type *;
    using reference = value_type;
    Iterator() = default;
    explicit Iterator(const Instruction *P) : P(P) {}
    const Instruction *operator*() const { return P; }
    const Instruction *operator[](difference_type N) const { return P + N; }
    Iterator &operator++() {
      ++P;
      return *this;
    }
    Iterator operator++(int) { return Iterator(P++); }
    Iterator &operator--() {
      --P;
      return *this;
    }
    Iterator &operator+=(difference_type N) {
      P += N;
      return *this;
    }
    Iterator operator+(difference_type N) const { return Iterator(P + N); }
    Iterator operator-(difference_type N) const { return Iterator(P - N); }
    difference_type operator-(Iterator O) const { return P - O.P; }
    bool operator==(Iterator O) const { return P == O.P; }
    bool operator!=(Iterator O) const { return P != O.P; }
    bool operator<(Iterator O) const { return P < O.P; }

  private:
    const Instruction *P = nullptr;
  };
  StageInstructions() = default;
  StageInstructions(const Instruction *Begin, const Instruction *End) : B(Begin), E(End) {}
  Iterator begin() const { return Iterator(B); }
  Iterator end() const { return Iterator(E); }
  size_t size() const { return size_t(E - B); }
  bool empty() const { return B == E; }
  const Instruction *front() const { return B; }
  const Instruction *back() const { return E - 1; }
  const Instruction *operator[](size_t N) const { return B + N; }

private:
  const Instruction *B = nullptr, *E = nullptr;
};

/// One `FROM ... [AS name]` and the instructions up to the next FROM.
struct Stage {
  unsigned Index = 0;
  const Instruction *From = nullptr;
  std::string Name; ///< lower-cased `AS` name; "" when unnamed
  SourceRange NameRange;
  /// The image word as written (a view of the Dockerfile's text, as Word::Text).
  TextRef Image;
  /// With global ARG defaults and build-arg overrides substituted: Image itself when that
  /// changes nothing, else a view of text the graph keeps.
  TextRef ResolvedImage;
  SourceRange ImageRange;
  /// Image has nothing to expand (no `$`, quote or escape: isLiteralWord), so ResolvedImage is
  /// Image; rules that expand FROM images ask this rather than test the word again.
  bool LiteralImage = false;
  int BaseStage = -1;             ///< the stage FROM refers to, or -1 for an external image
  StageInstructions Instructions; ///< FROM first
  /// Stages used by FROM, COPY --from, RUN --mount from=, sorted, each once (a file's stages
  /// use a few: no tree of nodes to allocate).
  llvm::SmallVector<unsigned, 4> DependsOn;
  bool ReachesTarget = false; ///< the target stage, or one it depends on
  bool isScratch() const { return ResolvedImage == "scratch"; }
};

/// All stages of a Dockerfile, global ARGs, and the dependency closure of the target.
class StageGraph {
public:
  std::vector<Stage> Stages;
  std::vector<const Instruction *> GlobalArgs; ///< ARGs before the first FROM
  int Target = -1;
  /// The text of the ResolvedImages that differ from their Image (shared by the graph's copies).
  std::shared_ptr<llvm::BumpPtrAllocator> Texts;

  /// Builds the graph; Target "" means the last stage; BuildArgs override ARG defaults.
  static StageGraph build(const Dockerfile &DF, llvm::StringRef Target = "",
                          const std::map<std::string, std::string> &BuildArgs = {});
  /// The stage named Name (case-insensitive) or with that numeric index; nullptr when none.
  const Stage *find(llvm::StringRef NameOrIndex) const;
  /// The stage holding instruction I (by address), or nullptr for global ARGs.
  const Stage *stageOf(const Instruction *I) const;
};

} // namespace ballast::dockerfile
