//===- CorpusTest.cpp - Parse every RUN of the external Dockerfile corpus ---===//
//
// A smoke test over real scripts: RUN instructions are extracted naively (lines starting with
// RUN, continuation lines joined, comment lines inside them dropped), then parsed and queried.
//
//===----------------------------------------------------------------------===//
#include <string>
#include <vector>

#include "shell/Script.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

namespace ballast::shell {
namespace {

/// The heredoc delimiters a joined RUN line opens (`<<EOF`, `<<-'EOT'`), in order.
std::vector<std::string> heredocDelimiters(llvm::StringRef Line) {
  std::vector<std::string> Out;
  for (size_t I = Line.find("<<"); I != llvm::StringRef::npos; I = Line.find("<<", I)) {
    I += 2;
    if (I < Line.size() && Line[I] == '<') { // here-string
      ++I;
      continue;
    }
    if (I < Line.size() && Line[I] == '-')
      ++I;
    if (I < Line.size() && (Line[I] == '\'' || Line[I] == '"'))
      ++I;
    size_t B = I;
    while (I < Line.size() && (llvm::isAlnum(Line[I]) || Line[I] == '_'))
      ++I;
    if (I > B)
      Out.push_back(Line.slice(B, I).str());
  }
  return Out;
}

/// RUN bodies of one Dockerfile: continuations joined the way BuildKit does (backslash and
/// newline removed; comment lines inside an instruction skipped), leading `--flag`s dropped,
/// heredoc lines appended up to their delimiters.
std::vector<std::string> extractRuns(llvm::StringRef Text) {
  std::vector<std::string> Runs;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Text.split(Lines, '\n');
  for (size_t I = 0; I < Lines.size(); ++I) {
    llvm::StringRef L = Lines[I].rtrim("\r").ltrim();
    if (!L.startswith_insensitive("run ") && !L.startswith_insensitive("run\t"))
      continue;
    std::string Body = L.drop_front(4).str();
    while (llvm::StringRef(Body).rtrim().endswith("\\") && I + 1 < Lines.size()) {
      Body = llvm::StringRef(Body).rtrim().drop_back().str();
      llvm::StringRef Next = Lines[++I].rtrim("\r");
      while (Next.ltrim().startswith("#") && I + 1 < Lines.size())
        Next = Lines[++I].rtrim("\r");
      Body += Next.str();
    }
    llvm::StringRef Rest = llvm::StringRef(Body).ltrim();
    while (Rest.startswith("--"))
      Rest = Rest.drop_until([](char C) { return C == ' ' || C == '\t'; }).ltrim();
    std::string Run = Rest.str();
    for (const std::string &Delimiter : heredocDelimiters(Run)) {
      while (I + 1 < Lines.size()) {
        llvm::StringRef Next = Lines[++I].rtrim("\r");
        Run += "\n" + Next.str();
        if (Next.ltrim("\t") == Delimiter)
          break;
      }
    }
    Runs.push_back(std::move(Run));
  }
  return Runs;
}

/// Windows images whose RUNs are PowerShell, not sh.
bool isPowerShell(llvm::StringRef Dockerfile) {
  std::string Lower = Dockerfile.lower();
  return llvm::StringRef(Lower).contains("shell [\"powershell\"") ||
         llvm::StringRef(Lower).contains("shell [\"pwsh\"") ||
         llvm::StringRef(Lower).contains("escape=`");
}

TEST(CorpusTest, ExtractRunsJoinsContinuationsAndHeredocs) {
  auto Runs = extractRuns("FROM x\nRUN a \\\n  # note\n  && b\nrun --mount=type=cache,target=/c c\n"
                          "RUN <<EOT bash\nset -e\nEOT\nRUN cat <<-'A' <<<x\n\tb\n\tA\nCMD d\n");
  ASSERT_EQ(Runs.size(), 4u);
  EXPECT_EQ(Runs[0], "a   && b");
  EXPECT_EQ(Runs[1], "c");
  EXPECT_EQ(Runs[2], "<<EOT bash\nset -e\nEOT");
  EXPECT_EQ(Runs[3], "cat <<-'A' <<<x\n\tb\n\tA");
}

TEST(CorpusTest, EveryRunOfTheExternalCorpusParses) {
  std::string Root = BALLAST_SOURCE_DIR "/../shared/corpus-external";
  if (!llvm::sys::fs::is_directory(Root))
    GTEST_SKIP() << "no corpus at " << Root;
  size_t Files = 0, Runs = 0, Commands = 0, AptGet = 0, AptInstalls = 0, Pipes = 0, ShellBodies = 0,
         Substituted = 0, WithProblems = 0, Curl = 0;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Root, EC), End; It != End && !EC;
       It.increment(EC)) {
    if (It->type() != llvm::sys::fs::file_type::regular_file ||
        llvm::sys::path::extension(It->path()) == ".md")
      continue;
    auto Buf = llvm::MemoryBuffer::getFile(It->path());
    ASSERT_TRUE(bool(Buf)) << It->path();
    ++Files;
    bool PowerShell = isPowerShell((*Buf)->getBuffer());
    for (const std::string &Run : extractRuns((*Buf)->getBuffer())) {
      ++Runs;
      Script S = Script::parse(Run);
      for (const Command &C : S.commands()) {
        ++Commands;
        // Every range lies inside the input; top-level words are exactly their bytes.
        ASSERT_LE(C.Range.Begin, C.Range.End) << Run;
        ASSERT_LE(C.Range.End, Run.size()) << Run;
        for (const Word &W : C.Args) {
          ASSERT_LE(W.Range.End, Run.size()) << Run;
          if (C.ShellDepth == 0 && C.SubstitutionDepth == 0) {
            ASSERT_EQ(S.text().slice(W.Range.Begin, W.Range.End), W.Raw) << Run;
          }
        }
        AptGet += C.is("apt-get");
        AptInstalls += C.is("apt-get", "install") && !C.positionalArgs().empty();
        Curl += C.is("curl");
        ShellBodies += C.ShellScriptArg >= 0;
        Substituted += C.SubstitutionDepth > 0;
        (void)C.hasFlag("-y");
        (void)C.flagValue("-o");
      }
      for (const Pipeline &P : S.pipelines()) {
        ++Pipes;
        (void)S.pipefailAt(P);
      }
      for (const Problem &P : S.problems()) {
        ASSERT_LE(P.Range.End, Run.size()) << Run;
        // Real sh scripts parse without problems; PowerShell ones are only required not to crash.
        if (!PowerShell && !llvm::StringRef(Run).startswith_insensitive("powershell"))
          ADD_FAILURE() << It->path() << ": " << P.Message << " at " << P.Range.Begin << " in\n"
                        << Run;
      }
      WithProblems += !S.problems().empty();
    }
  }
  EXPECT_EQ(Files, 438u);
  EXPECT_GT(Runs, 1000u);
  EXPECT_GT(Commands, 10 * Runs / 4);
  EXPECT_GT(AptGet, 100u);
  EXPECT_GT(AptInstalls, 50u);
  EXPECT_GT(Curl, 10u);
  EXPECT_GT(Pipes, 100u);
  EXPECT_GT(Substituted, 100u);
  std::printf("corpus: %zu files, %zu RUNs, %zu commands (%zu apt-get, %zu sh -c bodies), %zu "
              "pipelines, %zu RUNs with problems\n",
              Files, Runs, Commands, AptGet, ShellBodies, Pipes, WithProblems);
}

} // namespace
} // namespace ballast::shell
