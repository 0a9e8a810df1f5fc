//===- ReportWriter.h - Render findings in one output format -----*- C++ -*-===//
//
// A report is a pure function of findings plus the rule catalogue: `lint` and `analyze` share
// these writers. One writer per format lives in its own file pair; this is the dispatcher.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>

#include "support/Finding.h"
#include "support/RuleInfo.h"
#include "support/SourceFile.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::report {

/// The output formats `--format` accepts.
enum class Format { Text, Json, Sarif, Checkstyle, GitLab, GitHub };

/// Parses a format name ("text"/"tty", "json", "sarif", "checkstyle",
/// "gitlab"/"gitlab_codeclimate", "github"/"github-actions"), case-insensitively; nullopt when
/// unknown.
std::optional<Format> parseFormat(llvm::StringRef Name);

/// The canonical name of a format, as accepted by parseFormat.
llvm::StringRef formatName(Format F);

/// The canonical names of all formats, for help text and "did you mean".
llvm::ArrayRef<llvm::StringRef> formatNames();

/// What a writer may use beyond the findings themselves.
struct ReportOptions {
  /// Emit ANSI colours (text format only).
  bool Color = false;
  /// Print the source line and a caret range under each finding (text format only).
  bool Snippets = false;
  /// Finding::File -> its source, for snippets, fix line/columns, fingerprints and UTF-16 columns.
  llvm::StringMap<const SourceFile *> Sources;
  /// The ballast version written into SARIF (tool.driver.version / semanticVersion).
  std::string ToolVersion;
  /// The repository root: SARIF URIs, GitLab and GitHub paths are made relative to it.
  std::string BaseDir;
};

/// Writes Findings in format F to OS; rules are looked up by id in Rules (unknown ids, such as
/// ShellCheck codes, get a generic entry).
void writeReport(Format F, llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                 llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

} // namespace ballast::report
