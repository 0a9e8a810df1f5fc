//===- JsonWriter.cpp -----------------------------------------------------===//
#include "report/JsonWriter.h"

#include <nlohmann/json.hpp>

#include "report/ReportUtil.h"

namespace ballast::report {

void writeJson(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  using Json = nlohmann::ordered_json;
  RuleTable Table(Rules);
  Json List = Json::array();
  for (const Finding &F : Findings) {
    const RuleInfo &R = Table.lookup(F.RuleId, F.Sev);
    Json J = Json::object();
    J["file"] = F.File;
    J["line"] = F.Begin.Line;
    J["column"] = F.Begin.Column;
    J["end_line"] = F.End.Line;
    J["end_column"] = F.End.Column;
    J["rule"] = F.RuleId;
    J["aliases"] = R.Aliases;
    J["severity"] = severityName(F.Sev).str();
    J["message"] = F.Message;
    if (F.FixIt) {
      const SourceFile *SF = sourceFor(Opts, F.File);
      Json Edits = Json::array();
      for (const TextEdit &E : F.FixIt->Edits) {
        Json JE = Json::object();
        JE["offset"] = E.Range.Begin;
        JE["length"] = E.Range.size();
        JE["replacement"] = E.Replacement;
        if (SF) {
          LineCol B = SF->lineCol(E.Range.Begin), End = SF->lineCol(E.Range.End);
          JE["line"] = B.Line;
          JE["column"] = B.Column;
          JE["end_line"] = End.Line;
          JE["end_column"] = End.Column;
        }
        Edits.push_back(std::move(JE));
      }
      Json Fix = Json::object();
      Fix["title"] = F.FixIt->Title;
      Fix["edits"] = std::move(Edits);
      J["fix"] = std::move(Fix);
    }
    List.push_back(std::move(J));
  }
  Json Root = Json::object();
  Root["findings"] = std::move(List);
  OS << Root.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

} // namespace ballast::report
