//===- ScriptTest.cpp - Shell parser: constructs, ranges, recovery ----------===//
#include "shell/Script.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ballast::shell {
namespace {

using ::testing::ElementsAre;

/// The cooked argv of every command, one string per command ("name a b").
std::vector<std::string> argvs(const Script &S) {
  std::vector<std::string> Out;
  for (const Command &C : S.commands()) {
    std::string Line;
    for (const Word &W : C.Args) {
      if (!Line.empty())
        Line += ' ';
      Line += W.Text.str();
    }
    Out.push_back(Line);
  }
  return Out;
}

std::vector<std::string> messages(const Script &S) {
  std::vector<std::string> Out;
  for (const Problem &P : S.problems())
    Out.push_back(P.Message);
  return Out;
}

/// The input bytes a range covers.
std::string slice(const Script &S, SourceRange R) { return S.text().slice(R.Begin, R.End).str(); }

TEST(ScriptTest, SimpleCommandWordsAndRanges) {
  Script S = Script::parse("apt-get install -y curl");
  ASSERT_EQ(S.commands().size(), 1u);
  const Command &C = S.commands()[0];
  EXPECT_EQ(C.Name, "apt-get");
  ASSERT_EQ(C.Args.size(), 4u);
  EXPECT_EQ(C.Args[0].Range, SourceRange(0, 7));
  EXPECT_EQ(C.Args[1].Range, SourceRange(8, 15));
  EXPECT_EQ(C.Args[2].Range, SourceRange(16, 18));
  EXPECT_EQ(C.Args[3].Range, SourceRange(19, 23));
  EXPECT_EQ(C.Range, SourceRange(0, 23));
  EXPECT_EQ(slice(S, C.Range), "apt-get install -y curl");
  EXPECT_EQ(C.After, Connector::None);
  EXPECT_FALSE(C.inPipeline());
  EXPECT_EQ(C.Parent, -1);
  EXPECT_TRUE(S.problems().empty());
  // Unquoted words are slices of the script text, not copies.
  EXPECT_EQ(C.Args[1].Text.data(), S.text().data() + 8);
}

TEST(ScriptTest, QuotesAndEscapesAreCooked) {
  //                        0123456789012345678901234567890
  Script S = Script::parse(R"(echo 'a b' "c $HOME \"q\"" d\ e $'t\tx')");
  ASSERT_EQ(S.commands().size(), 1u);
  const Command &C = S.commands()[0];
  ASSERT_EQ(C.Args.size(), 5u);
  EXPECT_EQ(C.Args[1].Text, "a b");
  EXPECT_EQ(C.Args[1].Raw, "'a b'");
  EXPECT_EQ(C.Args[1].Range, SourceRange(5, 10));
  EXPECT_TRUE(C.Args[1].Quoted);
  EXPECT_FALSE(C.Args[1].HasExpansion);
  EXPECT_EQ(C.Args[2].Text, "c $HOME \"q\"");
  EXPECT_TRUE(C.Args[2].HasExpansion);
  EXPECT_EQ(C.Args[2].Range, SourceRange(11, 26));
  EXPECT_EQ(C.Args[3].Text, "d e");
  EXPECT_TRUE(C.Args[3].Quoted);
  EXPECT_EQ(C.Args[3].Range, SourceRange(27, 31));
  EXPECT_EQ(C.Args[4].Text, "t\tx");
  EXPECT_EQ(C.Args[4].Range, SourceRange(32, 39));
  EXPECT_FALSE(C.Args[0].Quoted);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, ExpansionSubstitutionAndGlobFlags) {
  Script S = Script::parse("echo $X ${Y:-z} $(date) `id` $((1+2)) '$Z' *.txt \"*\" a[0-9] [");
  ASSERT_EQ(S.commands().size(), 3u); // echo, date, id
  const Command &C = S.commands()[0];
  ASSERT_EQ(C.Args.size(), 11u);
  auto Flags = [&](unsigned I) {
    const Word &W = C.Args[I];
    return std::string(W.HasExpansion ? "e" : "-") + (W.HasSubstitution ? "s" : "-") +
           (W.HasGlob ? "g" : "-") + (W.Quoted ? "q" : "-");
  };
  EXPECT_EQ(Flags(1), "e---"); // $X
  EXPECT_EQ(Flags(2), "e---"); // ${Y:-z}
  EXPECT_EQ(C.Args[2].Text, "${Y:-z}");
  EXPECT_EQ(Flags(3), "es--"); // $(date)
  EXPECT_EQ(C.Args[3].Text, "$(date)");
  EXPECT_EQ(Flags(4), "es--"); // `id`
  EXPECT_EQ(Flags(5), "e---"); // $((1+2))
  EXPECT_EQ(Flags(6), "---q"); // '$Z'
  EXPECT_EQ(C.Args[6].Text, "$Z");
  EXPECT_EQ(Flags(7), "--g-");  // *.txt
  EXPECT_EQ(Flags(8), "---q");  // "*"
  EXPECT_EQ(Flags(9), "--g-");  // a[0-9]
  EXPECT_EQ(Flags(10), "----"); // [
  EXPECT_TRUE(C.Args[7].isLiteral() == false && C.Args[8].isLiteral());
  EXPECT_EQ(S.commands()[1].Name, "date");
  EXPECT_EQ(S.commands()[1].Range, SourceRange(18, 22));
  EXPECT_EQ(S.commands()[2].Name, "id");
  EXPECT_EQ(S.commands()[2].Range, SourceRange(25, 27));
}

TEST(ScriptTest, AssignmentPrefixes) {
  Script S =
      Script::parse("A=1 B+=\"x y\" DEBIAN_FRONTEND=noninteractive apt-get -y install x; C=");
  ASSERT_EQ(S.commands().size(), 2u);
  const Command &C = S.commands()[0];
  EXPECT_EQ(C.Name, "apt-get");
  ASSERT_EQ(C.Assignments.size(), 3u);
  EXPECT_EQ(C.Assignments[0].Name, "A");
  EXPECT_EQ(C.Assignments[0].Value.Text, "1");
  EXPECT_EQ(C.Assignments[0].Range, SourceRange(0, 3));
  EXPECT_EQ(C.Assignments[0].Value.Range, SourceRange(2, 3));
  EXPECT_EQ(C.Assignments[1].Name, "B");
  EXPECT_TRUE(C.Assignments[1].Append);
  EXPECT_EQ(C.Assignments[1].Value.Text, "x y");
  EXPECT_EQ(C.Assignments[1].Value.Range, SourceRange(7, 12));
  EXPECT_EQ(C.Assignments[2].Name, "DEBIAN_FRONTEND");
  EXPECT_EQ(C.Assignments[2].Value.Text, "noninteractive");
  EXPECT_EQ(C.Range.Begin, 0u);
  // A command with only an assignment has no name.
  const Command &D = S.commands()[1];
  EXPECT_EQ(D.Name, "");
  EXPECT_TRUE(D.Args.empty());
  ASSERT_EQ(D.Assignments.size(), 1u);
  EXPECT_EQ(D.Assignments[0].Name, "C");
  EXPECT_EQ(D.Assignments[0].Value.Text, "");
  // `=` after the name is an argument, not an assignment.
  Script E = Script::parse("env A=1 cmd");
  EXPECT_TRUE(E.commands()[0].Assignments.empty());
  EXPECT_EQ(E.commands()[0].Args[1].Text, "A=1");
}

TEST(ScriptTest, QuotedAssignmentValues) {
  // Values in quotes right after `=`, of every shape the word reader has: their text, source,
  // ranges and flags, and a substitution's command nested in the command.
  Script S =
      Script::parse("A=\"x y\" B='z' C=\"$(uname -m)\" D=\"a\"'b' E+=\"$V\" F='' G=\"1\"x cmd");
  ASSERT_EQ(S.commands().size(), 2u);
  const Command &C = S.commands()[0];
  EXPECT_EQ(C.Name, "cmd");
  ASSERT_EQ(C.Assignments.size(), 7u);
  struct Want {
    const char *Name, *Text, *Raw;
    SourceRange Range, ValueRange;
    bool Expansion, Substitution;
  };
  const Want W[] = {
      {"A", "x y", "\"x y\"", {0, 7}, {2, 7}, false, false},
      {"B", "z", "'z'", {8, 13}, {10, 13}, false, false},
      {"C", "$(uname -m)", "\"$(uname -m)\"", {14, 29}, {16, 29}, true, true},
      {"D", "ab", "\"a\"'b'", {30, 38}, {32, 38}, false, false},
      {"E", "$V", "\"$V\"", {39, 46}, {42, 46}, true, false},
      {"F", "", "''", {47, 51}, {49, 51}, false, false},
      {"G", "1x", "\"1\"x", {52, 58}, {54, 58}, false, false},
  };
  for (size_t I = 0; I < std::size(W); ++I) {
    const Assignment &A = C.Assignments[I];
    EXPECT_EQ(A.Name, W[I].Name) << I;
    EXPECT_EQ(A.Append, I == 4) << I;
    EXPECT_EQ(A.Value.Text, W[I].Text) << I;
    EXPECT_EQ(llvm::StringRef(A.Value.Raw), W[I].Raw) << I;
    EXPECT_EQ(A.Range, W[I].Range) << I;
    EXPECT_EQ(A.Value.Range, W[I].ValueRange) << I;
    EXPECT_TRUE(A.Value.Quoted) << I;
    EXPECT_EQ(A.Value.HasExpansion, W[I].Expansion) << I;
    EXPECT_EQ(A.Value.HasSubstitution, W[I].Substitution) << I;
    EXPECT_FALSE(A.Value.HasGlob) << I;
  }
  EXPECT_EQ(S.commands()[1].Name, "uname");
  EXPECT_EQ(S.commands()[1].Parent, 0);
  EXPECT_EQ(S.commands()[1].Range, SourceRange(19, 27));
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, ArrayAssignment) {
  Script S = Script::parse("pkgs=(curl 'git') ; echo ${pkgs[@]}");
  ASSERT_EQ(S.commands().size(), 2u);
  ASSERT_EQ(S.commands()[0].Assignments.size(), 1u);
  EXPECT_EQ(S.commands()[0].Assignments[0].Value.Text, "(curl 'git')");
  EXPECT_EQ(S.commands()[0].Assignments[0].Range, SourceRange(0, 17));
  EXPECT_EQ(S.commands()[1].Name, "echo");
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, Redirections) {
  Script S = Script::parse("cmd >out 2>&1 <in >>log &>all 3<>rw <<<\"here\" >|f");
  ASSERT_EQ(S.commands().size(), 1u);
  const Command &C = S.commands()[0];
  EXPECT_EQ(C.Args.size(), 1u);
  ASSERT_EQ(C.Redirects.size(), 8u);
  const Redirect *R = C.Redirects.data();
  EXPECT_EQ(R[0].Kind, RedirectKind::Out);
  EXPECT_EQ(R[0].Fd, -1);
  EXPECT_EQ(R[0].Target.Text, "out");
  EXPECT_EQ(R[0].Range, SourceRange(4, 8));
  EXPECT_EQ(R[1].Kind, RedirectKind::DupOut);
  EXPECT_EQ(R[1].Fd, 2);
  EXPECT_EQ(R[1].Target.Text, "1");
  EXPECT_EQ(R[1].Range, SourceRange(9, 13));
  EXPECT_EQ(R[2].Kind, RedirectKind::In);
  EXPECT_EQ(R[2].Target.Text, "in");
  EXPECT_EQ(R[3].Kind, RedirectKind::Append);
  EXPECT_EQ(R[3].Target.Text, "log");
  EXPECT_EQ(R[4].Kind, RedirectKind::OutErr);
  EXPECT_EQ(R[4].Target.Text, "all");
  EXPECT_EQ(R[4].Range, SourceRange(24, 29));
  EXPECT_EQ(R[5].Kind, RedirectKind::InOut);
  EXPECT_EQ(R[5].Fd, 3);
  EXPECT_EQ(R[6].Kind, RedirectKind::HereString);
  EXPECT_EQ(R[6].Target.Text, "here");
  EXPECT_EQ(R[6].Range, SourceRange(36, 45));
  EXPECT_EQ(R[7].Kind, RedirectKind::Clobber);
  EXPECT_EQ(C.Range, SourceRange(0, 49));
  // Redirection before the name, and `2>` without space.
  Script T = Script::parse(">/dev/null 2>/dev/null echo hi");
  ASSERT_EQ(T.commands().size(), 1u);
  EXPECT_EQ(T.commands()[0].Name, "echo");
  EXPECT_EQ(T.commands()[0].Redirects.size(), 2u);
  EXPECT_EQ(T.commands()[0].Redirects[1].Fd, 2);
  EXPECT_EQ(T.commands()[0].Range, SourceRange(0, 30));
}

TEST(ScriptTest, Connectors) {
  Script S = Script::parse("a && b || c; d | e & f\ng");
  ASSERT_THAT(argvs(S), ElementsAre("a", "b", "c", "d", "e", "f", "g"));
  auto C = S.commands();
  EXPECT_EQ(C[0].After, Connector::And);
  EXPECT_EQ(C[1].After, Connector::Or);
  EXPECT_EQ(C[2].After, Connector::Semicolon);
  EXPECT_EQ(C[3].After, Connector::Pipe);
  EXPECT_EQ(C[4].After, Connector::Background);
  EXPECT_EQ(C[5].After, Connector::Newline);
  EXPECT_EQ(C[6].After, Connector::None);
  EXPECT_FALSE(C[2].Background);
  EXPECT_TRUE(C[3].Background);
  EXPECT_TRUE(C[4].Background);
  EXPECT_FALSE(C[5].Background);
  // Line breaks are allowed after && and |.
  Script T = Script::parse("a &&\n  b |\n c");
  EXPECT_THAT(argvs(T), ElementsAre("a", "b", "c"));
  EXPECT_TRUE(T.problems().empty());
}

TEST(ScriptTest, Pipelines) {
  //                        0         1         2         3         4
  //                        012345678901234567890123456789012345678901234
  Script S = Script::parse("set -o pipefail; curl -s x | tar xz | cat; ls");
  ASSERT_EQ(S.pipelines().size(), 1u);
  const Pipeline &P = S.pipelines()[0];
  EXPECT_EQ(P.Elements, 3u);
  EXPECT_THAT(P.Commands, ElementsAre(1u, 2u, 3u));
  EXPECT_EQ(P.Range, SourceRange(17, 41));
  EXPECT_FALSE(P.Negated);
  auto C = S.commands();
  EXPECT_FALSE(C[0].inPipeline());
  EXPECT_EQ(C[1].Pipeline, 0);
  EXPECT_EQ(C[1].PipelineIndex, 0u);
  EXPECT_EQ(C[2].PipelineIndex, 1u);
  EXPECT_EQ(C[3].PipelineIndex, 2u);
  EXPECT_FALSE(C[4].inPipeline());
  EXPECT_TRUE(S.hasPipes());
  EXPECT_TRUE(S.pipefailAt(P));
  EXPECT_EQ(S.firstPipelineWithoutPipefail(), nullptr);

  // A compound element contributes its commands; a substitution does not join the pipeline.
  Script T = Script::parse("! { a; b; } | c $(d | e)");
  ASSERT_EQ(T.pipelines().size(), 2u);
  EXPECT_THAT(T.pipelines()[0].Commands, ElementsAre(3u, 4u)); // d | e finishes first
  EXPECT_THAT(T.pipelines()[1].Commands, ElementsAre(0u, 1u, 2u));
  EXPECT_TRUE(T.pipelines()[1].Negated);
  EXPECT_EQ(T.commands()[0].PipelineIndex, 0u);
  EXPECT_EQ(T.commands()[1].PipelineIndex, 0u);
  EXPECT_EQ(T.commands()[2].PipelineIndex, 1u);
  EXPECT_EQ(T.commands()[3].Pipeline, 0);
  EXPECT_FALSE(T.pipefailAt(T.pipelines()[1]));
  EXPECT_EQ(T.firstPipelineWithoutPipefail(), &T.pipelines()[0]);
}

TEST(ScriptTest, ShellOptionsInOrder) {
  Script S =
      Script::parse("a | b; set -eux; c | d; set -euo pipefail; e | f; set +o pipefail; g | h");
  ASSERT_EQ(S.pipelines().size(), 4u);
  EXPECT_FALSE(S.pipefailAt(S.pipelines()[0]));
  EXPECT_FALSE(S.pipefailAt(S.pipelines()[1]));
  EXPECT_TRUE(S.pipefailAt(S.pipelines()[2]));
  EXPECT_FALSE(S.pipefailAt(S.pipelines()[3]));
  const Command &A = S.commands()[0];
  const Command &C = *S.commandsNamed("c")[0];
  EXPECT_FALSE(S.optionOnAt(A, "errexit"));
  EXPECT_TRUE(S.optionOnAt(C, "errexit"));
  EXPECT_TRUE(S.optionOnAt(C, "xtrace"));
  EXPECT_EQ(S.firstPipelineWithoutPipefail(), &S.pipelines()[0]);
  // A set in a subshell does not reach outside it.
  Script T = Script::parse("(set -o pipefail); a | b");
  EXPECT_FALSE(T.pipefailAt(T.pipelines()[0]));
  // Long form and errexit.
  Script U = Script::parse("set -o errexit -o pipefail\na | b");
  EXPECT_TRUE(U.pipefailAt(U.pipelines()[0]));
  EXPECT_TRUE(U.optionOnAt(U.commands()[1], "errexit"));
}

TEST(ScriptTest, SubshellsAndGroups) {
  //                        0         1         2         3         4
  //                        0123456789012345678901234567890123456789012
  Script S = Script::parse("(cd /x && make) && { echo a; echo b; } > log");
  ASSERT_THAT(argvs(S), ElementsAre("cd /x", "make", "echo a", "echo b"));
  auto C = S.commands();
  EXPECT_TRUE(C[0].InSubshell);
  EXPECT_TRUE(C[1].InSubshell);
  EXPECT_FALSE(C[2].InSubshell);
  EXPECT_EQ(C[0].Depth, 1u);
  EXPECT_EQ(C[2].Depth, 1u);
  EXPECT_EQ(C[1].After, Connector::None);
  EXPECT_EQ(C[2].After, Connector::Semicolon);
  ASSERT_EQ(S.constructs().size(), 2u);
  EXPECT_EQ(S.constructs()[0].Kind, ConstructKind::Subshell);
  EXPECT_EQ(S.constructs()[0].Range, SourceRange(0, 15));
  EXPECT_EQ(S.constructs()[1].Kind, ConstructKind::Group);
  EXPECT_EQ(S.constructs()[1].Range, SourceRange(19, 44));
  ASSERT_EQ(S.constructs()[1].Redirects.size(), 1u);
  EXPECT_EQ(S.constructs()[1].Redirects[0].Target.Text, "log");
  EXPECT_TRUE(S.usesCd());
  EXPECT_TRUE(S.problems().empty());
  // Nested subshells are not arithmetic.
  Script T = Script::parse("((cd a && make) || true)");
  EXPECT_THAT(argvs(T), ElementsAre("cd a", "make", "true"));
  EXPECT_EQ(T.constructs().size(), 2u);
  EXPECT_TRUE(T.problems().empty());
}

TEST(ScriptTest, IfElifElse) {
  Script S = Script::parse(
      "if [ -f a ]; then rm a; elif true; then :; else\n  echo no\nfi > out && echo done");
  ASSERT_THAT(argvs(S), ElementsAre("[ -f a ]", "rm a", "true", ":", "echo no", "echo done"));
  ASSERT_EQ(S.constructs().size(), 1u);
  EXPECT_EQ(S.constructs()[0].Kind, ConstructKind::If);
  EXPECT_EQ(S.constructs()[0].Range, SourceRange(0, 66));
  EXPECT_EQ(S.constructs()[0].Redirects.size(), 1u);
  EXPECT_EQ(S.commands()[0].Depth, 1u);
  EXPECT_EQ(S.commands()[5].Depth, 0u);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, Loops) {
  Script S = Script::parse("for f in a $(ls /x) \"c\"; do echo $f; done; "
                           "while read -r l; do echo \"$l\"; done < list; "
                           "until false; do break; done; for x\ndo :; done; "
                           "for ((i=0; i<3; i++)); do echo $i; done");
  EXPECT_THAT(argvs(S), ElementsAre("ls /x", "echo $f", "read -r l", "echo $l", "false", "break",
                                    ":", "echo $i"));
  ASSERT_EQ(S.constructs().size(), 5u);
  EXPECT_EQ(S.constructs()[0].Kind, ConstructKind::For);
  EXPECT_EQ(S.constructs()[1].Kind, ConstructKind::While);
  EXPECT_EQ(S.constructs()[1].Redirects.size(), 1u);
  EXPECT_EQ(S.constructs()[2].Kind, ConstructKind::Until);
  EXPECT_EQ(S.constructs()[3].Kind, ConstructKind::For);
  EXPECT_EQ(S.constructs()[4].Kind, ConstructKind::For);
  // The substitution in the word list belongs to no command.
  EXPECT_EQ(S.commands()[0].Parent, -1);
  EXPECT_EQ(S.commands()[0].SubstitutionDepth, 1u);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, EveryShellNameHasItsDashCBodyParsed) {
  for (std::string Sh :
       {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "/bin/sh", "/usr/bin/bash"}) {
    Script S = Script::parse(Sh + " -c 'echo a'");
    ASSERT_EQ(S.commands().size(), 2u) << Sh;
    EXPECT_EQ(S.commands()[0].ShellScriptArg, 2) << Sh;
  }
  for (std::string Su : {"su", "runuser", "/sbin/runuser"}) {
    Script S = Script::parse(Su + " -c 'echo a' app");
    ASSERT_EQ(S.commands().size(), 2u) << Su;
    EXPECT_EQ(S.commands()[0].ShellScriptArg, 2) << Su;
  }
  for (std::string Other : {"s", "shx", "bas", "bashh", "mksh2", "runusr", "xsu", "sh/"}) {
    Script S = Script::parse(Other + " -c 'echo a'");
    EXPECT_EQ(S.commands().size(), 1u) << Other;
    EXPECT_EQ(S.commands()[0].ShellScriptArg, -1) << Other;
  }
}

TEST(ScriptTest, ReservedWordsAreWholeTokens) {
  // Tokens that only start like a reserved word, or are longer than any, are plain words.
  Script S = Script::parse("iffy; fix; dox; casey; whiles; functions; selected; functional x; "
                           "echo {} }x [[x if then fi\n"
                           "select o in a b; do echo $o; done; ! [[ -n x ]]");
  EXPECT_THAT(argvs(S),
              ElementsAre("iffy", "fix", "dox", "casey", "whiles", "functions", "selected",
                          "functional x", "echo {} }x [[x if then fi", "echo $o", "[[ -n x ]]"));
  ASSERT_EQ(S.constructs().size(), 1u);
  EXPECT_EQ(S.constructs()[0].Kind, ConstructKind::For);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, Case) {
  Script S = Script::parse("case \"$(uname -m)\" in\n"
                           "  x86_64|amd64) arch=amd64 ;;\n"
                           "  (aarch64) arch=arm64; echo arm ;;\n"
                           "  *) echo unsupported; exit 1 ;;\n"
                           "esac; echo $arch");
  EXPECT_THAT(argvs(S), ElementsAre("uname -m", "", "", "echo arm", "echo unsupported", "exit 1",
                                    "echo $arch"));
  ASSERT_EQ(S.constructs().size(), 1u);
  EXPECT_EQ(S.constructs()[0].Kind, ConstructKind::Case);
  EXPECT_EQ(S.commands()[1].Assignments[0].Value.Text, "amd64");
  EXPECT_EQ(S.commands()[1].After, Connector::Semicolon);
  EXPECT_TRUE(S.problems().empty());
  // `esac` as an argument is a word.
  Script T = Script::parse("case $x in a) echo esac;; esac");
  EXPECT_THAT(argvs(T), ElementsAre("echo esac"));
  EXPECT_TRUE(T.problems().empty());
}

TEST(ScriptTest, Functions) {
  Script S = Script::parse("f() { echo hi; }; function g { ls; }; function h() (pwd); f");
  EXPECT_THAT(argvs(S), ElementsAre("echo hi", "ls", "pwd", "f"));
  auto C = S.commands();
  EXPECT_TRUE(C[0].InFunction);
  EXPECT_TRUE(C[1].InFunction);
  EXPECT_TRUE(C[2].InFunction);
  EXPECT_TRUE(C[2].InSubshell);
  EXPECT_FALSE(C[3].InFunction);
  ASSERT_EQ(S.constructs().size(), 6u);
  EXPECT_EQ(S.constructs()[0].Kind, ConstructKind::Function);
  EXPECT_EQ(S.constructs()[0].Name, "f");
  EXPECT_EQ(S.constructs()[0].Range, SourceRange(0, 16));
  EXPECT_EQ(S.constructs()[1].Kind, ConstructKind::Group);
  EXPECT_EQ(S.constructs()[1].Parent, 0);
  EXPECT_EQ(S.constructs()[2].Name, "g");
  EXPECT_EQ(S.constructs()[4].Name, "h");
  EXPECT_EQ(S.constructs()[5].Kind, ConstructKind::Subshell);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, NestedCommandSubstitution) {
  Script S = Script::parse("echo \"$(dirname $(which python3))\" x");
  ASSERT_THAT(argvs(S), ElementsAre("echo $(dirname $(which python3)) x",
                                    "dirname $(which python3)", "which python3"));
  auto C = S.commands();
  EXPECT_EQ(C[0].SubstitutionDepth, 0u);
  EXPECT_EQ(C[1].SubstitutionDepth, 1u);
  EXPECT_EQ(C[2].SubstitutionDepth, 2u);
  EXPECT_EQ(C[1].Parent, 0);
  EXPECT_EQ(C[2].Parent, 1);
  EXPECT_EQ(S.parent(C[2]), &C[1]);
  EXPECT_EQ(S.parent(C[0]), nullptr);
  EXPECT_EQ(C[1].Range, SourceRange(8, 32));
  EXPECT_EQ(C[2].Range, SourceRange(18, 31));
  EXPECT_EQ(C[2].Args[1].Range, SourceRange(24, 31));
  EXPECT_EQ(C[0].Args[1].Range, SourceRange(5, 34));
  EXPECT_TRUE(C[0].Args[1].HasSubstitution);
  EXPECT_EQ(C[0].Range, SourceRange(0, 36));
  // A substitution may span lines and hold a case with `)` patterns.
  Script T = Script::parse("x=$(case a in\n a) echo 1;;\n esac) && echo \"$x\"");
  EXPECT_THAT(argvs(T), ElementsAre("", "echo 1", "echo $x"));
  EXPECT_EQ(T.commands()[1].Parent, 0);
  EXPECT_TRUE(T.problems().empty());
}

TEST(ScriptTest, Backticks) {
  Script S = Script::parse("echo `uname -r` \"`id -u`\"");
  ASSERT_THAT(argvs(S), ElementsAre("echo `uname -r` `id -u`", "uname -r", "id -u"));
  EXPECT_EQ(S.commands()[1].Range, SourceRange(6, 14));
  EXPECT_EQ(S.commands()[1].Args[1].Range, SourceRange(12, 14));
  EXPECT_EQ(S.commands()[2].Range, SourceRange(18, 23));
  EXPECT_EQ(S.commands()[2].SubstitutionDepth, 1u);
  EXPECT_EQ(S.commands()[2].Parent, 0);
  // Escaped backquotes nest; ranges still point at the original bytes.
  // The input is: a `b \`c \$d\` e` f
  Script T = Script::parse("a `b \\`c \\$d\\` e` f");
  ASSERT_THAT(argvs(T), ElementsAre("a `b \\`c \\$d\\` e` f", "b `c $d` e", "c $d"));
  EXPECT_EQ(T.commands()[1].Args[1].Range, SourceRange(5, 14));
  EXPECT_EQ(slice(T, T.commands()[1].Args[1].Range), "\\`c \\$d\\`");
  EXPECT_EQ(T.commands()[2].Range, SourceRange(7, 12));
  EXPECT_EQ(T.commands()[2].Args[1].Range, SourceRange(9, 12)); // `\$d`, from the backslash
  EXPECT_EQ(T.commands()[2].SubstitutionDepth, 2u);
  EXPECT_TRUE(T.problems().empty());
}

TEST(ScriptTest, ShellDashCBodyIsParsed) {
  //                        0         1         2         3         4
  //                        012345678901234567890123456789012345678901234567
  Script S = Script::parse("sh -c 'apt-get update && apt-get install -y x'");
  ASSERT_THAT(argvs(S), ElementsAre("sh -c apt-get update && apt-get install -y x",
                                    "apt-get update", "apt-get install -y x"));
  auto C = S.commands();
  EXPECT_EQ(C[0].ShellScriptArg, 2);
  ASSERT_NE(C[0].shellScript(), nullptr);
  EXPECT_EQ(C[0].shellScript()->Text, "apt-get update && apt-get install -y x");
  EXPECT_EQ(C[1].Range, SourceRange(7, 21));
  EXPECT_EQ(C[2].Range, SourceRange(25, 45));
  EXPECT_EQ(slice(S, C[2].Range), "apt-get install -y x");
  EXPECT_EQ(C[2].Args[3].Range, SourceRange(44, 45));
  EXPECT_EQ(C[1].Shell, 0);
  EXPECT_EQ(C[1].Parent, 0);
  EXPECT_EQ(C[1].ShellDepth, 1u);
  EXPECT_EQ(C[1].After, Connector::And);
  EXPECT_EQ(S.commandsNamed("apt-get").size(), 2u);

  // Escapes in a double-quoted body: ranges map to the escaped bytes.
  // The input is: bash -lc "echo \"a b\" && ls"
  Script T = Script::parse("bash -lc \"echo \\\"a b\\\" && ls\"");
  ASSERT_THAT(argvs(T), ElementsAre("bash -lc echo \"a b\" && ls", "echo a b", "ls"));
  EXPECT_EQ(T.commands()[1].Args[1].Range, SourceRange(15, 22)); // `\"a b\"`
  EXPECT_EQ(T.commands()[1].Args[1].Raw, "\"a b\"");
  EXPECT_EQ(T.commands()[2].Range, SourceRange(26, 28));
}

TEST(ScriptTest, ShellDashCBodyFromSeveralQuotedPiecesMapsEachByte) {
  // The body `echo a; ls x` is cooked from three quoted pieces; its map back to the input is
  // kept as runs, one per piece, and every range lands on the bytes as written.
  //                        0         1         2
  //                        012345678901234567890123
  Script S = Script::parse("sh -c 'echo a'\"; ls \"'x'");
  ASSERT_THAT(argvs(S), ElementsAre("sh -c echo a; ls x", "echo a", "ls x"));
  auto C = S.commands();
  EXPECT_EQ(C[1].Range, SourceRange(7, 13));
  EXPECT_EQ(C[2].Args[0].Range, SourceRange(17, 19));
  EXPECT_EQ(C[2].Args[1].Range, SourceRange(22, 23));
  EXPECT_EQ(slice(S, C[2].Args[1].Range), "x");
}

TEST(ScriptTest, ShellDashCOptionsAndSubstitutions) {
  // The outer shell runs "$(date)" before bash starts: it is parsed once, in the outer script.
  Script S = Script::parse("bash -eo pipefail -c \"echo $(date) | tee log\" && su -c 'id' app");
  ASSERT_THAT(argvs(S), ElementsAre("bash -eo pipefail -c echo $(date) | tee log", "date",
                                    "echo $(date)", "tee log", "su -c id app", "id"));
  auto C = S.commands();
  EXPECT_EQ(C[1].ShellDepth, 0u);
  EXPECT_EQ(C[1].SubstitutionDepth, 1u);
  EXPECT_EQ(C[2].ShellDepth, 1u);
  EXPECT_EQ(C[2].SubstitutionDepth, 0u);
  EXPECT_TRUE(C[2].Args[1].HasSubstitution);
  ASSERT_EQ(S.pipelines().size(), 1u);
  EXPECT_TRUE(S.pipefailAt(S.pipelines()[0]));
  EXPECT_TRUE(S.optionOnAt(C[2], "errexit"));
  EXPECT_FALSE(S.optionOnAt(C[0], "errexit"));
  EXPECT_EQ(C[5].Shell, 4);
  // In single quotes the inner shell runs the substitution.
  Script T = Script::parse("sh -c 'echo $(date)'");
  ASSERT_THAT(argvs(T), ElementsAre("sh -c echo $(date)", "echo $(date)", "date"));
  EXPECT_EQ(T.commands()[2].SubstitutionDepth, 1u);
  EXPECT_EQ(T.commands()[2].ShellDepth, 1u);
  EXPECT_EQ(T.commands()[2].Range, SourceRange(14, 18));
  // A script file or `-c` missing: no body.
  Script U = Script::parse("sh ./install.sh -c x; bash --norc -x");
  EXPECT_EQ(U.commands().size(), 2u);
  EXPECT_EQ(U.commands()[0].ShellScriptArg, -1);
  // Options set outside do not reach the inner shell.
  Script V = Script::parse("set -o pipefail; sh -c 'a | b'");
  EXPECT_FALSE(V.pipefailAt(V.pipelines()[0]));
}

TEST(ScriptTest, HereDocuments) {
  Script S = Script::parse("cat <<EOF > /etc/x\nline1\n$HOME\nEOF\necho done");
  ASSERT_THAT(argvs(S), ElementsAre("cat", "echo done"));
  const Command &C = S.commands()[0];
  ASSERT_EQ(C.Redirects.size(), 2u);
  EXPECT_EQ(C.Redirects[0].Kind, RedirectKind::HereDoc);
  EXPECT_EQ(C.Redirects[0].Target.Text, "EOF");
  EXPECT_EQ(C.Redirects[0].HereDoc, 0);
  EXPECT_EQ(C.Redirects[1].Target.Text, "/etc/x");
  ASSERT_EQ(S.hereDocs().size(), 1u);
  const HereDoc &H = S.hereDocs()[0];
  EXPECT_EQ(H.Body, SourceRange(19, 31));
  EXPECT_EQ(H.Text, "line1\n$HOME\n");
  EXPECT_TRUE(H.Terminated);
  EXPECT_TRUE(H.Expands);
  EXPECT_FALSE(H.StripTabs);
  EXPECT_EQ(C.After, Connector::Newline);
  EXPECT_EQ(S.commands()[1].Range, SourceRange(35, 44));
  EXPECT_TRUE(S.problems().empty());

  // Quoted delimiter, tab stripping, two heredocs on one line, a pipeline after the heredoc.
  Script T = Script::parse("cat <<-'E1' <<\"E2\" | sh\n\techo $x\n\tE1\nb\nE2\nls");
  ASSERT_THAT(argvs(T), ElementsAre("cat", "sh", "ls"));
  ASSERT_EQ(T.hereDocs().size(), 2u);
  EXPECT_EQ(T.hereDocs()[0].Text, "\techo $x\n");
  EXPECT_FALSE(T.hereDocs()[0].Expands);
  EXPECT_TRUE(T.hereDocs()[0].StripTabs);
  EXPECT_EQ(T.hereDocs()[1].Text, "b\n");
  EXPECT_EQ(T.pipelines().size(), 1u);
  EXPECT_TRUE(T.problems().empty());

  // Unterminated: the body runs to the end, with a problem.
  Script U = Script::parse("cat <<EOF\nabc\n");
  ASSERT_EQ(U.hereDocs().size(), 1u);
  EXPECT_FALSE(U.hereDocs()[0].Terminated);
  EXPECT_EQ(U.hereDocs()[0].Text, "abc\n");
  EXPECT_THAT(messages(U),
              ElementsAre("here-document is not terminated; end it with a line 'EOF'"));
  // No body at all (the RUN line without its heredoc lines).
  Script V = Script::parse("cat <<EOF >/x");
  EXPECT_THAT(messages(V), ElementsAre("here-document has no body; add lines ending with 'EOF'"));
  EXPECT_EQ(V.problems()[0].Range, SourceRange(13, 13));
}

TEST(ScriptTest, HereDocumentInsideASubstitution) {
  Script S = Script::parse("x=\"$(cat <<EOF\na) b\nEOF\n)\" && echo \"$x\"");
  EXPECT_THAT(argvs(S), ElementsAre("", "cat", "echo $x"));
  ASSERT_EQ(S.hereDocs().size(), 1u);
  EXPECT_EQ(S.hereDocs()[0].Text, "a) b\n");
  EXPECT_EQ(S.hereDocs()[0].Body, SourceRange(15, 20));
  EXPECT_EQ(S.commands()[1].Parent, 0);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, BackgroundCoversTheWholeAndOrList) {
  Script S = Script::parse("a && b $(c) & d");
  ASSERT_THAT(argvs(S), ElementsAre("a", "b $(c)", "c", "d"));
  EXPECT_TRUE(S.commands()[0].Background);
  EXPECT_TRUE(S.commands()[1].Background);
  EXPECT_TRUE(S.commands()[2].Background);
  EXPECT_FALSE(S.commands()[3].Background);
  EXPECT_EQ(S.commands()[0].After, Connector::And);
  EXPECT_EQ(S.commands()[1].After, Connector::Background);
}

TEST(ScriptTest, Comments) {
  Script S = Script::parse("# leading\necho a # not && an arg\necho b#c # x\n  # end");
  EXPECT_THAT(argvs(S), ElementsAre("echo a", "echo b#c"));
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, LineContinuationsInsideTheScript) {
  Script S = Script::parse("apt-get install \\\n    curl \\\n    git");
  ASSERT_THAT(argvs(S), ElementsAre("apt-get install curl git"));
  EXPECT_EQ(S.commands()[0].Args[3].Range, SourceRange(33, 36));
}

TEST(ScriptTest, BlanksAndContinuationsBetweenCommandsAreSkippedOnce) {
  // A simple command stops past the blanks after it (continuations included), so that its
  // pipeline and list go on from there; a continuation right after plain words joins the next
  // line's words to the command.
  Script S = Script::parse("a b  \\\n  c   | \\\n d e \\\n;  f \\\n\t|  g   \\\n");
  ASSERT_THAT(argvs(S), ElementsAre("a b c", "d e", "f", "g"));
  ASSERT_EQ(S.pipelines().size(), 2u);
  EXPECT_THAT(S.pipelines()[0].Commands, ElementsAre(0u, 1u));
  EXPECT_THAT(S.pipelines()[1].Commands, ElementsAre(2u, 3u));
  EXPECT_EQ(S.commands()[0].Range, SourceRange(0, 10));
  EXPECT_EQ(S.commands()[1].After, Connector::Semicolon);
  EXPECT_TRUE(S.problems().empty());
  // A command's words, then blanks and the end of the text.
  Script T = Script::parse("x y   ");
  ASSERT_THAT(argvs(T), ElementsAre("x y"));
  EXPECT_EQ(T.commands()[0].Range, SourceRange(0, 3));
}

TEST(ScriptTest, DoubleBrackets) {
  Script S = Script::parse("[[ -f a && ( -n \"$b\" || $c =~ ^(x|y)$ ) ]]&& echo ok");
  ASSERT_THAT(argvs(S), ElementsAre("[[ -f a && ( -n $b || $c =~ ^(x|y)$ ) ]]", "echo ok"));
  EXPECT_EQ(S.commands()[0].After, Connector::And);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, ProcessSubstitutionAndArithmetic) {
  Script S = Script::parse("diff <(ls a) >(cat) && (( i += 1 )) && echo $(( i * 2 ))");
  EXPECT_THAT(argvs(S), ElementsAre("diff <(ls a) >(cat)", "ls a", "cat", "echo $(( i * 2 ))"));
  EXPECT_EQ(S.commands()[1].SubstitutionDepth, 1u);
  ASSERT_EQ(S.constructs().size(), 1u);
  EXPECT_EQ(S.constructs()[0].Kind, ConstructKind::Arithmetic);
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, RecoversFromUnterminatedQuotes) {
  Script S = Script::parse("echo \"abc && ls");
  EXPECT_THAT(argvs(S), ElementsAre("echo abc && ls"));
  ASSERT_EQ(S.problems().size(), 1u);
  EXPECT_EQ(S.problems()[0].Message, "double quote is not closed; add a closing '\"'");
  EXPECT_EQ(S.problems()[0].Range, SourceRange(5, 15));

  Script T = Script::parse("echo 'abc; ls");
  EXPECT_THAT(argvs(T), ElementsAre("echo abc; ls"));
  EXPECT_THAT(messages(T), ElementsAre("single quote is not closed; add a closing \"'\""));
}

TEST(ScriptTest, RecoversFromUnclosedSubstitutionAndConstructs) {
  Script S = Script::parse("echo $(ls -l");
  EXPECT_THAT(argvs(S), ElementsAre("echo $(ls -l", "ls -l"));
  EXPECT_THAT(messages(S), ElementsAre("command substitution is not closed; add ')'"));
  EXPECT_EQ(S.problems()[0].Range, SourceRange(5, 7));

  Script T = Script::parse("if true; then echo a");
  EXPECT_THAT(argvs(T), ElementsAre("true", "echo a"));
  EXPECT_THAT(messages(T), ElementsAre("expected 'fi' in an if starting at offset 0; add it"));
  EXPECT_EQ(T.problems()[0].Range, SourceRange(20, 20));

  Script U = Script::parse("if true; fi; ls");
  EXPECT_THAT(argvs(U), ElementsAre("true", "ls"));
  EXPECT_THAT(messages(U), ElementsAre("expected 'then' in an if starting at offset 0; add it"));

  Script V = Script::parse("(cd x; make");
  EXPECT_THAT(argvs(V), ElementsAre("cd x", "make"));
  EXPECT_THAT(messages(V), ElementsAre("subshell is not closed; add ')'"));
}

TEST(ScriptTest, RecoversFromStrayTokens) {
  Script S = Script::parse("a ) b; done; && c | ; fi d");
  EXPECT_THAT(argvs(S), ElementsAre("a", "b", "c", "d"));
  EXPECT_THAT(messages(S), ElementsAre("unexpected ')'; remove it or quote it",
                                       "unexpected 'done'; remove it or quote it",
                                       "unexpected '&&'; remove it or quote it",
                                       "expected a command after '|' or '!'; add one or remove it",
                                       "unexpected 'fi'; remove it or quote it"));
  EXPECT_EQ(S.problems()[0].Range, SourceRange(2, 3));
  EXPECT_EQ(S.problems()[1].Range, SourceRange(7, 11));

  Script T = Script::parse("a &&");
  EXPECT_THAT(argvs(T), ElementsAre("a"));
  EXPECT_THAT(messages(T), ElementsAre("expected a command after '&&'; add one or remove it"));
  EXPECT_EQ(T.problems()[0].Range, SourceRange(2, 4));

  Script U = Script::parse("echo >");
  EXPECT_THAT(messages(U), ElementsAre("redirection has no target; add a file name after it"));
}

TEST(ScriptTest, DeepNestingIsBounded) {
  std::string Deep;
  for (int I = 0; I < 5000; ++I)
    Deep += "$(";
  Script S = Script::parse(Deep);
  EXPECT_FALSE(S.problems().empty());
  std::string Parens(20000, '(');
  Script T = Script::parse(Parens);
  EXPECT_FALSE(T.problems().empty());
  std::string Backticks;
  for (int I = 0; I < 12; ++I)
    Backticks = "echo `" + Backticks + "`";
  Script U = Script::parse(Backticks);
  EXPECT_GT(U.commands().size(), 1u);
  std::string Funcs;
  for (int I = 0; I < 3000; ++I)
    Funcs += "f() ";
  Script V = Script::parse(Funcs);
  EXPECT_FALSE(V.problems().empty());
  std::string Keywords;
  for (int I = 0; I < 3000; ++I)
    Keywords += "function f ";
  Script W = Script::parse(Keywords);
  EXPECT_FALSE(W.problems().empty());
  // Within the bound (each list counts: 91 here), every level is read: 30 substitutions in
  // subshells in groups.
  std::string Within;
  for (int I = 0; I < 30; ++I)
    Within += "echo $( ( { ";
  Within += "true";
  for (int I = 0; I < 30; ++I)
    Within += "; } ) )";
  Script X = Script::parse(Within);
  EXPECT_TRUE(X.problems().empty());
  EXPECT_EQ(X.commands().size(), 31u);
  EXPECT_EQ(X.constructs().size(), 60u);
}

TEST(ScriptTest, ReservedWordsAndCommandsThatStartLikeThem) {
  // Names that share a reserved word's first byte (or first two) are commands; the reserved
  // words around them still open and close their constructs, also at the end of the text.
  Script S = Script::parse(
      "if cd /x; then find . -name fi; elif iffy; then elsewhere; else esacx; fi; "
      "for f in a b; do done_x; doit; dox; done; while wget x; do tar xf y; done; "
      "until useradd u; do :; done; case $x in a) casey;; esac; {x; !x; { echo; }; ! true; "
      "[[ -n x ]]; function fn { selectx; }; select s in a; do then_x; done; t");
  EXPECT_THAT(argvs(S),
              ElementsAre("cd /x", "find . -name fi", "iffy", "elsewhere", "esacx", "done_x",
                          "doit", "dox", "wget x", "tar xf y", "useradd u", ":", "casey", "{x",
                          "!x", "echo", "true", "[[ -n x ]]", "selectx", "then_x", "t"));
  std::vector<ConstructKind> Kinds;
  for (const Construct &C : S.constructs())
    Kinds.push_back(C.Kind);
  EXPECT_THAT(Kinds,
              ElementsAre(ConstructKind::If, ConstructKind::For, ConstructKind::While,
                          ConstructKind::Until, ConstructKind::Case, ConstructKind::Group,
                          ConstructKind::Function, ConstructKind::Group, ConstructKind::For));
  EXPECT_TRUE(S.problems().empty());
  EXPECT_THAT(messages(Script::parse("echo; fi")),
              ElementsAre("unexpected 'fi'; remove it or quote it"));
  EXPECT_THAT(argvs(Script::parse("echo; f")), ElementsAre("echo", "f"));
  EXPECT_THAT(argvs(Script::parse("d; i; e")), ElementsAre("d", "i", "e"));
  EXPECT_THAT(messages(Script::parse("echo; {")),
              ElementsAre(::testing::StartsWith("expected '}'")));
}

TEST(ScriptTest, EmptyAndBlankInput) {
  EXPECT_TRUE(Script::parse("").commands().empty());
  Script S = Script::parse("  \n\t\n # only a comment\n");
  EXPECT_TRUE(S.commands().empty());
  EXPECT_TRUE(S.problems().empty());
}

TEST(ScriptTest, MovedScriptKeepsItsText) {
  std::string Input = "echo \"a\"'b' c";
  Script S = Script::parse(Input);
  Input.assign(Input.size(), 'z'); // the Script owns a copy
  Script Moved = std::move(S);
  EXPECT_THAT(argvs(Moved), ElementsAre("echo ab c"));
  EXPECT_EQ(Moved.text(), "echo \"a\"'b' c");
}

TEST(ScriptTest, DroppedScriptsSlabGoesToTheNextOne) {
  const char *First = nullptr;
  {
    Script A = Script::parse("echo a");
    First = A.text().data();
  }
  Script B = Script::parse("echo b");
  EXPECT_EQ(B.text().data(), First);
  EXPECT_THAT(argvs(B), ElementsAre("echo b"));
  // A thread that ends with slabs kept frees them (the ASan run reports them otherwise).
  std::thread([] {
    for (int I = 0; I < 20; ++I)
      EXPECT_THAT(argvs(Script::parse("cd /x && make")), ElementsAre("cd /x", "make"));
  }).join();
}

TEST(ScriptTest, SlabsFreedBeyondAThreadsCacheGoToAnyThread) {
  // A run's Scripts are parsed on some threads and freed together on another: the slabs its
  // cache cannot keep go to a pool the next Scripts take theirs from, on any thread.
  std::vector<Script> Made;
  Made.reserve(40);
  std::set<const char *> Texts;
  for (int I = 0; I < 40; ++I) {
    Made.push_back(Script::parse("echo " + std::to_string(I)));
    Texts.insert(Made.back().text().data());
  }
  std::thread([Dropped = std::move(Made)]() mutable { Dropped.clear(); }).join();
  int Reused = 0;
  std::thread([&] {
    for (int I = 0; I < 20; ++I) {
      Script S = Script::parse("cd /x && make");
      EXPECT_THAT(argvs(S), ElementsAre("cd /x", "make"));
      Reused += Texts.count(S.text().data()) ? 1 : 0;
    }
  }).join();
  EXPECT_GT(Reused, 0);
}

TEST(ScriptTest, CommonQuotedAndExpandedWordShapes) {
  // Each shape is read without a word builder; the result must be what the builder makes.
  Script S = Script::parse(
      "echo \"$HOME\" $USER '' \"\" [ x ] 'a b' \"c d\" \"$X\"y $Y/z ${Z}.d ${Z:-d} $Z");
  ASSERT_EQ(S.commands().size(), 1u);
  llvm::ArrayRef<Word> A = S.commands()[0].Args;
  ASSERT_EQ(A.size(), 15u);
  auto Check = [&](size_t I, llvm::StringRef Text, llvm::StringRef Raw, bool Quoted,
                   bool Expansion) {
    SCOPED_TRACE(I);
    EXPECT_EQ(A[I].Text, Text);
    EXPECT_EQ(llvm::StringRef(A[I].Raw), Raw);
    EXPECT_EQ(slice(S, A[I].Range), Raw.str());
    EXPECT_EQ(A[I].Quoted, Quoted);
    EXPECT_EQ(A[I].HasExpansion, Expansion);
    EXPECT_FALSE(A[I].HasSubstitution);
    EXPECT_FALSE(A[I].HasGlob);
  };
  Check(1, "$HOME", "\"$HOME\"", true, true);
  Check(2, "$USER", "$USER", false, true);
  Check(3, "", "''", true, false);
  Check(4, "", "\"\"", true, false);
  Check(5, "[", "[", false, false);
  Check(6, "x", "x", false, false);
  Check(7, "]", "]", false, false);
  Check(8, "a b", "'a b'", true, false);
  Check(9, "c d", "\"c d\"", true, false);
  Check(10, "$Xy", "\"$X\"y", true, true);
  Check(11, "$Y/z", "$Y/z", false, true);
  Check(12, "${Z}.d", "${Z}.d", false, true);
  Check(13, "${Z:-d}", "${Z:-d}", false, true);
  Check(14, "$Z", "$Z", false, true);
}

TEST(ScriptTest, WordsOfNestedCommandsStayApart) {
  // A command keeps its words where the parser pushed them unless it is nested in another
  // command's words; nested in a first word (nothing pushed below it yet), it keeps them too.
  Script S = Script::parse("$(a b) c d; x $(e f) g; FOO=$(h) i j; k `l m` n; $(o $(p q) r) s");
  EXPECT_THAT(argvs(S), ElementsAre("$(a b) c d", "a b", "x $(e f) g", "e f", "i j", "h",
                                    "k `l m` n", "l m", "$(o $(p q) r) s", "o $(p q) r", "p q"));
  ASSERT_EQ(S.commands()[4].Assignments.size(), 1u);
  EXPECT_EQ(S.commands()[4].Assignments[0].Value.Text, "$(h)");
}

TEST(ScriptTest, ManyWordsAndCommandsOutgrowTheirFirstRoom) {
  std::string Input = "x $(y z)";
  std::string Expected = "x $(y z)";
  for (int I = 0; I < 300; ++I) {
    Input += " w";
    Expected += " w";
  }
  for (int I = 0; I < 40; ++I)
    Input += ";a";
  Script S = Script::parse(Input);
  ASSERT_EQ(S.commands().size(), 42u);
  EXPECT_EQ(argvs(S)[0], Expected);
  EXPECT_EQ(argvs(S)[1], "y z");
  EXPECT_EQ(argvs(S)[41], "a");
}

TEST(ScriptTest, ScriptsGoOnAnyThread) {
  // A Script's slabs are freed (or kept for reuse) by whichever thread frees the Script (the
  // ASan run reports a leak or a bad free otherwise).
  std::vector<Script> Scripts;
  Scripts.reserve(40);
  for (int I = 0; I < 40; ++I)
    Scripts.push_back(Script::parse("echo " + std::to_string(I)));
  std::vector<Script> Half(std::make_move_iterator(Scripts.begin() + 20),
                           std::make_move_iterator(Scripts.end()));
  Scripts.erase(Scripts.begin() + 20, Scripts.end());
  std::thread([&Half] { Half.clear(); }).join();
  for (int I = 0; I < 20; ++I)
    EXPECT_THAT(argvs(Scripts[I]), ElementsAre("echo " + std::to_string(I)));
}

TEST(ScriptTest, CommandsNamedMatchesBasename) {
  Script S = Script::parse("/usr/bin/apt-get update && apt-get install x && apt install y");
  EXPECT_EQ(S.commandsNamed("apt-get").size(), 2u);
  EXPECT_TRUE(S.hasCommand("apt"));
  EXPECT_FALSE(S.hasCommand("yum"));
  EXPECT_TRUE(S.anyCommand([](const Command &C) { return C.is("apt-get", "install"); }));
  EXPECT_FALSE(S.allCommands([](const Command &C) { return C.is("apt-get"); }));
  EXPECT_TRUE(S.noCommand([](const Command &C) { return C.is("cd"); }));
  EXPECT_FALSE(S.usesCd());
}

} // namespace
} // namespace ballast::shell
