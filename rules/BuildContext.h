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

} // namespace ballast::rules
