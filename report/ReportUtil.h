//===- ReportUtil.h - Pieces the report writers share ------------*- C++ -*-===//
//
// Rule lookup with generic entries for unknown ids, stable fingerprints, path and URI helpers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "report/ReportWriter.h"
#include "support/Finding.h"
#include "support/RuleInfo.h"
#include "support/SourceFile.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

namespace ballast::report {

/// True for ShellCheck codes ("SC" followed by digits), which have no catalogue entry.
bool isShellCheckCode(llvm::StringRef Id);

/// Where a rule is documented: the ShellCheck wiki for SC codes, otherwise RuleInfo::helpUri().
std::string ruleHelpUri(const RuleInfo &R);

/// A PascalCase descriptive name for a rule ("pin versions in apt-get install" ->
/// "PinVersionsInAptGetInstall", "use JSON for CMD" -> "UseJsonForCmd"; SC2086 ->
/// "ShellCheckSC2086").
std::string ruleName(const RuleInfo &R);

/// Looks rules up by id; unknown ids get a generic entry that lives as long as the table.
class RuleTable {
public:
  /// Indexes Catalogue by id (the catalogue must outlive the table).
  explicit RuleTable(llvm::ArrayRef<RuleInfo> Catalogue);
  /// The entry for Id; unknown ids get a generic entry with default severity Sev.
  const RuleInfo &lookup(llvm::StringRef Id, Severity Sev = Severity::Warning);
  /// Whether Id is in the catalogue (as opposed to a generic entry).
  bool known(llvm::StringRef Id) const { return ById.count(Id) != 0; }

private:
  llvm::StringMap<const RuleInfo *> ById;
  std::deque<RuleInfo> Generic;
};

/// One fingerprint per finding: a hash of rule, file and the trimmed text of the finding's first
/// line (the message when the source is not available), plus an occurrence index that tells
/// apart equal keys in one report.
struct LineFingerprint {
  std::string Hash;    ///< 32 lower-case hex digits (MD5 of the key)
  unsigned Occurrence; ///< 1-based among findings with the same Hash, in report order
};

/// Computes the fingerprints of Findings in order.
std::vector<LineFingerprint> lineFingerprints(llvm::ArrayRef<Finding> Findings,
                                              const ReportOptions &Opts);

/// GitHub's `primaryLocationLineHash` of every line of Text, exactly as github/codeql-action's
/// fingerprints.ts computes it when uploading SARIF ("hex:occurrence"; element 0 is line 1): a
/// rolling hash over the next 100 non-blank UTF-16 code units from the start of each line, with
/// CR, LF and CRLF all taken as one newline. Providing the same value avoids the uploader's
/// "inconsistent fingerprint" warnings.
std::vector<std::string> gitHubLineHashes(llvm::StringRef Text);

/// The source of a finding's file, or null when none was given.
const SourceFile *sourceFor(const ReportOptions &Opts, llvm::StringRef File);

/// File relative to BaseDir with '/' separators and no "./" prefix; nullopt when File lies
/// outside BaseDir. An empty BaseDir keeps relative paths (normalised) and rejects absolute ones.
std::optional<std::string> relativeToBase(llvm::StringRef File, llvm::StringRef BaseDir);

/// The path to show to CI systems: relative to BaseDir when possible, else File unchanged.
std::string displayPath(llvm::StringRef File, llvm::StringRef BaseDir);

/// Percent-encodes a path for use in a URI (keeps unreserved characters and '/').
std::string uriEncodePath(llvm::StringRef Path);

/// Text with each ill-formed UTF-8 sequence (a stray byte, a truncated or overlong sequence, a
/// surrogate, a code point past U+10FFFF) replaced by one U+FFFD per maximal subpart, as Unicode
/// recommends and as nlohmann's `replace` handler does for the JSON reports: a Latin-1 `café`
/// reads `caf\uFFFD` in every format. Valid text comes back unchanged.
std::string toValidUtf8(llvm::StringRef Text);

/// Converts a 1-based byte column on Line into a 1-based UTF-16 column when the source is known.
unsigned utf16Column(const SourceFile *SF, unsigned Line, unsigned ByteColumn);

} // namespace ballast::report
