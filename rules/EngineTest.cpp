//===- EngineTest.cpp - suppression, config and severity plumbing --------===//
#include <filesystem>
#include <gtest/gtest.h>
#include <thread>

#include "support/AtomicFile.h"

#include "rules/Config.h"
#include "rules/Engine.h"
#include "rules/RunCache.h"
#include "rules/ScriptMemo.h"
#include "rules/Suppression.h"
#include "shell/Script.h"
#include "llvm/ADT/STLExtras.h"

using namespace ballast;
using namespace ballast::rules;

namespace {

std::vector<std::string> ids(const LintResult &R) {
  // Only the rules these tests are about; others may fire on the same lines.
  std::vector<std::string> V;
  for (const Finding &F : R.Findings)
    if (F.RuleId == "DL3006" || F.RuleId == "DL3007" || F.RuleId == "DL1000")
      V.push_back(F.RuleId + "@" + std::to_string(F.Begin.Line));
  return V;
}

LintResult lint(const std::string &Text, const Config &Cfg = Config()) {
  LintOptions O;
  O.ContextDir = "/nonexistent";
  return lintText("Dockerfile", Text, Cfg, O);
}

} // namespace

TEST(EngineTest, LinePragmaCoversOnlyTheNextInstructionAndCountsSuppressed) {
  LintResult R = lint("# hadolint ignore=DL3006 # team base image\n"
                      "FROM debian\n"
                      "FROM ubuntu\n");
  EXPECT_EQ(ids(R), (std::vector<std::string>{"DL3006@3"}));
  EXPECT_EQ(R.Suppressed, 1u);
}

TEST(EngineTest, PragmaBodiesAreTheWordsAfterTheToolName) {
  EXPECT_EQ(pragmaBody("hadolint ignore=DL3008 # why"), llvm::StringRef("ignore=DL3008 # why"));
  EXPECT_EQ(pragmaBody("  ballast   global ignore=BL1001  "),
            llvm::StringRef("global ignore=BL1001"));
  EXPECT_EQ(pragmaBody("hadolint\tshell=powershell"), llvm::StringRef("shell=powershell"));
  EXPECT_EQ(pragmaBody("hadolint"), std::nullopt);               // nothing after the name
  EXPECT_EQ(pragmaBody("hadolintignore=DL3008"), std::nullopt);  // no blank after it
  EXPECT_EQ(pragmaBody("Hadolint ignore=DL3008"), std::nullopt); // names are lower case
  EXPECT_EQ(pragmaBody("build the app"), std::nullopt);
  EXPECT_EQ(pragmaBody(""), std::nullopt);
}

TEST(EngineTest, PragmasAreFoundAmongProseComments) {
  // Suppressions turns comments down by their first two bytes and length: prose that starts
  // like a pragma (`ha`, `ba`), the shortest pragma (nine bytes after the trim), a pragma
  // written `#ballast` or indented, and pragmas above an instruction among other comments.
  LintResult R = lint("# have a look\n"
                      "#ballast ignore=DL3007\n"
                      "# base image\n"
                      "FROM node:latest AS a\n"
                      "# hadolint\n"
                      "   #  hadolint   ignore=DL3006\n"
                      "FROM debian\n"
                      "# backup\n"
                      "FROM ubuntu\n"
                      "#ballast x\n"
                      "FROM node:latest\n");
  EXPECT_EQ(ids(R), (std::vector<std::string>{"DL3006@9", "DL3007@11"}));
  EXPECT_EQ(R.Suppressed, 2u);
}

TEST(EngineTest, StagePragmaCoversTheWholeStage) {
  LintResult R = lint("# ballast stage ignore=DL3007\n"
                      "FROM node:latest AS a\n"
                      "FROM node:latest\n");
  EXPECT_EQ(ids(R), (std::vector<std::string>{"DL3007@3"}));
}

TEST(EngineTest, BuildKitCheckDirectiveSkipsByAliasOnly) {
  // DL3006 has no BuildKit alias, so check=skip=all leaves it alone.
  LintResult R = lint("# check=skip=all\nFROM debian\n");
  EXPECT_EQ(ids(R), (std::vector<std::string>{"DL3006@2"}));
}

TEST(EngineTest, ConfigOverridesSeverityAndIgnores) {
  auto C = parseConfig("override:\n  error: [DL3006]\nignored: [DL3007]\n", ".ballast.yaml");
  ASSERT_TRUE(bool(C));
  LintResult R = lint("FROM debian\nFROM node:latest\n", *C);
  ASSERT_EQ(ids(R), (std::vector<std::string>{"DL3006@1"}));
  for (const Finding &F : R.Findings) {
    if (F.RuleId == "DL3006") {
      EXPECT_EQ(F.Sev, Severity::Error);
    }
  }
}

TEST(EngineTest, PerPathOverridesMatchGlobs) {
  auto C = parseConfig("per-path:\n  \"legacy/**\":\n    ignored: [DL3006]\n", ".ballast.yaml");
  ASSERT_TRUE(bool(C));
  EXPECT_TRUE(C->isIgnored("DL3006", {}, "legacy/a/Dockerfile"));
  EXPECT_FALSE(C->isIgnored("DL3006", {}, "svc/Dockerfile"));
}

TEST(EngineTest, BadConfigValuesWarnAndFallBack) {
  auto C = parseConfig("failure-threshold: fatal\nbogus: 1\n", ".ballast.yaml");
  ASSERT_TRUE(bool(C));
  EXPECT_EQ(C->FailureThreshold, Severity::Info);
  ASSERT_EQ(C->Warnings.size(), 2u);
  EXPECT_EQ(C->Warnings[0].Message, "unknown failure-threshold 'fatal'; using info");
  auto Bad = parseConfig("ignored: [a\n", ".ballast.yaml");
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(llvm::toString(Bad.takeError()).rfind(".ballast.yaml:", 0), 0u);
}

TEST(EngineTest, ParseErrorsBecomeDL1000AndOtherRulesStillRun) {
  LintResult R = lint("FROM debian\nENV PATH\n");
  EXPECT_TRUE(R.ParseFailed);
  EXPECT_EQ(ids(R), (std::vector<std::string>{"DL3006@1", "DL1000@2"}));
}

namespace {

/// Every finding as one comparable line.
std::vector<std::string> allFindings(const LintResult &R) {
  std::vector<std::string> V;
  for (const Finding &F : R.Findings)
    V.push_back(F.RuleId + " " + std::to_string(F.Range.Begin) + "-" + std::to_string(F.Range.End) +
                " " + F.Message);
  return V;
}

} // namespace

namespace {

/// Every Dockerfile of corpus/lint and of the external corpus.
std::vector<std::string> corpusFiles() {
  namespace fs = std::filesystem;
  std::vector<std::string> Files;
  for (const char *Dir :
       {BALLAST_SOURCE_DIR "/corpus/lint", BALLAST_SOURCE_DIR "/../shared/corpus-external"}) {
    EXPECT_TRUE(fs::is_directory(Dir)) << Dir << " is missing";
    if (!fs::is_directory(Dir))
      continue;
    for (const fs::directory_entry &E : fs::recursive_directory_iterator(Dir)) {
      std::string Name = E.path().filename().string();
      bool Dockerfile = Name.find("ockerfile") != std::string::npos ||
                        Name.find("Containerfile") != std::string::npos;
      if (E.is_regular_file() && Dockerfile && Name.find(".dockerignore") == std::string::npos)
        Files.push_back(E.path().string());
    }
  }
  return Files;
}

/// Lints every corpus file with Base (the default options unless given) and with Every; the
/// findings must match.
void expectCorpusLintsTheSame(const LintOptions &Every, const LintOptions &Base = LintOptions()) {
  std::vector<std::string> Files = corpusFiles();
  ASSERT_GT(Files.size(), 500u);
  unsigned WithFindings = 0;
  for (const std::string &Path : Files) {
    auto Text = readFileOrStdin(Path);
    if (!Text)
      FAIL() << Path << ": " << llvm::toString(Text.takeError());
    LintResult A = lintText(Path, *Text, Config(), Base);
    LintResult B = lintText(Path, *Text, Config(), Every);
    EXPECT_EQ(allFindings(A), allFindings(B)) << Path;
    WithFindings += !A.Findings.empty();
  }
  EXPECT_GT(WithFindings, 400u);
}

} // namespace

// The engine calls a rule only for the instruction kinds it declares (Rule::kinds()). A kind
// left out by mistake loses findings silently: every Dockerfile of corpus/lint and of the
// external corpus must lint the same with every rule called for every instruction.
TEST(EngineTest, DeclaredKindsLoseNoFinding) {
  LintOptions Every;
  Every.EveryKind = true;
  expectCorpusLintsTheSame(Every);
}

// The same with the scripts shared through a run's RunCache: a RUN skips the rules its script
// was found quiet for, called visit by visit as rule by rule (EveryKind).
TEST(EngineTest, DeclaredKindsLoseNoFindingWithSharedScripts) {
  RunCache Cache;
  ScriptMemo Memo;
  LintOptions Shared;
  Shared.Cache = &Cache;
  Shared.Memo = &Memo;
  LintOptions Every = Shared;
  Every.EveryKind = true;
  expectCorpusLintsTheSame(Every, Shared);
}

// A config that ignores a rule takes the rule-by-rule walk, which picks a RUN's rules by the
// same declared commands and quiet scripts as the visit-by-visit loop (written apart in
// Engine.cpp): both must find the same, less the ignored rule's findings, scripts shared or not.
TEST(EngineTest, TheRuleByRuleWalkOfAConfigFindsWhatTheVisitByVisitLoopFinds) {
  Config Ignoring;
  Ignoring.Ignored.insert("DL3006");
  for (bool Share : {false, true}) {
    RunCache CacheA, CacheB;
    ScriptMemo MemoA, MemoB;
    LintOptions A, B;
    if (Share) {
      A.Cache = &CacheA;
      A.Memo = &MemoA;
      B.Cache = &CacheB;
      B.Memo = &MemoB;
    }
    unsigned Ignored = 0;
    for (const std::string &Path : corpusFiles()) {
      auto Text = readFileOrStdin(Path);
      ASSERT_TRUE(static_cast<bool>(Text)) << Path;
      LintResult Plain = lintText(Path, *Text, Config(), A);
      llvm::erase_if(Plain.Findings, [&](const Finding &F) {
        Ignored += F.RuleId == "DL3006";
        return F.RuleId == "DL3006";
      });
      EXPECT_EQ(allFindings(Plain), allFindings(lintText(Path, *Text, Ignoring, B)))
          << Path << (Share ? " (scripts shared)" : "");
    }
    EXPECT_GT(Ignored, 10u); // the ignored rule is one that fires
  }
}

// The engine skips a rule for a RUN that runs none of the commands it declares
// (Rule::commands()). A command left out loses findings silently: the corpora must lint the
// same with every RUN rule called for every RUN.
TEST(EngineTest, DeclaredCommandsLoseNoFinding) {
  LintOptions Every;
  Every.EveryRun = true;
  expectCorpusLintsTheSame(Every);
}

// A declared command is found by path (`/usr/bin/sudo`), inside `$(...)` and `sh -c` bodies, and
// by tool spec (`gem2.7` is gem); a RUN without it is skipped without losing anything. Names of
// one to three bytes are told apart by every byte (`cd`, not `c` or `cdd`).
TEST(EngineTest, DeclaredCommandsMatchPathsNestedScriptsAndToolSpecs) {
  std::string Text = "FROM debian:12.5\n"
                     "RUN /usr/bin/sudo true\n"
                     "RUN echo \"$(sudo id -u)\"\n"
                     "RUN sh -c 'sudo id'\n"
                     "RUN gem2.7 install rails\n"
                     "RUN echo sudo gem\n"
                     "RUN c /x && cdd /x && dc /x && make\n"
                     "RUN /bin/cd /x && make\n";
  std::vector<std::string> Want = {"DL3004@2", "DL3004@3", "DL3004@4", "DL3028@5", "DL3003@8"};
  for (bool EveryRun : {false, true}) {
    LintOptions O;
    O.ContextDir = "/nonexistent";
    O.EveryRun = EveryRun;
    LintResult R = lintText("Dockerfile", Text, Config(), O);
    std::vector<std::string> Got;
    for (const Finding &F : R.Findings)
      if (F.RuleId == "DL3004" || F.RuleId == "DL3028" || F.RuleId == "DL3003")
        Got.push_back(F.RuleId + "@" + std::to_string(F.Begin.Line));
    EXPECT_EQ(Got, Want) << "EveryRun=" << EveryRun;
  }
}

// Files of one run share the parsed scripts of equal RUN texts (RunCache::script): every file
// of the corpora must lint the same as alone, and the shared scripts are far fewer than RUNs.
TEST(EngineTest, ScriptsSharedThroughARunCacheLintTheSame) {
  RunCache Cache;
  ScriptMemo Memo; // the rules found quiet for a script in one file are skipped in the next
  LintOptions Shared;
  Shared.Cache = &Cache;
  Shared.Memo = &Memo;
  expectCorpusLintsTheSame(Shared);
  // The corpora hold about 2,100 RUNs (shell form and heredocs) with some 860 distinct texts.
  EXPECT_GT(Cache.scriptsParsed(), 500u);
  EXPECT_LT(Cache.scriptsParsed(), 1200u);
}

// RunCache::script files a text by its length and edges but shares a script only for the very
// same text; past MaxSameKey texts with one key, the caller parses its own.
TEST(EngineTest, RunCacheSharesAScriptOnlyForTheSameText) {
  RunCache Cache;
  auto Text = [](size_t K) {
    return "echo " + std::string(100, 'a') + " " + std::to_string(K) + " " + std::string(100, 'z');
  };
  std::vector<const shell::Script *> Got;
  for (size_t K = 0; K < RunCache::MaxSameKey; ++K) {
    const shell::Script *S = Cache.script(Text(K));
    ASSERT_NE(S, nullptr) << K;
    EXPECT_EQ(S->text(), Text(K));
    EXPECT_EQ(llvm::count(Got, S), 0) << K;
    Got.push_back(S);
  }
  for (size_t K = 0; K < RunCache::MaxSameKey; ++K)
    EXPECT_EQ(Cache.script(Text(K)), Got[K]) << K;
  EXPECT_EQ(Cache.script(Text(RunCache::MaxSameKey)), nullptr);
  EXPECT_NE(Cache.script("echo " + std::string(100, 'b')), nullptr);
  EXPECT_EQ(Cache.scriptsParsed(), RunCache::MaxSameKey + 1);
}

// A shared script lands on each file's own lines, and what depends on the file (its SHELL, its
// pragmas) stays per file, also when two threads lint at once.
TEST(EngineTest, ASharedScriptIsPlacedAndJudgedPerFile) {
  const std::string Run = "RUN apt-get update && apt-get install -y curl | tee log\n";
  const std::string Heredoc = "RUN <<EOF\napt-get install curl\nEOF\n";
  std::vector<std::string> Texts = {
      "FROM debian:12.5\n" + Run + Heredoc,
      "FROM debian:12.5\n\n\nWORKDIR /x\n" + Heredoc + Run,
      "FROM debian:12.5\nSHELL [\"pwsh\", \"-c\"]\n" + Run,
      "FROM debian:12.5\n# hadolint ignore=DL3008\n" + Run,
  };
  std::vector<std::vector<std::string>> Alone;
  Alone.reserve(Texts.size());
  for (const std::string &T : Texts)
    Alone.push_back(allFindings(lintText("Dockerfile", T, Config(), LintOptions())));
  for (int Round = 0; Round < 20; ++Round) {
    RunCache Cache;
    ScriptMemo Memo;
    std::vector<std::vector<std::string>> Got(Texts.size());
    auto LintSome = [&](size_t First) {
      for (size_t K = First; K < Texts.size(); K += 2) {
        LintOptions O;
        O.Cache = &Cache;
        O.Memo = &Memo;
        Got[K] = allFindings(lintText("Dockerfile", Texts[K], Config(), O));
      }
    };
    std::thread A(LintSome, 0), B(LintSome, 1);
    A.join();
    B.join();
    EXPECT_EQ(Got, Alone);
    EXPECT_EQ(Cache.scriptsParsed(), 2u); // the RUN and the heredoc body
  }
  EXPECT_NE(Alone[0], Alone[2]); // pwsh: no POSIX shell findings
  EXPECT_NE(Alone[0], Alone[3]); // the pragma
}

// A rule is skipped for a shared script only when it found nothing in it that the file could
// turn into a finding: what the RUN's flags, its stage, the SHELL or earlier RUNs decide is
// still asked per file, in whichever order the files come.
TEST(EngineTest, ARuleQuietForASharedScriptStaysPerFileWhereTheFileDecides) {
  const std::string Run = "apt-get update && apt-get install -y curl | tee log && cd /src\n";
  std::vector<std::string> Texts = {
      "FROM debian:12.5\nRUN --mount=type=cache,target=/var/lib/apt/lists "
      "--mount=type=cache,target=/src " +
          Run,
      "FROM debian:12.5\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN " + Run,
      "FROM debian:12.5 AS build\nRUN " + Run + "FROM debian:12.5\nCOPY --from=build /a /a\n",
      "FROM debian:12.5\nRUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/x\nRUN " + Run,
      "FROM debian:12.5\nRUN " + Run,
  };
  std::vector<std::vector<std::string>> Alone;
  Alone.reserve(Texts.size());
  for (const std::string &T : Texts)
    Alone.push_back(allFindings(lintText("Dockerfile", T, Config(), LintOptions())));
  for (bool Reverse : {false, true}) {
    RunCache Cache;
    ScriptMemo Memo;
    LintOptions O;
    O.Cache = &Cache;
    O.Memo = &Memo;
    for (size_t N = 0; N < Texts.size(); ++N) {
      size_t K = Reverse ? Texts.size() - 1 - N : N;
      EXPECT_EQ(allFindings(lintText("Dockerfile", Texts[K], Config(), O)), Alone[K])
          << "file " << K << (Reverse ? " (reversed)" : "");
    }
  }
  EXPECT_NE(Alone[0], Alone[4]); // the mounts
  EXPECT_NE(Alone[1], Alone[4]); // pipefail
}

TEST(EngineTest, NotesAreKeptUnlessTheReportPrintsNone) {
  // DL3008 notes every unpinned package after the first.
  const std::string Text = "FROM debian:12\n"
                           "RUN apt-get update && apt-get install -y --no-install-recommends "
                           "curl git wget && rm -rf /var/lib/apt/lists/*\n";
  auto Dl3008 = [](const LintResult &R) -> const Finding * {
    for (const Finding &F : R.Findings)
      if (F.RuleId == "DL3008")
        return &F;
    return nullptr;
  };
  LintOptions O;
  O.ContextDir = "/nonexistent";
  LintResult With = lintText("Dockerfile", Text, Config(), O);
  O.Notes = false;
  LintResult Without = lintText("Dockerfile", Text, Config(), O);
  const Finding *A = Dl3008(With), *B = Dl3008(Without);
  ASSERT_NE(A, nullptr);
  ASSERT_NE(B, nullptr);
  EXPECT_EQ(A->Notes.size(), 2u);
  EXPECT_TRUE(B->Notes.empty());
  // Everything else about the findings is the same.
  ASSERT_EQ(With.Findings.size(), Without.Findings.size());
  for (size_t I = 0; I < With.Findings.size(); ++I) {
    EXPECT_EQ(With.Findings[I].RuleId, Without.Findings[I].RuleId);
    EXPECT_EQ(With.Findings[I].Message, Without.Findings[I].Message);
    EXPECT_EQ(With.Findings[I].Range.Begin, Without.Findings[I].Range.Begin);
  }
}

TEST(EngineTest, FromImageExpansionIsSharedByBL4006AndBL4010) {
  // Both rules read one expansion of each FROM image through the Model; each still reports
  // its own finding, per image, and the --platform flag is expanded apart.
  LintResult R = lint("ARG BASE=Ubuntu\n"
                      "ARG TAG\n"
                      "FROM ${BASE}:${TAG}${MISSING}\n"
                      "FROM --platform=$BUILDPLATFORM$NOPE alpine:3 AS b\n"
                      "FROM ${BASE}:x AS c\n");
  std::vector<std::string> V;
  for (const Finding &F : R.Findings)
    if (F.RuleId == "BL4006" || F.RuleId == "BL4010")
      V.push_back(F.RuleId + "@" + std::to_string(F.Begin.Line) + ":" +
                  std::to_string(F.Begin.Column));
  EXPECT_EQ(V,
            (std::vector<std::string>{"BL4006@3:6", "BL4010@3:20", "BL4010@4:31", "BL4006@5:6"}));
}

namespace {

/// The lines rule Id reports in Text.
std::vector<unsigned> linesOf(llvm::StringRef Id, const std::string &Text) {
  std::vector<unsigned> V;
  for (const Finding &F : lint(Text).Findings)
    if (F.RuleId == Id)
      V.push_back(F.Begin.Line);
  return V;
}

} // namespace

TEST(EngineTest, RootlessBaseImagesInAnyCaseSetAUser) {
  for (const char *Image : {"gcr.io/distroless/static:nonroot", "x/NonRoot-app:1", "a/rootless",
                            "CGR.dev/chainguard/static", "Chainguard/go", "docker:ROOTLESS"})
    EXPECT_TRUE(linesOf("BL2005", std::string("FROM ") + Image + "\n").empty()) << Image;
  for (const char *Image : {"debian:12", "non/root", "x/rootles", "rootcause:1", "no-nroot"})
    EXPECT_EQ(linesOf("BL2005", std::string("FROM ") + Image + "\n"), std::vector<unsigned>{1})
        << Image;
  EXPECT_TRUE(linesOf("BL2005", "FROM debian AS a\nUSER 1\nFROM a\nRUN x\n").empty());
  EXPECT_EQ(linesOf("BL2005", "FROM debian AS a\nUSER 1\nFROM debian\n"), std::vector<unsigned>{3});
}

TEST(EngineTest, ConsecutiveRunsCountCommandsOfTheRunsNextToEachOther) {
  // The second RUN chains three commands: neither pair is reported; the third and fourth are.
  EXPECT_EQ(linesOf("DL3059", "FROM a\nRUN x\nRUN a && b && c\nRUN y\nENV A=1\nRUN z\nRUN w\n"),
            std::vector<unsigned>{7});
  EXPECT_EQ(linesOf("DL3059", "FROM a\nRUN a && b && c\nRUN y\nRUN z\n"), std::vector<unsigned>{4});
  // Flags in another order are the same flags; other flags are not.
  EXPECT_EQ(linesOf("DL3059", "FROM a\nRUN --network=none --mount=type=cache,target=/c x\n"
                              "RUN --mount=type=cache,target=/c --network=none y\n"
                              "RUN --network=host z\nRUN w\n"),
            std::vector<unsigned>{3});
}
