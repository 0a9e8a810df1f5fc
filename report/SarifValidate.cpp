//===- SarifValidate.cpp --------------------------------------------------===//
#include "report/SarifValidate.h"

#include <nlohmann/json.hpp>

#include "support/Errors.h"
#include "llvm/ADT/Optional.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

extern char **environ;

namespace ballast::report {
namespace {

using Json = nlohmann::json;

std::string readFile(llvm::StringRef Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  return Buf ? (*Buf)->getBuffer().str() : std::string();
}

/// A string member of an object, or Default.
std::string stringAt(const Json &J, const char *Key, std::string Default = {}) {
  if (!J.is_object())
    return Default;
  auto It = J.find(Key);
  return It != J.end() && It->is_string() ? It->get<std::string>() : Default;
}

/// The text of a SARIF message: its text, or its rule's message string with {N} filled in.
std::string messageText(const Json &Message, const Json *Rule) {
  std::string Text = stringAt(Message, "text");
  if (!Text.empty() || !Rule)
    return Text;
  std::string Id = stringAt(Message, "id");
  auto Strings = Rule->find("messageStrings");
  if (Strings == Rule->end() || !Strings->is_object() || !Strings->contains(Id))
    return Id;
  Text = stringAt((*Strings)[Id], "text", Id);
  auto Args = Message.find("arguments");
  if (Args != Message.end() && Args->is_array())
    for (size_t I = 0; I < Args->size(); ++I) {
      std::string Hole = "{" + std::to_string(I) + "}";
      std::string Value = (*Args)[I].is_string() ? (*Args)[I].get<std::string>() : "";
      for (size_t P = Text.find(Hole); P != std::string::npos;
           P = Text.find(Hole, P + Value.size()))
        Text.replace(P, Hole.size(), Value);
    }
  return Text;
}

void count(SarifValidation &V, const std::string &Level, const std::string &Line) {
  if (Level == "error")
    ++V.Errors;
  else if (Level == "warning")
    ++V.Warnings;
  else if (Level == "note")
    ++V.Notes;
  else
    return;
  V.Messages.push_back(Level + " " + Line);
}

} // namespace

std::string findSarifValidator(llvm::StringRef SourceDir) {
  llvm::SmallString<256> Wrapper(SourceDir);
  llvm::sys::path::append(Wrapper, "tools/node/node_modules/.bin/sarif-multitool-linux");
  if (!llvm::sys::fs::exists(Wrapper))
    return {};
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(Wrapper, Real)) {
    llvm::SmallString<256> Native(llvm::sys::path::parent_path(Real));
    llvm::sys::path::append(Native, "Sarif.Multitool");
    if (llvm::sys::fs::can_execute(Native))
      return std::string(Native.str());
  }
  return std::string(Wrapper.str());
}

llvm::Expected<SarifValidation> validateSarifFile(llvm::StringRef Path, llvm::StringRef Validator) {
  if (Validator.empty() || !llvm::sys::fs::can_execute(Validator))
    return makeError("sarif validator '" + Validator + "' is not executable; run scripts/setup");
  llvm::SmallString<128> Out, Console;
  if (llvm::sys::fs::createTemporaryFile("ballast-sarif-validation", "sarif", Out) ||
      llvm::sys::fs::createTemporaryFile("ballast-sarif-validation", "log", Console))
    return makeError("cannot create a temporary file for the sarif validator");
  // The npm wrapper passes its arguments through a shell, which would split at ';'.
  bool ThroughShell = !llvm::StringRef(Validator).endswith("Sarif.Multitool");
  llvm::StringRef RuleKinds = ThroughShell ? "\"Gh;Sarif\"" : "Gh;Sarif";
  llvm::StringRef Args[] = {Validator,  "validate", Path,    "--rule-kind",   RuleKinds,
                            "--output", Out,        "--log", "ForceOverwrite"};
  std::vector<std::string> EnvStrings;
  for (char **E = environ; *E; ++E)
    if (!llvm::StringRef(*E).startswith("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="))
      EnvStrings.emplace_back(*E);
  EnvStrings.emplace_back("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1");
  std::vector<llvm::StringRef> Env(EnvStrings.begin(), EnvStrings.end());
  llvm::Optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), llvm::StringRef(Console),
                                                 llvm::StringRef(Console)};
  std::string ErrMsg;
  int RC = llvm::sys::ExecuteAndWait(Validator, Args, llvm::ArrayRef<llvm::StringRef>(Env),
                                     Redirects, /*SecondsToWait=*/300, 0, &ErrMsg);
  std::string Log = readFile(Out), ConsoleText = readFile(Console);
  llvm::sys::fs::remove(Out);
  llvm::sys::fs::remove(Console);
  if (RC != 0)
    return makeError("sarif validator failed (exit " + llvm::Twine(RC) + "): " + ErrMsg + "\n" +
                     ConsoleText);
  Json Root = Json::parse(Log, nullptr, /*allow_exceptions=*/false);
  if (Root.is_discarded() || !Root.is_object() || !Root.contains("runs") ||
      !Root["runs"].is_array())
    return makeError("sarif validator wrote no readable log; its output was:\n" + ConsoleText);

  SarifValidation V;
  for (const Json &Run : Root["runs"]) {
    const Json *RulesArray = nullptr;
    if (Run.contains("tool") && Run["tool"].contains("driver") &&
        Run["tool"]["driver"].contains("rules"))
      RulesArray = &Run["tool"]["driver"]["rules"];
    auto RuleById = [&](const std::string &Id) -> const Json * {
      if (!RulesArray || !RulesArray->is_array())
        return nullptr;
      for (const Json &R : *RulesArray)
        if (stringAt(R, "id") == Id)
          return &R;
      return nullptr;
    };
    if (Run.contains("results") && Run["results"].is_array())
      for (const Json &Res : Run["results"]) {
        std::string RuleId = stringAt(Res, "ruleId");
        const Json *Rule = RuleById(RuleId);
        std::string Level = stringAt(Res, "level");
        if (Level.empty() && Rule && Rule->contains("defaultConfiguration"))
          Level = stringAt((*Rule)["defaultConfiguration"], "level");
        if (Level.empty())
          Level = "warning";
        std::string Msg = Res.contains("message") ? messageText(Res["message"], Rule) : "";
        count(V, Level, RuleId + ": " + Msg);
      }
    if (Run.contains("invocations") && Run["invocations"].is_array())
      for (const Json &Inv : Run["invocations"]) {
        if (Inv.contains("executionSuccessful") && Inv["executionSuccessful"] == false)
          count(V, "error", "validator: execution was not successful");
        for (const char *Key : {"toolExecutionNotifications", "toolConfigurationNotifications"}) {
          if (!Inv.contains(Key) || !Inv[Key].is_array())
            continue;
          for (const Json &N : Inv[Key]) {
            std::string Level = stringAt(N, "level", "warning");
            std::string Msg = N.contains("message") ? messageText(N["message"], nullptr) : "";
            count(V, Level, std::string(Key) + ": " + Msg);
          }
        }
      }
  }
  return V;
}

} // namespace ballast::report
