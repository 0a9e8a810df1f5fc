//===- CacheQueriesTest.cpp - the cache and stage helpers of Queries.h ---===//
//
// The package-manager rules' corpus shows whole findings; these cases pin the path and stage
// logic underneath (home spellings, globs, mount targets, FROM chains) that a corpus file would
// only show one at a time.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "rules/Config.h"
#include "rules/Context.h"
#include "rules/Queries.h"

using namespace ballast;
using namespace ballast::rules;

TEST(CacheQueriesTest, PathCoversTheFolderItsContentAndParents) {
  EXPECT_TRUE(pathCovers("/var/lib/apt/lists/*", "/var/lib/apt/lists"));
  EXPECT_TRUE(pathCovers("/var/lib/apt/lists/", "/var/lib/apt/lists"));
  EXPECT_TRUE(pathCovers("/var/lib/apt/lists", "/var/lib/apt/lists"));
  EXPECT_TRUE(pathCovers("/var/lib/apt", "/var/lib/apt/lists"));
  EXPECT_TRUE(
      pathCovers("/usr/local/lib/ruby/gems/*/cache", "/usr/local/lib/ruby/gems/3.3.0/cache"));
  EXPECT_FALSE(pathCovers("/var/lib/apt/lists/partial", "/var/lib/apt/lists"));
  EXPECT_FALSE(pathCovers("/var/lib/apt/lists/*.lz4", "/var/lib/apt/lists"));
  EXPECT_FALSE(pathCovers("/var/lib/aptitude", "/var/lib/apt"));
  // Relative paths depend on the working folder and never count.
  EXPECT_FALSE(pathCovers("*", "~/.npm"));
  EXPECT_FALSE(pathCovers("lists", "/var/lib/apt/lists"));
}

TEST(CacheQueriesTest, PathCoversSkipsEmptyAndDotSegments) {
  EXPECT_TRUE(pathCovers("//var/./lib//apt/.", "/var/lib/apt/lists"));
  EXPECT_TRUE(pathCovers("/var/lib/apt/lists/*", "/var//lib/./apt/lists/"));
  EXPECT_TRUE(pathCovers(" /var/lib/apt ", "/var/lib/apt"));
  EXPECT_TRUE(pathCovers("/*/lib", "/var/lib/apt"));
  EXPECT_FALSE(pathCovers("/var/lib/apt/lists", "/var/lib/apt"));
  EXPECT_FALSE(pathCovers("/var/lib/ap", "/var/lib/apt"));
  EXPECT_FALSE(pathCovers("/var/lib/apt", "/var/lib/ap"));
  EXPECT_FALSE(pathCovers("/var/lib/../apt", "/var/lib/apt"));
  EXPECT_FALSE(pathCovers("/", ""));
  EXPECT_TRUE(pathCovers("/", "/var"));
}

TEST(CacheQueriesTest, MountOptionsAreSlicesOfTheFlag) {
  llvm::StringRef M = "type=cache, target = /var/cache/apt ,sharing=locked,,ro";
  EXPECT_EQ(mountOption(M, "type"), "cache");
  EXPECT_EQ(mountOption(M, "TARGET"), "/var/cache/apt");
  EXPECT_EQ(mountOption(M, "sharing"), "locked");
  EXPECT_EQ(mountOption(M, "ro"), "");
  EXPECT_EQ(mountOption(M, "dst"), "");
  EXPECT_EQ(mountOption("", "type"), "");
  EXPECT_EQ(mountOption("type=a,type=b", "type"), "a");
  EXPECT_EQ(mountOption("target=/a=b", "target"), "/a=b");
}

TEST(CacheQueriesTest, HomeSpellingsAreTheSame) {
  for (const char *W :
       {"~/.npm", "$HOME/.npm", "${HOME}/.npm", "/root/.npm", "/home/node/.npm", "/root"})
    EXPECT_TRUE(pathCovers(W, "~/.npm")) << W;
  EXPECT_TRUE(pathCovers("~/.cache", "/root/.cache/pip"));
  EXPECT_FALSE(pathCovers("/home/node/.npmrc", "~/.npm"));
  EXPECT_FALSE(pathCovers("/homework/.npm", "~/.npm"));
}

TEST(CacheQueriesTest, RemovalsByRmAndFind) {
  shell::Script S = shell::Script::parse(
      "rm -rf /var/lib/apt/lists/* && rm -f /etc/x && find /var/cache/apk -type f -delete && "
      "find /tmp -name '*.apk' && echo /var/lib/apt/lists");
  auto C = S.commands();
  ASSERT_EQ(C.size(), 5u);
  llvm::StringRef Lists[] = {"/var/lib/apt/lists"}, Apk[] = {"/var/cache/apk"};
  EXPECT_TRUE(removesAnyDir(C[0], Lists));
  EXPECT_FALSE(removesAnyDir(C[1], Lists));
  EXPECT_TRUE(removesAnyDir(C[2], Apk));
  EXPECT_FALSE(removesAnyDir(C[3], Apk));
  EXPECT_FALSE(removesAnyDir(C[4], Lists));
}

namespace {

/// The RUN instructions of a Dockerfile text and a model to ask about them.
struct Parsed {
  explicit Parsed(std::string Text) : M(dockerfile::parse("Dockerfile", std::move(Text))) {}
  const dockerfile::Instruction &instr(unsigned N) const { return M.file().Instructions[N]; }
  Model M;
};

} // namespace

TEST(CacheQueriesTest, CacheAndTmpfsMountsCoverTheirTargets) {
  Parsed P("FROM a\n"
           "RUN --mount=type=cache,target=/root/.cache true\n"
           "RUN --mount=type=tmpfs,dst=/var/lib/apt/ true\n"
           "RUN --mount=type=bind,target=/root/.cache/pip true\n"
           "RUN --mount=type=cache,id=x,target=/home/app/.npm,uid=1000 true\n");
  llvm::StringRef Pip[] = {"~/.cache/pip"}, Lists[] = {"/var/lib/apt/lists"}, Npm[] = {"~/.npm"};
  EXPECT_TRUE(hasCacheMount(P.instr(1), Pip));
  EXPECT_FALSE(hasCacheMount(P.instr(1), Lists));
  EXPECT_TRUE(hasCacheMount(P.instr(2), Lists));
  EXPECT_FALSE(hasCacheMount(P.instr(3), Pip)); // a bind mount is not a cache
  EXPECT_TRUE(hasCacheMount(P.instr(4), Npm));
}

TEST(CacheQueriesTest, OnlyTheTargetAndItsFromChainPassLayersOn) {
  Parsed P("FROM debian:12 AS base\n"
           "FROM base AS build\n"
           "FROM debian:12 AS tools\n"
           "FROM base\n"
           "COPY --from=build /x /x\n"
           "COPY --from=tools /y /y\n");
  const dockerfile::StageGraph &G = P.M.stages();
  ASSERT_EQ(G.Stages.size(), 4u);
  EXPECT_TRUE(layersReachTarget(G, G.Stages[0]));  // base: the target is built FROM it
  EXPECT_FALSE(layersReachTarget(G, G.Stages[1])); // build: only copied from
  EXPECT_FALSE(layersReachTarget(G, G.Stages[2])); // tools: only copied from
  EXPECT_TRUE(layersReachTarget(G, G.Stages[3]));  // the target
  EXPECT_TRUE(G.Stages[1].ReachesTarget);          // ...though the build graph needs it
}

TEST(CacheQueriesTest, EnvValueFollowsTheFromChainAndStopsAtTheInstruction) {
  Parsed P("FROM debian:12 AS base\n"
           "ENV PIP_NO_CACHE_DIR=1 GOPATH=\"/go\"\n"
           "FROM base\n"
           "RUN true\n"
           "ARG PIP_NO_CACHE_DIR=0\n"
           "RUN true\n"
           "FROM debian:12\n"
           "RUN true\n");
  Config Cfg;
  Context C(P.M, Cfg);
  const auto &Stages = P.M.stages().Stages;
  C.setPosition(&Stages[1], nullptr);
  EXPECT_EQ(envValueAt(C, P.instr(3), "PIP_NO_CACHE_DIR"), std::optional<std::string>("1"));
  EXPECT_EQ(envValueAt(C, P.instr(3), "GOPATH"), std::optional<std::string>("/go"));
  EXPECT_EQ(envValueAt(C, P.instr(5), "PIP_NO_CACHE_DIR"), std::optional<std::string>("0"));
  C.setPosition(&Stages[2], nullptr);
  EXPECT_EQ(envValueAt(C, P.instr(7), "PIP_NO_CACHE_DIR"), std::nullopt);
}

TEST(CacheQueriesTest, NonPosixShellsHaveNoScript) {
  Parsed P("FROM a AS base\n"
           "RUN apt-get update\n"
           "SHELL [\"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe\", "
           "\"-command\"]\n"
           "RUN apt-get update\n"
           "FROM base\n"
           "RUN apt-get update\n"
           "SHELL [\"/bin/bash\", \"-c\"]\n"
           "RUN apt-get update\n");
  Config Cfg;
  Context C(P.M, Cfg);
  const auto &Stages = P.M.stages().Stages;
  C.setPosition(&Stages[0], nullptr);
  EXPECT_NE(posixRunScript(P.instr(1), C), nullptr);
  EXPECT_EQ(posixRunScript(P.instr(3), C), nullptr);
  C.setPosition(&Stages[1], nullptr);
  EXPECT_EQ(posixRunScript(P.instr(5), C), nullptr); // inherited from base
  EXPECT_NE(posixRunScript(P.instr(7), C), nullptr);

  Parsed Q("# hadolint shell=pwsh\nFROM a\nRUN apt-get update\n");
  Context D(Q.M, Cfg);
  D.setPosition(&Q.M.stages().Stages[0], nullptr);
  EXPECT_EQ(posixRunScript(Q.instr(1), D), nullptr);
}

TEST(CacheQueriesTest, PipCommandReRootsPythonDashM) {
  shell::Script S = shell::Script::parse(
      "python3 -X dev -m pip install -r r.txt flask && pipx install black && python x.py -m pip");
  auto C = S.commands();
  std::optional<shell::Command> P = pipCommand(C[0]);
  ASSERT_TRUE(P);
  EXPECT_EQ(P->subcommand()->Text, "install");
  auto Pos = P->positionalArgs();
  ASSERT_EQ(Pos.size(), 1u);
  EXPECT_EQ(Pos[0].Text, "flask");
  EXPECT_FALSE(pipCommand(C[1]));
  EXPECT_FALSE(pipCommand(C[2]));
}

TEST(CacheQueriesTest, UnpinnedPhraseCountsTheOthers) {
  shell::Script S = shell::Script::parse("apt-get install -y curl git vim");
  auto Pos = S.commands()[0].positionalArgs();
  EXPECT_EQ(unpinnedPhrase(llvm::ArrayRef<shell::Word>(Pos).take_front(1), "package", "="),
            "`curl` has no version: use `curl=<version>`");
  EXPECT_EQ(unpinnedPhrase(llvm::ArrayRef<shell::Word>(Pos).take_front(2), "package", "="),
            "`curl` and 1 other package have no version: use `<package>=<version>`");
  EXPECT_EQ(unpinnedPhrase(Pos, "gem", ":"),
            "`curl` and 2 other gems have no version: use `<gem>:<version>`");
}

TEST(CacheQueriesTest, ASubcommandWrittenFirstAgreesWithTheOptionWalk) {
  // The subcommand first, after options (some taking a value), after `--`, a lone `-`, a quoted
  // or expanded first word, old-style tar, a path to the tool, and no argument at all.
  shell::Script S = shell::Script::parse(
      "apt-get install -y x; apt-get -y install x; apt-get -o Dpkg::Options=x install y; "
      "apt-get -- install; apt-get - install; apt-get \"install\" x; apt-get $SUB x; "
      "/usr/bin/apt install x; apt-get; apt-get -q; tar xf a.tar install; tar install; "
      "npm i x; npm --prefix /app install; go -C dir install ./...; apk --no-cache add x");
  for (const shell::Command &C : S.commands())
    for (llvm::StringRef Name : {"apt-get", "apt", "tar", "npm", "go", "apk"})
      for (llvm::StringRef Sub : {"install", "add", "i", "x", "-", "$SUB", "xf", "--", ""})
        EXPECT_EQ(C.is(Name, Sub), C.is(Name) && C.subcommand() && C.subcommand()->Text == Sub)
            << S.text().slice(C.Range.Begin, C.Range.End).str() << " / " << Name.str() << " "
            << Sub.str();
  EXPECT_TRUE(S.commands()[1].is("apt-get", "install"));
  EXPECT_TRUE(S.commands()[2].is("apt-get", "install"));
}

namespace {

/// splitImageRef written the obvious way, to hold the bit-mask version to.
ImageRef naiveSplit(llvm::StringRef Ref) {
  ImageRef R;
  size_t At = Ref.find('@');
  llvm::StringRef Name = Ref.take_front(At);
  if (At != llvm::StringRef::npos)
    R.Digest = Ref.drop_front(At + 1);
  size_t LastSlash = Name.rfind('/');
  size_t Colon = Name.rfind(':');
  if (Colon != llvm::StringRef::npos && (LastSlash == llvm::StringRef::npos || Colon > LastSlash)) {
    R.Tag = Name.drop_front(Colon + 1);
    Name = Name.take_front(Colon);
  }
  size_t First = Name.find('/');
  if (First != llvm::StringRef::npos) {
    llvm::StringRef Host = Name.take_front(First);
    if (Host.contains('.') || Host.contains(':') || Host == "localhost") {
      R.Registry = Host;
      Name = Name.drop_front(First + 1);
    }
  }
  R.Repository = Name;
  return R;
}

} // namespace

TEST(CacheQueriesTest, SplitImageRefAtEveryLength) {
  ImageRef R = splitImageRef("reg.io:5000/ns/app:1.2@sha256:ab");
  EXPECT_EQ(R.Registry, "reg.io:5000");
  EXPECT_EQ(R.Repository, "ns/app");
  EXPECT_EQ(R.Tag, "1.2");
  EXPECT_EQ(R.Digest, "sha256:ab");
  R = splitImageRef("localhost/app");
  EXPECT_EQ(R.Registry, "localhost");
  EXPECT_EQ(R.Repository, "app");
  // Every length from 0 to past 64 bytes (the masks cover 64), each special byte at every
  // place: the parts must be the same slices as the plain search gives, bytes past the
  // reference never read (the reference is cut out of a longer buffer).
  const std::string Pieces[] = {"a", "/", ":", ".", "@", "localhost", "x.y", "ab"};
  std::string Buffer;
  for (unsigned Seed = 0; Seed < 4000; ++Seed) {
    std::string Ref;
    unsigned S = Seed * 2654435761U + 12345;
    unsigned Len = Seed % 72;
    while (Ref.size() < Len) {
      S = S * 1103515245U + 12345;
      Ref += Pieces[(S >> 16) % std::size(Pieces)];
    }
    Ref.resize(Len);
    Buffer = Ref + "@/:.";
    llvm::StringRef In(Buffer.data(), Ref.size());
    ImageRef A = splitImageRef(In), B = naiveSplit(In);
    auto Same = [&](llvm::StringRef X, llvm::StringRef Y) {
      return X.size() == Y.size() && (X.empty() || X.data() == Y.data());
    };
    EXPECT_TRUE(Same(A.Registry, B.Registry)) << Ref;
    EXPECT_TRUE(Same(A.Repository, B.Repository)) << Ref;
    EXPECT_TRUE(Same(A.Tag, B.Tag)) << Ref;
    EXPECT_TRUE(Same(A.Digest, B.Digest)) << Ref;
  }
}
