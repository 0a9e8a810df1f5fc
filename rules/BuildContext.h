//===- BuildContext.h - The build context folder as rules see it -*- C++ -*-===//
//
// Shared by the context-aware rules (BL1053, BL2004): which .dockerignore applies, and a bounded
// walk of the files the context sends.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>

#include "dockerfile/Ast.h"
#include "dockerfile/DockerIgnore.h"
#include "rules/Context.h"
#include "rules/RunCache.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace ballast::rules {

/// The build context of the file being linted, loaded once by a rule that needs it.
struct BuildContextView {
  /// The context folder is known (not stdin) and exists.
  bool Known = false;
  /// The ignore file BuildKit applies, if any (its path relative or absolute as found).
  std::optional<std::string> IgnorePath;
  /// Its parsed patterns; empty when there is none (or it does not parse).
  dockerfile::DockerIgnore Ignore;
};

/// Finds and loads the .dockerignore (or `<Dockerfile>.dockerignore`) of C's build context.
/// With the run's RunCache, where it is (or that there is none) is looked up once per file:
/// BL1053 and BL2004 both ask.
BuildContextView loadBuildContext(const Context &C);

/// Whether a COPY/ADD source word sends the whole context (`.`, `./`, `./.`).
bool isWholeContextSource(llvm::StringRef Src);

/// Calls F(RelPath, IsDir) for the entries of the context that the ignore file does not exclude,
/// down to MaxDepth folders and at most MaxEntries entries (the walk stops there). Folders named
/// `.git` and `node_modules` are reported but not entered. With a Cache, a walk with the same
/// folder, ignore file and bounds is made once per run and replayed.
void walkContext(const BuildContextView &V, llvm::StringRef ContextDir, unsigned MaxDepth,
                 unsigned MaxEntries, llvm::function_ref<void(llvm::StringRef, bool)> F,
                 RunCache *Cache = nullptr);

/// What Gather picks out of the entries walkContext hands out (it appends what it keeps to its
/// third argument). With a Cache, that is done once per run for the walk and Tag, and every
/// later caller gets the kept list: the files of a folder that copy the whole context would
/// each replay the walk to find the same few entries. Without one, the list is made in Scratch.
const WalkEntries &
gatherFromContext(const BuildContextView &V, llvm::StringRef ContextDir, unsigned MaxDepth,
                  unsigned MaxEntries, llvm::StringRef Tag,
                  llvm::function_ref<void(llvm::StringRef, bool, WalkEntries &)> Gather,
                  RunCache *Cache, WalkEntries &Scratch);

} // namespace ballast::rules
