//===- SarifWriter.cpp ----------------------------------------------------===//
#include "report/SarifWriter.h"

#include <map>

#include <nlohmann/json.hpp>

#include "report/ReportUtil.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace ballast::report {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char *InformationUri = "https://github.com/ballast-dev/ballast";

llvm::StringRef sarifLevel(Severity S) {
  switch (S) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Info:
  case Severity::Style:
  case Severity::None: return "note";
  }
  return "note";
}

std::string absolutePath(llvm::StringRef P) {
  llvm::SmallString<256> Abs(P);
  (void)llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs.str());
}

Json artifactLocation(llvm::StringRef File, const ReportOptions &Opts) {
  Json L = Json::object();
  if (std::optional<std::string> Rel = relativeToBase(File, Opts.BaseDir)) {
    L["uri"] = uriEncodePath(*Rel);
    L["uriBaseId"] = SarifSrcRoot.str();
  } else {
    L["uri"] = "file://" + uriEncodePath(absolutePath(File));
  }
  return L;
}

/// A text region from line/columns; End is used only when it does not precede Begin.
Json textRegion(LineCol Begin, LineCol End, const SourceFile *SF) {
  Json R = Json::object();
  R["startLine"] = Begin.Line == 0 ? 1u : Begin.Line;
  if (Begin.Line == 0 || Begin.Column == 0)
    return R;
  unsigned StartCol = utf16Column(SF, Begin.Line, Begin.Column);
  R["startColumn"] = StartCol;
  if (End.Line == 0 || End.Column == 0 || End.Line < Begin.Line)
    return R;
  unsigned EndCol = utf16Column(SF, End.Line, End.Column);
  if (End.Line == Begin.Line && EndCol < StartCol)
    return R;
  R["endLine"] = End.Line;
  R["endColumn"] = EndCol;
  return R;
}

Json physicalLocation(llvm::StringRef File, Json Region, const ReportOptions &Opts) {
  Json P = Json::object();
  P["artifactLocation"] = artifactLocation(File, Opts);
  P["region"] = std::move(Region);
  return P;
}

Json describeRule(const RuleInfo &R) {
  Json J = Json::object();
  J["id"] = R.Id;
  J["name"] = ruleName(R);
  J["shortDescription"] = {{"text", R.Title}};
  J["fullDescription"] = {{"text", R.Title}};
  std::string Help = R.DocMarkdown.empty() ? R.Title : R.DocMarkdown;
  J["help"] = {{"text", Help}, {"markdown", Help}};
  J["helpUri"] = ruleHelpUri(R);
  J["defaultConfiguration"] = {{"level", sarifLevel(R.DefaultSeverity).str()}};
  Json Props = Json::object();
  Json Tags = Json::array();
  Tags.push_back(categoryName(R.Cat).str());
  bool Security = R.Cat == Category::Security || !R.SecuritySeverity.empty();
  if (Security && R.Cat != Category::Security)
    Tags.push_back("security");
  if (isShellCheckCode(R.Id))
    Tags.push_back("shellcheck");
  Props["tags"] = std::move(Tags);
  Props["precision"] = "high";
  if (!R.SecuritySeverity.empty())
    Props["security-severity"] = R.SecuritySeverity;
  if (!R.Aliases.empty())
    Props["aliases"] = R.Aliases;
  J["properties"] = std::move(Props);
  return J;
}

Json describeFix(const Finding &F, const ReportOptions &Opts) {
  const SourceFile *SF = sourceFor(Opts, F.File);
  Json Replacements = Json::array();
  for (const TextEdit &E : F.FixIt->Edits) {
    Json Deleted = Json::object();
    if (SF) {
      LineCol B = SF->lineCol(E.Range.Begin), End = SF->lineCol(E.Range.End);
      Deleted["startLine"] = B.Line;
      Deleted["startColumn"] = utf16Column(SF, B.Line, B.Column);
      Deleted["endLine"] = End.Line;
      Deleted["endColumn"] = utf16Column(SF, End.Line, End.Column);
    } else {
      Deleted["byteOffset"] = E.Range.Begin;
      Deleted["byteLength"] = E.Range.size();
    }
    Json Rep = Json::object();
    Rep["deletedRegion"] = std::move(Deleted);
    Rep["insertedContent"] = {{"text", E.Replacement}};
    Replacements.push_back(std::move(Rep));
  }
  Json Change = Json::object();
  Change["artifactLocation"] = artifactLocation(F.File, Opts);
  Change["replacements"] = std::move(Replacements);
  Json Fix = Json::object();
  Fix["description"] = {{"text", F.FixIt->Title}};
  Fix["artifactChanges"] = Json::array({std::move(Change)});
  return Fix;
}

} // namespace

void writeSarif(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  RuleTable Table(Rules);
  // Rules that have a result, sorted by id so the index is stable.
  std::map<std::string, const RuleInfo *> Used;
  for (const Finding &F : Findings)
    Used.emplace(F.RuleId, &Table.lookup(F.RuleId, F.Sev));
  llvm::StringMap<unsigned> RuleIndex;
  Json RulesJson = Json::array();
  for (const auto &[Id, R] : Used) {
    RuleIndex[Id] = static_cast<unsigned>(RulesJson.size());
    RulesJson.push_back(describeRule(*R));
  }

  std::vector<LineFingerprint> Prints = lineFingerprints(Findings, Opts);
  llvm::StringMap<std::vector<std::string>> GitHubHashes;
  Json Results = Json::array();
  for (size_t I = 0; I < Findings.size(); ++I) {
    const Finding &F = Findings[I];
    const SourceFile *SF = sourceFor(Opts, F.File);
    Json Res = Json::object();
    Res["ruleId"] = F.RuleId;
    Res["ruleIndex"] = RuleIndex[F.RuleId];
    Res["level"] = sarifLevel(F.Sev).str();
    Res["message"] = {{"text", F.Message}};
    Json Loc = Json::object();
    Loc["physicalLocation"] = physicalLocation(F.File, textRegion(F.Begin, F.End, SF), Opts);
    Res["locations"] = Json::array({std::move(Loc)});
    if (!F.Notes.empty()) {
      Json Related = Json::array();
      for (const Note &N : F.Notes) {
        LineCol End = SF ? SF->lineCol(N.Range.End) : LineCol{};
        Json RL = Json::object();
        RL["id"] = Related.size() + 1;
        RL["physicalLocation"] = physicalLocation(F.File, textRegion(N.Begin, End, SF), Opts);
        RL["message"] = {{"text", N.Message}};
        Related.push_back(std::move(RL));
      }
      Res["relatedLocations"] = std::move(Related);
    }
    Json Fingerprints = Json::object();
    if (SF) {
      auto It = GitHubHashes.find(F.File);
      if (It == GitHubHashes.end())
        It = GitHubHashes.try_emplace(F.File, gitHubLineHashes(SF->text())).first;
      unsigned Line = F.Begin.Line == 0 ? 1 : F.Begin.Line;
      if (Line <= It->second.size())
        Fingerprints[SarifLineHashKey.str()] = It->second[Line - 1];
    }
    Fingerprints[SarifBallastHashKey.str()] =
        Prints[I].Hash.substr(0, 16) + ":" + std::to_string(Prints[I].Occurrence);
    Res["partialFingerprints"] = std::move(Fingerprints);
    if (F.FixIt)
      Res["fixes"] = Json::array({describeFix(F, Opts)});
    Results.push_back(std::move(Res));
  }

  std::string Version = Opts.ToolVersion.empty() ? "0.0.0" : Opts.ToolVersion;
  Json Driver = Json::object();
  Driver["name"] = "ballast";
  Driver["version"] = Version;
  Driver["semanticVersion"] = Version;
  Driver["informationUri"] = InformationUri;
  Driver["rules"] = std::move(RulesJson);

  Json Run = Json::object();
  Run["tool"] = {{"driver", std::move(Driver)}};
  Json Invocation = Json::object();
  Invocation["executionSuccessful"] = true;
  Run["invocations"] = Json::array({std::move(Invocation)});
  if (!Opts.BaseDir.empty()) {
    std::string Base = absolutePath(Opts.BaseDir);
    Json Root = Json::object();
    Root["uri"] = "file://" + uriEncodePath(llvm::StringRef(Base).rtrim('/')) + "/";
    Json Bases = Json::object();
    Bases[SarifSrcRoot.str()] = std::move(Root);
    Run["originalUriBaseIds"] = std::move(Bases);
  }
  Run["columnKind"] = "utf16CodeUnits";
  Run["results"] = std::move(Results);

  Json Log = Json::object();
  Log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  Log["version"] = "2.1.0";
  Log["runs"] = Json::array({std::move(Run)});
  OS << Log.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

} // namespace ballast::report
