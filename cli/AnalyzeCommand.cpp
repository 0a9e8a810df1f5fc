//===- AnalyzeCommand.cpp - `ballast analyze` -----------------------------===//
#include "analyzer/Analysis.h"
#include "analyzer/Gate.h"
#include "analyzer/Output.h"
#include "analyzer/Source.h"
#include "cli/ImageCommon.h"
#include "report/SarifWriter.h"
#include "rules/Registry.h"
#include "support/AtomicFile.h"
#include "support/Hash.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
/// Built on first use: RootFlag and HelpFlag live in another file, so copying them during static
/// initialisation could read them before they are constructed.
const std::vector<FlagSpec> &analyzeFlags() {
  static const std::vector<FlagSpec> Flags = {
      {"format", 'f', true, "text, json, sarif or html (default text)", "FORMAT"},
      {"output", 'o', true, "write the report to FILE instead of standard output", "FILE"},
      {"dockerfile", 0, true,
       "the Dockerfile the image was built from: findings point at its lines", "FILE"},
      {"fail-on", 0, true,
       "exit 1 when a threshold is crossed, e.g. 'efficiency<0.95,wasted>20MB,user-wasted>10%' "
       "(prefix a metric with dive. for dive's figure)",
       "RULES"},
      {"ci-config", 0, true,
       "read dive's CI rules from FILE (a .dive-ci) and gate on dive's figures", "FILE"},
      {"ci", 0, false, "read dive's CI rules from ./.dive-ci"},
      {"no-verify", 0, false,
       "do not hash the uncompressed layers against the config's diff_ids (blob digests are "
       "always checked)"},
      {"jobs", 'j', true, "layers decoded at once (default: one per core)", "N"},
      {"top", 0, true, "inefficient files listed in the text report (default 10)", "N"},
      RootFlag,
      HelpFlag,
  };
  return Flags;
}
} // namespace

int runAnalyze(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand(
      "analyze", "[OPTIONS] IMAGE",
      "Analyze the layers of an image: wasted bytes (exact, and dive's figures), caches, build "
      "leftovers, secrets and permissions.\nIMAGE is a name or ID in the store (a registry "
      "reference it does not hold is pulled first), oci:DIR[:TAG], oci-archive:FILE[:TAG] or "
      "docker-archive:FILE[:NAME].",
      analyzeFlags(), Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() != 1)
    return usageError("analyze", "requires exactly 1 argument; usage: ballast analyze IMAGE");
  std::string Fmt = llvm::StringRef(A->get("format").value_or("text")).lower();
  if (Fmt != "text" && Fmt != "json" && Fmt != "sarif" && Fmt != "html") {
    auto C = closest(Fmt, {"text", "json", "sarif", "html"});
    return usageError("analyze", "unknown format '" + Fmt + "'" +
                                     (C ? "; did you mean " + *C + "?"
                                        : std::string("; use text, json, sarif or html")));
  }
  analyzer::AnalyzeOptions Opts;
  Opts.ImageName = A->positional()[0];
  Opts.Scan.VerifyDiffIds = !A->flag("no-verify");
  auto Count = [&](llvm::StringRef Flag, unsigned &Out) -> bool {
    if (auto V = A->get(Flag)) {
      unsigned N;
      if (llvm::StringRef(*V).getAsInteger(10, N) || N == 0)
        return false;
      Out = N;
    }
    return true;
  };
  unsigned Top = 10;
  if (!Count("jobs", Opts.Scan.Jobs))
    return usageError("analyze", "--jobs takes a positive number");
  if (!Count("top", Top))
    return usageError("analyze", "--top takes a positive number");

  std::vector<analyzer::GateRule> Gate;
  if (auto F = A->get("fail-on")) {
    auto R = analyzer::parseFailOn(*F);
    if (!R)
      return usageError("analyze", llvm::toString(R.takeError()));
    Gate = std::move(*R);
  }
  std::optional<std::string> CiFile = A->get("ci-config");
  if (!CiFile && A->flag("ci"))
    CiFile = ".dive-ci";
  if (CiFile) {
    auto Text = readFileOrStdin(*CiFile);
    if (!Text)
      return usageError("analyze", *CiFile + ": " + llvm::toString(Text.takeError()) +
                                       "; give an existing .dive-ci file");
    auto R = analyzer::parseDiveCi(*Text, *CiFile);
    if (!R)
      return usageError("analyze", llvm::toString(R.takeError()));
    Gate.insert(Gate.end(), R->begin(), R->end());
  }
  if (auto D = A->get("dockerfile")) {
    auto Text = readFileOrStdin(*D);
    if (!Text)
      return usageError("analyze", *D + ": " + llvm::toString(Text.takeError()));
    Opts.DockerfilePath = *D;
    Opts.DockerfileText = std::move(*Text);
  }

  llvm::StringRef Spec = Opts.ImageName;
  std::unique_ptr<store::Store> S;
  bool NeedsStore = !(Spec.startswith("oci:") || Spec.startswith("oci-archive:") ||
                      Spec.startswith("docker-archive:"));
  if (NeedsStore) {
    auto Opened = openStore(*A);
    if (!Opened)
      return failure(Opened.takeError());
    S = std::move(*Opened);
  }
  // A registry reference the store does not hold is pulled into it first.
  auto Img = analyzer::openAnalysisImage(Spec, S.get());
  if (!Img)
    return failure(Img.takeError());
  // An image ballast built knows its Dockerfile: map findings to its lines when it is unchanged.
  if (Opts.DockerfilePath.empty() && S)
    if (auto Built = S->builtFrom((*Img)->id())) {
      auto Text = readFileOrStdin(Built->first);
      if (Text && Sha256::hex(*Text) == Built->second) {
        llvm::SmallString<256> Cwd;
        std::string Path = Built->first;
        if (!llvm::sys::fs::current_path(Cwd) &&
            llvm::StringRef(Path).startswith(Cwd.str().str() + "/"))
          Path = Path.substr(Cwd.size() + 1);
        Opts.DockerfilePath = Path;
        Opts.DockerfileText = std::move(*Text);
      } else {
        if (!Text)
          llvm::consumeError(Text.takeError());
        llvm::errs() << "ballast analyze: note: the image was built from " << Built->first
                     << ", which has changed or is gone since; findings are not mapped to "
                        "Dockerfile lines (give --dockerfile FILE)\n";
      }
    }
  auto An = analyzer::analyzeImage(**Img, Opts);
  if (!An)
    return failure(An.takeError());

  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (Fmt == "text") {
    analyzer::writeText(OS, *An, Top);
  } else if (Fmt == "json") {
    analyzer::writeJson(OS, *An);
  } else if (Fmt == "html") {
    analyzer::writeHtml(OS, *An);
  } else {
    std::vector<RuleInfo> Rules = analyzer::analyzerRules();
    for (RuleInfo &R : Rules)
      R.DocMarkdown = rules::ruleDoc(R.Id).str();
    report::ReportOptions RO;
    RO.ToolVersion = version();
    llvm::SmallString<256> Cwd;
    llvm::sys::fs::current_path(Cwd);
    RO.BaseDir = Cwd.str().str();
    if (An->Dockerfile)
      RO.Sources[Opts.DockerfilePath] = An->Dockerfile.get();
    report::writeSarif(OS, An->Findings, Rules, RO);
  }
  OS.flush();
  if (auto File = A->get("output")) {
    if (llvm::Error E = writeFileAtomically(*File, Out))
      return failure(std::move(E));
  } else {
    llvm::outs() << Out;
    llvm::outs().flush();
  }
  std::vector<std::string> Fails = analyzer::evaluateGate(Gate, *An);
  for (const std::string &F : Fails)
    llvm::errs() << "ballast analyze: " << F << "\n";
  return Fails.empty() ? ExitOk : ExitFindings;
}

} // namespace ballast::cli
