//===- GitLabWriter.cpp ---------------------------------------------------===//
#include "report/GitLabWriter.h"

#include <nlohmann/json.hpp>

#include "report/ReportUtil.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MD5.h"

namespace ballast::report {
namespace {

llvm::StringRef gitLabSeverity(Severity S) {
  switch (S) {
  case Severity::Error: return "critical";
  case Severity::Warning: return "major";
  case Severity::Info: return "minor";
  case Severity::Style:
  case Severity::None: return "info";
  }
  return "info";
}

} // namespace

void writeGitLab(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                 llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  using Json = nlohmann::ordered_json;
  std::vector<LineFingerprint> Prints = lineFingerprints(Findings, Opts);
  Json List = Json::array();
  for (size_t I = 0; I < Findings.size(); ++I) {
    const Finding &F = Findings[I];
    llvm::MD5 Hash;
    Hash.update(Prints[I].Hash + ":" + std::to_string(Prints[I].Occurrence));
    llvm::MD5::MD5Result Digest;
    Hash.final(Digest);
    Json Lines = Json::object();
    Lines["begin"] = F.Begin.Line == 0 ? 1u : F.Begin.Line;
    Json Location = Json::object();
    Location["path"] = displayPath(F.File, Opts.BaseDir);
    Location["lines"] = std::move(Lines);
    Json J = Json::object();
    J["description"] = F.Message;
    J["check_name"] = F.RuleId;
    J["fingerprint"] = Digest.digest().str().str();
    J["severity"] = gitLabSeverity(F.Sev).str();
    J["location"] = std::move(Location);
    List.push_back(std::move(J));
  }
  OS << List.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

} // namespace ballast::report
