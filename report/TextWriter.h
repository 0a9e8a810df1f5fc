//===- TextWriter.h - Human-readable `path:line:col:` output -----*- C++ -*-===//
#pragma once

#include "report/ReportWriter.h"

namespace ballast::report {

/// Writes one `path:line:col: severity[ID]: message` line per finding (clang style), then a
/// `path:line:col: note: ...` line per note; a message's own newlines are kept as they are.
/// Fixable findings end in ` [fixable]`, or in ` [fixable with --unsafe-fixes]` when their
/// rule's fix is unsafe (`--fix` alone does not apply it). With Opts.Color the location is bold
/// and the severity coloured; with Opts.Snippets the source line and a `^~~~` range follow each
/// line whose file is in Opts.Sources.
void writeText(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

} // namespace ballast::report
