//===- CommandTest.cpp - Command queries and tool specs ---------------------===//
#include "shell/Command.h"

#include <string>
#include <vector>

#include "shell/Script.h"
#include "shell/ToolSpec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ballast::shell {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

template <typename Range> std::vector<std::string> texts(const Range &Words) {
  std::vector<std::string> Out;
  for (const Word &W : Words)
    Out.push_back(W.Text.str());
  return Out;
}

/// Parses a one-command script; the Script stays alive for the test's duration.
class CommandTest : public ::testing::Test {
protected:
  const Command &parse(llvm::StringRef Text) {
    Scripts.push_back(std::make_unique<Script>(Script::parse(Text)));
    EXPECT_FALSE(Scripts.back()->commands().empty()) << Text.str();
    return Scripts.back()->commands()[0];
  }
  std::vector<std::unique_ptr<Script>> Scripts;
};

TEST_F(CommandTest, IsMatchesNameAndBasename) {
  const Command &C = parse("/usr/bin/apt-get -q install x");
  EXPECT_EQ(C.Name, "/usr/bin/apt-get");
  EXPECT_EQ(C.basename(), "apt-get");
  EXPECT_TRUE(C.is("apt-get"));
  EXPECT_TRUE(C.is("/usr/bin/apt-get"));
  EXPECT_FALSE(C.is("apt"));
  EXPECT_TRUE(C.is("apt-get", "install"));
  EXPECT_FALSE(C.is("apt-get", "update"));
  EXPECT_TRUE(C.isAnyOf({"yum", "apt-get"}));
  EXPECT_FALSE(C.isAnyOf({"yum", "dnf"}));
  const Command &Empty = parse("A=1");
  EXPECT_FALSE(Empty.is(""));
}

TEST_F(CommandTest, IsComparesWithTheBasenameOnlyAtASlash) {
  // is() no longer computes basename(); these pin that it answers exactly as
  // `Name == N || basename() == N` did.
  const Command &C = parse("/opt/bin/get x");
  EXPECT_TRUE(C.is("get"));
  EXPECT_TRUE(C.is("/opt/bin/get"));
  EXPECT_FALSE(C.is("bin/get")); // a suffix, but not the basename
  EXPECT_FALSE(C.is("t"));
  EXPECT_FALSE(C.is("/get"));
  EXPECT_FALSE(C.is("/opt/bin/get/"));
  EXPECT_FALSE(C.is(""));
  const Command &Plain = parse("get x");
  EXPECT_TRUE(Plain.is("get"));
  EXPECT_FALSE(Plain.is("ge"));
  EXPECT_FALSE(Plain.is("xget"));
  const Command &Dir = parse("./dir/ x");
  EXPECT_EQ(Dir.basename(), "");
  EXPECT_TRUE(Dir.is("")); // the basename of `./dir/` is empty, as before
  EXPECT_TRUE(Dir.is("./dir/"));
  EXPECT_FALSE(Dir.is("dir"));
}

TEST_F(CommandTest, BasenameFollowsANameSetAfterParsing) {
  // The parser records the basename of the name it set; a copy whose Name is changed (as
  // rules do for `python -m pip`) measures the new name.
  const Command &Parsed = parse("/usr/bin/python3 -m pip install x");
  EXPECT_EQ(Parsed.basename(), "python3");
  Command C = Parsed;
  EXPECT_EQ(C.basename(), "python3");
  C.Name = Parsed.Name.take_front(8); // the same bytes, fewer of them
  EXPECT_EQ(C.basename(), "bin");
  C.Name = Parsed.Name.drop_front(5); // the same end, another start
  EXPECT_EQ(C.basename(), "python3");
  C.Name = "pip";
  EXPECT_EQ(C.basename(), "pip");
  C.Name = "/opt/x/tool";
  EXPECT_EQ(C.basename(), "tool");
  C.Name = {};
  EXPECT_EQ(C.basename(), "");
  EXPECT_EQ(Command().basename(), "");
  const Command &Empty = parse("A=1 >out");
  EXPECT_EQ(Empty.basename(), "");
}

TEST_F(CommandTest, AptGetOptionValuesAreSkipped) {
  const Command &C = parse(
      "apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confnew pkg=1.2");
  EXPECT_TRUE(C.is("apt-get", "install"));
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("pkg=1.2"));
  EXPECT_TRUE(C.hasFlag("-y"));
  EXPECT_TRUE(C.hasFlag("--no-install-recommends"));
  EXPECT_FALSE(C.hasFlag("--force-confnew")); // part of -o's value
  EXPECT_FALSE(C.hasFlag("-f"));
  std::optional<Word> O = C.flagValue("-o");
  ASSERT_TRUE(O);
  EXPECT_EQ(O->Text, "Dpkg::Options::=--force-confnew");
  EXPECT_EQ(O->Range, SourceRange(46, 77));
  EXPECT_EQ(C.subcommand()->Text, "install");
  EXPECT_EQ(C.subcommand()->Range, SourceRange(8, 15));
  EXPECT_EQ(C.positionalArgs()[0].Range, SourceRange(78, 85));
}

TEST_F(CommandTest, CombinedShortAndLongFlags) {
  const Command &C = parse("apt-get -qy --yes=true --option=APT::Get::Foo=1 -- install -x");
  EXPECT_TRUE(C.hasFlag("-q"));
  EXPECT_TRUE(C.hasFlag("-y"));
  EXPECT_TRUE(C.hasFlag("--yes"));
  EXPECT_TRUE(C.hasFlag("--option"));
  EXPECT_FALSE(C.hasFlag("-x")); // after `--`
  EXPECT_TRUE(C.hasAnyFlag({"--assume-yes", "-y"}));
  EXPECT_FALSE(C.hasAnyFlag({"--assume-yes", "--force-yes"}));
  EXPECT_EQ(C.flagValue("--yes")->Text, "true");
  EXPECT_EQ(C.flagValue("--option")->Text, "APT::Get::Foo=1");
  EXPECT_EQ(C.flagValue("--option")->Range, SourceRange(32, 47));
  EXPECT_TRUE(C.is("apt-get", "install"));
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("-x"));
}

TEST_F(CommandTest, CurlOutputAndUrl) {
  //                          0         1         2         3
  //                          012345678901234567890123456789012345
  const Command &C = parse("curl -fsSL -o /tmp/x https://a/b");
  EXPECT_TRUE(C.hasFlag("-f"));
  EXPECT_TRUE(C.hasFlag("-L"));
  EXPECT_FALSE(C.hasFlag("-O"));
  ASSERT_TRUE(C.flagValue("-o"));
  EXPECT_EQ(C.flagValue("-o")->Text, "/tmp/x");
  EXPECT_EQ(C.flagValue("-o")->Range, SourceRange(14, 20));
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("https://a/b"));
  EXPECT_EQ(C.subcommand()->Text, "https://a/b");

  // Attached value at the end of a cluster: the range is narrowed to the value.
  const Command &D = parse("curl -fsSLo/tmp/y https://c");
  EXPECT_EQ(D.flagValue("-o")->Text, "/tmp/y");
  EXPECT_EQ(D.flagValue("-o")->Range, SourceRange(11, 17));
  EXPECT_THAT(texts(D.positionalArgs()), ElementsAre("https://c"));

  const Command &E = parse("curl --retry 3 --output \"$F\" -H 'A: b' --compressed u");
  EXPECT_EQ(E.flagValue("--output")->Text, "$F");
  EXPECT_EQ(E.flagValue("-H")->Text, "A: b");
  EXPECT_TRUE(E.hasFlag("--compressed"));
  EXPECT_THAT(texts(E.positionalArgs()), ElementsAre("u"));
}

TEST_F(CommandTest, Pip) {
  const Command &C = parse("pip3 install --no-cache-dir -r requirements.txt -i https://idx "
                           "--extra-index-url https://x flask==2.0 'requests>=2'");
  EXPECT_TRUE(C.is("pip3", "install"));
  EXPECT_NE(C.Spec, nullptr);
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("flask==2.0", "requests>=2"));
  EXPECT_EQ(C.flagValue("-r")->Text, "requirements.txt");
  EXPECT_EQ(C.flagValue("--extra-index-url")->Text, "https://x");
  EXPECT_TRUE(C.hasFlag("--no-cache-dir"));
}

TEST_F(CommandTest, Npm) {
  const Command &C = parse("npm install -g --registry https://r typescript@5 --save-dev");
  EXPECT_TRUE(C.is("npm", "install"));
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("typescript@5"));
  EXPECT_TRUE(C.hasFlag("-g"));
  EXPECT_TRUE(C.hasFlag("--save-dev"));
  EXPECT_EQ(C.flagValue("--registry")->Text, "https://r");
  const Command &D = parse("npm ci --omit dev");
  EXPECT_TRUE(D.is("npm", "ci"));
  EXPECT_THAT(texts(D.positionalArgs()), IsEmpty());
}

TEST_F(CommandTest, TarOldAndNewStyle) {
  const Command &C = parse("tar xzf a.tgz -C /opt --strip-components 1 b");
  EXPECT_TRUE(C.hasFlag("-x"));
  EXPECT_TRUE(C.hasFlag("-z"));
  EXPECT_EQ(C.flagValue("-f")->Text, "a.tgz");
  EXPECT_EQ(C.flagValue("-C")->Text, "/opt");
  EXPECT_EQ(C.flagValue("--strip-components")->Text, "1");
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("b"));
  const Command &D = parse("tar -xJf - -C /usr/local");
  EXPECT_TRUE(D.hasFlag("-J"));
  EXPECT_EQ(D.flagValue("-f")->Text, "-");
  EXPECT_THAT(texts(D.positionalArgs()), IsEmpty());
  const Command &E = parse("tar -fa.tar -c dir");
  EXPECT_EQ(E.flagValue("-f")->Text, "a.tar");
  EXPECT_THAT(texts(E.positionalArgs()), ElementsAre("dir"));
}

TEST_F(CommandTest, SedInPlaceSuffix) {
  const Command &C = parse("sed -i.bak -e s/a/b/ file");
  EXPECT_EQ(C.flagValue("-i")->Text, ".bak");
  EXPECT_EQ(C.flagValue("-e")->Text, "s/a/b/");
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("file"));
  const Command &D = parse("sed -i 's/x/y/' f");
  EXPECT_TRUE(D.hasFlag("-i"));
  EXPECT_FALSE(D.flagValue("-i"));
  EXPECT_THAT(texts(D.positionalArgs()), ElementsAre("s/x/y/", "f"));
}

TEST_F(CommandTest, GoSingleDashLongOptions) {
  const Command &C = parse("go build -ldflags \"-s -w\" -trimpath -o /bin/app ./cmd/app");
  EXPECT_TRUE(C.is("go", "build"));
  EXPECT_EQ(C.flagValue("-o")->Text, "/bin/app");
  EXPECT_EQ(C.flagValue("-ldflags")->Text, "-s -w");
  EXPECT_TRUE(C.hasFlag("-trimpath"));
  EXPECT_FALSE(C.hasFlag("-t")); // not a cluster
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("./cmd/app"));
  const Command &D = parse("go install --mod=vendor example.com/x@latest");
  EXPECT_EQ(D.flagValue("-mod")->Text, "vendor");
  EXPECT_THAT(texts(D.positionalArgs()), ElementsAre("example.com/x@latest"));
}

TEST_F(CommandTest, OtherTools) {
  const Command &U = parse("useradd -u 1000 -g app -m -s /bin/sh app");
  EXPECT_TRUE(U.hasFlag("-m"));
  EXPECT_EQ(U.flagValue("-u")->Text, "1000");
  EXPECT_THAT(texts(U.positionalArgs()), ElementsAre("app"));
  const Command &G = parse("git clone --depth 1 -b v1 https://x dir");
  EXPECT_TRUE(G.is("git", "clone"));
  EXPECT_THAT(texts(G.positionalArgs()), ElementsAre("https://x", "dir"));
  const Command &A = parse("apk add --no-cache --virtual .build-deps gcc musl-dev");
  EXPECT_TRUE(A.is("apk", "add"));
  EXPECT_EQ(A.flagValue("--virtual")->Text, ".build-deps");
  EXPECT_THAT(texts(A.positionalArgs()), ElementsAre("gcc", "musl-dev"));
  const Command &Y = parse("yum --enablerepo epel install -y jq && yum clean all");
  EXPECT_TRUE(Y.is("yum", "install"));
  EXPECT_THAT(texts(Y.positionalArgs()), ElementsAre("jq"));
  const Command &R = parse("rm -rf -- -weird /var/lib/apt/lists/*");
  EXPECT_TRUE(R.hasFlag("-r"));
  EXPECT_TRUE(R.hasFlag("-f"));
  EXPECT_THAT(texts(R.positionalArgs()), ElementsAre("-weird", "/var/lib/apt/lists/*"));
  const Command &W = parse("wget -qO- https://x");
  EXPECT_EQ(W.flagValue("-O")->Text, "-");
  EXPECT_THAT(texts(W.positionalArgs()), ElementsAre("https://x"));
  const Command &M = parse("mkdir -p -m 0755 /a /b");
  EXPECT_THAT(texts(M.positionalArgs()), ElementsAre("/a", "/b"));
  const Command &Ch = parse("chown -R --from=root app:app /srv");
  EXPECT_EQ(Ch.flagValue("--from")->Text, "root");
  EXPECT_THAT(texts(Ch.positionalArgs()), ElementsAre("app:app", "/srv"));
}

TEST_F(CommandTest, UnknownToolHasNoValueOptions) {
  const Command &C = parse("mytool -x value --flag=1 pos");
  EXPECT_EQ(C.Spec, nullptr);
  EXPECT_TRUE(C.hasFlag("-x"));
  EXPECT_FALSE(C.flagValue("-x"));
  EXPECT_EQ(C.flagValue("--flag")->Text, "1");
  EXPECT_THAT(texts(C.positionalArgs()), ElementsAre("value", "pos"));
  EXPECT_EQ(C.subcommand()->Text, "value");
  EXPECT_TRUE(C.is("mytool", "value"));
}

TEST_F(CommandTest, FlagValuesCollectsEveryOccurrence) {
  const Command &C = parse("apt-get -o A=1 -oB=2 --option C=3 install x");
  EXPECT_THAT(texts(C.flagValues("-o")), ElementsAre("A=1", "B=2"));
  EXPECT_THAT(texts(C.flagValues("--option")), ElementsAre("C=3"));
  EXPECT_EQ(C.flagValue("-o")->Text, "B=2");
}

TEST_F(CommandTest, Args) {
  const Command &C = parse("update-ca-certificates --fresh /x");
  EXPECT_THAT(texts(C.args()), ElementsAre("--fresh", "/x"));
  EXPECT_TRUE(C.hasArg("--fresh"));
  EXPECT_FALSE(C.hasArg("update-ca-certificates"));
  EXPECT_TRUE(C.hasArgStartingWith("--fr"));
  EXPECT_FALSE(C.hasArgStartingWith("--x"));
}

TEST(ToolSpecTest, Lookup) {
  ASSERT_NE(findToolSpec("pip3.11"), nullptr);
  EXPECT_EQ(findToolSpec("pip3.11")->Name, "pip");
  EXPECT_EQ(findToolSpec("pip")->Name, "pip");
  EXPECT_EQ(findToolSpec("apt-get")->Name, "apt-get");
  EXPECT_EQ(findToolSpec("python3"), nullptr);
  EXPECT_EQ(findToolSpec(""), nullptr);
  EXPECT_EQ(findToolSpec("3"), nullptr);
  EXPECT_TRUE(findToolSpec("curl")->shortTakesValue('o'));
  EXPECT_FALSE(findToolSpec("curl")->shortTakesValue('L'));
  EXPECT_TRUE(findToolSpec("curl")->longTakesValue("--output"));
  EXPECT_FALSE(findToolSpec("curl")->longTakesValue("--location"));
  // Every tool named in the design has a spec, and names are unique.
  for (llvm::StringRef N :
       {"apt-get", "apt",  "apk",     "yum",     "dnf",   "microdnf", "zypper",
        "pip",     "npm",  "yarn",    "pnpm",    "gem",   "go",       "composer",
        "curl",    "wget", "useradd", "adduser", "chmod", "chown",    "tar",
        "git",     "dpkg", "rm",      "mkdir",   "cd",    "ln",       "sed"})
    EXPECT_NE(findToolSpec(N), nullptr) << N.str();
  std::vector<std::string> Names;
  for (const ToolSpec &S : allToolSpecs())
    Names.push_back(S.Name.str());
  std::sort(Names.begin(), Names.end());
  EXPECT_EQ(std::adjacent_find(Names.begin(), Names.end()), Names.end());
  // Every spec is found by its own name (and by a versioned one); near misses are not.
  for (const ToolSpec &S : allToolSpecs()) {
    EXPECT_EQ(findToolSpec(S.Name), &S) << S.Name.str();
    EXPECT_EQ(findToolSpec(S.Name.str() + "2.7"), &S) << S.Name.str();
  }
  for (llvm::StringRef N : {"Curl", "-curl", "/curl", "{", "curls", "cur", "a", "z", "zz", "~"})
    EXPECT_EQ(findToolSpec(N), nullptr) << N.str();
}

TEST(ToolSpecTest, LookupCommandGivesSpecAndShell) {
  // One lookup answers both questions the parser asks of a command name.
  for (llvm::StringRef N : {"sh", "ash", "zsh", "ksh", "bash", "dash", "mksh"}) {
    EXPECT_EQ(lookupCommand(N).Shell, 1) << N.str();
    EXPECT_EQ(lookupCommand(N).Spec, nullptr) << N.str();
  }
  for (llvm::StringRef N : {"su", "runuser"}) {
    EXPECT_EQ(lookupCommand(N).Shell, 2) << N.str();
    EXPECT_EQ(lookupCommand(N).Spec, nullptr) << N.str();
  }
  // A shell is named exactly; a version suffix finds no spec for it either.
  for (llvm::StringRef N : {"bash5", "sh2.7", "s", "shx", "runusr", "", "3"}) {
    EXPECT_EQ(lookupCommand(N).Shell, 0) << N.str();
    EXPECT_EQ(lookupCommand(N).Spec, nullptr) << N.str();
  }
  for (const ToolSpec &S : allToolSpecs()) {
    EXPECT_EQ(lookupCommand(S.Name).Spec, &S) << S.Name.str();
    EXPECT_EQ(lookupCommand(S.Name).Shell, 0) << S.Name.str();
    EXPECT_EQ(lookupCommand(S.Name.str() + "3").Spec, &S) << S.Name.str();
  }
}

TEST(ShellOptionsTest, ForEachShellOption) {
  Script S = Script::parse("set -euxo pipefail +v -- -e");
  std::vector<std::string> Seen;
  forEachShellOption(S.commands()[0].args(), [&](llvm::StringRef N, bool On) {
    Seen.push_back((On ? "+" : "-") + N.str());
  });
  EXPECT_THAT(Seen, ElementsAre("+errexit", "+nounset", "+xtrace", "+pipefail", "-verbose"));
}

} // namespace
} // namespace ballast::shell
