//===- PlanTest.cpp - Build plans, configs and history as BuildKit writes them -===//
#include "builder/Plan.h"

#include <gtest/gtest.h>

namespace ballast::builder {
namespace {

using Strings = std::vector<std::string>;
const std::string Path = std::string("PATH=") + DefaultPathEnv;

/// Resolves `busybox*` to a config with a CMD and no PATH, `onbuild` to one with triggers.
llvm::Expected<oci::ImageConfig> fakeResolve(llvm::StringRef Name, const oci::Platform &P) {
  oci::ImageConfig C;
  C.OS = "linux";
  C.Architecture = "amd64";
  if (Name.startswith("busybox")) {
    C.Config.Cmd = Strings{"sh"};
    C.Config.Env = {"HOME=/root"};
    oci::History H;
    H.CreatedBy = "/bin/sh -c #(nop) ADD file:abc in / ";
    C.Hist.push_back(H);
    C.DiffIDs.push_back(oci::Digest::sha256Of("layer"));
    return C;
  }
  if (Name == "onbuild") {
    C.Config.Env = {"PATH=/bin"};
    C.Config.OnBuild = {"RUN echo triggered", "ENV FROM_TRIGGER=1"};
    return C;
  }
  return makeError("pull access denied for " + Name);
}

struct Planned {
  dockerfile::Dockerfile DF;
  BuildPlan Plan;
};

std::unique_ptr<Planned> plan(const std::string &Text, PlanOptions Opts = {}) {
  auto P = std::make_unique<Planned>();
  P->DF = dockerfile::parse("Dockerfile", Text);
  Opts.BuildPlatform = oci::Platform{"linux", "amd64", "", ""};
  auto R = makePlan(P->DF, Opts, fakeResolve);
  if (!R) {
    ADD_FAILURE() << llvm::toString(R.takeError());
    return nullptr;
  }
  P->Plan = std::move(*R);
  return P;
}

std::string planError(const std::string &Text, PlanOptions Opts = {}) {
  dockerfile::Dockerfile DF = dockerfile::parse("Dockerfile", Text);
  Opts.BuildPlatform = oci::Platform{"linux", "amd64", "", ""};
  auto R = makePlan(DF, Opts, fakeResolve);
  if (R)
    return "<no error>";
  return llvm::toString(R.takeError());
}

Strings createdBy(const oci::ImageConfig &C) {
  Strings Out;
  for (const oci::History &H : C.Hist)
    Out.push_back(H.CreatedBy + (H.EmptyLayer ? "" : " [layer]"));
  return Out;
}

const oci::ImageConfig &target(const Planned &P) { return P.Plan.Stages[P.Plan.Target].Config; }

TEST(Plan, MetadataInstructionsOnScratch) {
  auto P = plan("FROM scratch\n"
                "ENV A=1 B=\"two words\"\n"
                "ENV A=3 C=${A}\n"
                "LABEL maintainer=me \"com.x\"=\"y z\"\n"
                "EXPOSE 80 443/UDP 8000-8001\n"
                "USER app:app\n"
                "WORKDIR /app\n"
                "WORKDIR sub/../lib\n"
                "VOLUME [\"/data\", \"/logs\"]\n"
                "VOLUME /data /cache\n"
                "STOPSIGNAL SIGTERM\n"
                "SHELL [\"/bin/bash\", \"-c\"]\n"
                "CMD echo \"$HOME\"\n"
                "MAINTAINER Jane <j@x>\n");
  ASSERT_TRUE(P);
  const oci::ImageConfig &C = target(*P);
  EXPECT_EQ(C.OS, "linux");
  EXPECT_EQ(C.Architecture, "amd64");
  EXPECT_EQ(C.Author, "Jane <j@x>");
  EXPECT_EQ(C.Config.Env, (Strings{Path, "A=3", "B=two words", "C=1"}));
  EXPECT_EQ(C.Config.Labels,
            (std::map<std::string, std::string>{{"com.x", "y z"}, {"maintainer", "me"}}));
  EXPECT_EQ(C.Config.ExposedPorts, (Strings{"443/udp", "80/tcp", "8000/tcp", "8001/tcp"}));
  EXPECT_EQ(C.Config.User, "app:app");
  EXPECT_EQ(C.Config.WorkingDir, "/app/lib");
  EXPECT_EQ(C.Config.Volumes, (Strings{"/cache", "/data", "/logs"}));
  EXPECT_EQ(C.Config.StopSignal, "SIGTERM");
  EXPECT_EQ(C.Config.Shell, (Strings{"/bin/bash", "-c"}));
  EXPECT_EQ(C.Config.Cmd, (Strings{"/bin/bash", "-c", "echo \"$HOME\""}));
  EXPECT_TRUE(C.Config.ArgsEscaped);
  EXPECT_FALSE(C.Config.Entrypoint);
  EXPECT_EQ(createdBy(C), (Strings{
                              "ENV A=1 B=two words",
                              "ENV A=3 C=1",
                              "LABEL maintainer=me com.x=y z",
                              "EXPOSE [80/tcp 443/udp 8000/tcp 8001/tcp]",
                              "USER app:app",
                              "WORKDIR /app [layer]",
                              "WORKDIR /app/lib [layer]",
                              "VOLUME [/data /logs]",
                              "VOLUME [/data /cache]",
                              "STOPSIGNAL SIGTERM",
                              "SHELL [/bin/bash -c]",
                              "CMD [\"/bin/bash\" \"-c\" \"echo \\\"$HOME\\\"\"]",
                              "MAINTAINER Jane <j@x>",
                          }));
  for (const oci::History &H : C.Hist)
    EXPECT_EQ(H.Comment, "buildkit.dockerfile.v0");
  // Scratch has no layers; the WORKDIR steps create their directories.
  const StagePlan &S = P->Plan.Stages[0];
  ASSERT_EQ(S.Steps.size(), 13u);
  EXPECT_TRUE(S.Scratch);
  EXPECT_TRUE(S.Steps[5].ChangesFiles);
  EXPECT_EQ(S.Steps[5].WorkDir, "/app");
  EXPECT_EQ(S.Steps[5].User, "app:app");
  EXPECT_EQ(S.Steps[4].Display, "USER app:app");
}

TEST(Plan, EnvReplacesInPlaceAndWorkdirRootHasNoLayer) {
  auto P = plan("FROM busybox\nENV HOME=/home PATH=/x:$PATH\nWORKDIR /\nWORKDIR ..\n");
  ASSERT_TRUE(P);
  const oci::ImageConfig &C = target(*P);
  // The base had no PATH: BuildKit appends Docker's before the first instruction.
  EXPECT_EQ(C.Config.Env, (Strings{"HOME=/home", std::string("PATH=/x:") + DefaultPathEnv}));
  EXPECT_EQ(C.Config.WorkingDir, "/");
  EXPECT_EQ(createdBy(C), (Strings{"/bin/sh -c #(nop) ADD file:abc in /  [layer]",
                                   std::string("ENV HOME=/home PATH=/x:") + DefaultPathEnv,
                                   "WORKDIR /", "WORKDIR /"}));
  EXPECT_FALSE(P->Plan.Stages[0].Steps[1].ChangesFiles);
  ASSERT_TRUE(P->Plan.Stages[0].BaseConfig);
  EXPECT_EQ(P->Plan.Stages[0].BaseConfig->DiffIDs.size(), 1u);
}

TEST(Plan, EntrypointResetsInheritedCmdOnly) {
  // The base image's CMD is dropped by ENTRYPOINT.
  auto A = plan("FROM busybox\nENTRYPOINT [\"/bin/app\"]\n");
  ASSERT_TRUE(A);
  EXPECT_FALSE(target(*A).Config.Cmd);
  EXPECT_EQ(target(*A).Config.Entrypoint, (Strings{"/bin/app"}));
  // A CMD set in this stage survives a later ENTRYPOINT.
  auto B = plan("FROM busybox\nCMD [\"--help\"]\nENTRYPOINT /bin/app -v\n");
  ASSERT_TRUE(B);
  EXPECT_EQ(target(*B).Config.Cmd, (Strings{"--help"}));
  EXPECT_EQ(target(*B).Config.Entrypoint, (Strings{"/bin/sh", "-c", "/bin/app -v"}));
  EXPECT_EQ(target(*B).Hist.back().CreatedBy, "ENTRYPOINT [\"/bin/sh\" \"-c\" \"/bin/app -v\"]");
  // A CMD of a base *stage* is inherited, so ENTRYPOINT in the child resets it.
  auto C = plan("FROM scratch AS base\nCMD [\"a\"]\nFROM base\nENTRYPOINT [\"e\"]\n");
  ASSERT_TRUE(C);
  EXPECT_FALSE(target(*C).Config.Cmd);
  EXPECT_EQ(createdBy(target(*C)), (Strings{"CMD [\"a\"]", "ENTRYPOINT [\"e\"]"}));
  // CMD [] is an empty, present command.
  auto D = plan("FROM scratch\nCMD []\n");
  ASSERT_TRUE(D);
  EXPECT_EQ(target(*D).Config.Cmd, Strings{});
}

TEST(Plan, ArgScopesAndRunHistory) {
  PlanOptions O;
  O.BuildArgs = {{"OTHER", "y"}, {"NOPE", "1"}, {"HTTP_PROXY", "http://p:3128"}};
  auto P = plan("ARG VERSION=1.0\n"
                "ARG BASE=busybox\n"
                "FROM ${BASE}:${VERSION} AS b\n"
                "ARG VERSION\n"
                "ARG OTHER=x${VERSION} UNSET\n"
                "ENV VERSION=2\n"
                "RUN echo $VERSION\n"
                "RUN [\"echo\", \"exec\"]\n",
                O);
  ASSERT_TRUE(P);
  const StagePlan &S = P->Plan.Stages[0];
  EXPECT_EQ(S.BaseName, "busybox:1.0");
  EXPECT_EQ(S.DisplayName, "");
  EXPECT_EQ(createdBy(S.Config),
            (Strings{"/bin/sh -c #(nop) ADD file:abc in /  [layer]", "ARG VERSION=1.0",
                     "ARG OTHER=y UNSET", "ENV VERSION=2",
                     "RUN |3 VERSION=2 OTHER=y UNSET= /bin/sh -c echo $VERSION # buildkit [layer]",
                     "RUN |3 VERSION=2 OTHER=y UNSET= echo exec # buildkit [layer]"}));
  // ARG values reach RUN's environment but never the image config.
  EXPECT_EQ(S.Config.Config.Env, (Strings{"HOME=/root", Path, "VERSION=2"}));
  const Step &Run = S.Steps[3];
  ASSERT_TRUE(Run.Run);
  EXPECT_EQ(Run.Run->Args, (Strings{"/bin/sh", "-c", "echo $VERSION"}));
  EXPECT_EQ(Run.Env, (Strings{"HOME=/root", Path, "VERSION=2", "OTHER=y"}));
  EXPECT_EQ(Run.Run->ProxyEnv, (Strings{"HTTP_PROXY=http://p:3128"}));
  EXPECT_EQ(S.Steps[4].Run->Args, (Strings{"echo", "exec"}));
  EXPECT_EQ(P->Plan.UnusedBuildArgs, (Strings{"NOPE"}));
}

TEST(Plan, PredefinedPlatformArgs) {
  PlanOptions O;
  O.Platform = oci::Platform{"linux", "arm64", "", ""};
  auto P = plan("FROM scratch\nARG TARGETPLATFORM TARGETARCH BUILDARCH TARGETVARIANT\n"
                "ENV T=$TARGETPLATFORM A=$TARGETARCH B=$BUILDARCH\n",
                O);
  ASSERT_TRUE(P);
  const oci::ImageConfig &C = target(*P);
  EXPECT_EQ(C.Architecture, "arm64");
  EXPECT_EQ(C.Config.Env, (Strings{Path, "T=linux/arm64", "A=arm64", "B=amd64"}));
  EXPECT_EQ(C.Hist[0].CreatedBy,
            "ARG TARGETPLATFORM=linux/arm64 TARGETARCH=arm64 BUILDARCH=amd64 TARGETVARIANT=");
  // Without ARG in the stage they are not visible.
  auto Q = plan("FROM scratch\nENV T=x$TARGETARCH\n");
  ASSERT_TRUE(Q);
  EXPECT_EQ(target(*Q).Config.Env, (Strings{Path, "T=x"}));
}

TEST(Plan, Healthcheck) {
  auto P = plan("FROM scratch\n"
                "HEALTHCHECK --interval=5m --timeout=3s --retries=3 --start-period=1.5s \\\n"
                "  CMD curl -f http://localhost/ || exit 1\n");
  ASSERT_TRUE(P);
  const oci::ImageConfig &C = target(*P);
  ASSERT_TRUE(C.Config.Healthcheck);
  EXPECT_EQ(C.Config.Healthcheck->Test,
            (Strings{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}));
  EXPECT_EQ(C.Config.Healthcheck->Interval, 300000000000);
  EXPECT_EQ(C.Config.Healthcheck->Timeout, 3000000000);
  EXPECT_EQ(C.Config.Healthcheck->StartPeriod, 1500000000);
  EXPECT_EQ(C.Config.Healthcheck->Retries, 3);
  EXPECT_EQ(C.Hist[0].CreatedBy,
            "HEALTHCHECK {Test:[CMD-SHELL curl -f http://localhost/ || exit 1] Interval:5m0s "
            "Timeout:3s StartPeriod:1.5s StartInterval:0s Retries:3}");

  auto N = plan("FROM scratch\nHEALTHCHECK CMD [\"/ok\", \"x\"]\nHEALTHCHECK NONE\n");
  ASSERT_TRUE(N);
  EXPECT_EQ(target(*N).Config.Healthcheck->Test, Strings{"NONE"});
  EXPECT_EQ(createdBy(target(*N)),
            (Strings{"HEALTHCHECK {Test:[CMD /ok x] Interval:0s Timeout:0s StartPeriod:0s "
                     "StartInterval:0s Retries:0}",
                     "HEALTHCHECK {Test:[NONE] Interval:0s Timeout:0s StartPeriod:0s "
                     "StartInterval:0s Retries:0}"}));

  EXPECT_EQ(planError("FROM scratch\nHEALTHCHECK --interval=10us CMD true\n"),
            "Dockerfile:2:1: Interval \"interval\" cannot be less than 1ms");
  EXPECT_EQ(planError("FROM scratch\nHEALTHCHECK --interval=5 CMD true\n"),
            "Dockerfile:2:1: time: missing unit in duration \"5\"");
  EXPECT_EQ(planError("FROM scratch\nHEALTHCHECK RUN true\n"),
            "Dockerfile:2:1: Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
  EXPECT_EQ(planError("FROM scratch\nHEALTHCHECK NONE x\n"),
            "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments");
}

TEST(Plan, CopyAndAddSpecs) {
  auto P = plan("FROM scratch AS b\n"
                "FROM scratch\n"
                "WORKDIR /srv\n"
                "ARG OWNER=1000\n"
                "COPY --chown=${OWNER}:2 --chmod=755 --from=b --link [\"a*\", \"b c\", \"dst/\"]\n"
                "COPY . .\n"
                "ADD --checksum=sha256:0123 https://example.com/f.tgz /opt/\n"
                "COPY --parents --exclude=*.md x/./y /z\n"
                "COPY <<EOF <<-\"RAW\" /etc/conf\n"
                "user=$OWNER\n"
                "EOF\n"
                "\tkeep $OWNER\n"
                "RAW\n");
  ASSERT_TRUE(P);
  const StagePlan &S = P->Plan.Stages[1];
  ASSERT_EQ(S.Steps.size(), 7u);
  const CopySpec &A = *S.Steps[2].Copy;
  EXPECT_EQ(A.Sources, (Strings{"a*", "b c"}));
  EXPECT_EQ(A.Dest, "dst/");
  EXPECT_EQ(A.DestPath, "/srv/dst/");
  EXPECT_EQ(A.Chown, "1000:2");
  EXPECT_EQ(A.Chmod, "755");
  EXPECT_EQ(A.From, "b");
  EXPECT_EQ(A.FromStage, 0);
  EXPECT_TRUE(A.Link);
  EXPECT_EQ(S.Steps[3].Copy->DestPath, "/srv/");
  EXPECT_TRUE(S.Steps[4].Copy->IsAdd);
  EXPECT_EQ(S.Steps[4].Copy->Checksum, "sha256:0123");
  EXPECT_TRUE(S.Steps[5].Copy->Parents);
  EXPECT_EQ(S.Steps[5].Copy->Excludes, Strings{"*.md"});
  const CopySpec &H = *S.Steps[6].Copy;
  ASSERT_EQ(H.Inline.size(), 2u);
  EXPECT_EQ(H.Inline[0].Name, "EOF");
  EXPECT_EQ(H.Inline[0].Data, "user=1000\n");
  EXPECT_EQ(H.Inline[1].Name, "RAW");
  EXPECT_EQ(H.Inline[1].Data, "keep $OWNER\n");
  EXPECT_EQ(createdBy(S.Config),
            (Strings{"WORKDIR /srv [layer]", "ARG OWNER=1000",
                     "COPY --chown=1000:2 --chmod=755 a* b c dst/ # buildkit [layer]",
                     "COPY . . # buildkit [layer]",
                     "ADD https://example.com/f.tgz /opt/ # buildkit [layer]",
                     "COPY --parents x/./y /z # buildkit [layer]",
                     "COPY <<EOF <<RAW /etc/conf # buildkit [layer]"}));
  EXPECT_EQ(S.Deps, (std::set<unsigned>{0}));

  EXPECT_EQ(planError("FROM scratch\nCOPY a\n"),
            "Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. "
            "Destination could not be determined");
  EXPECT_EQ(planError("FROM scratch\nARG S=x\nCOPY --from=$S a b\n"),
            "Dockerfile:3:1: variable expansion is not supported for --from, define a new stage "
            "with FROM using ARG from global scope as a workaround");
  EXPECT_EQ(planError("FROM scratch\nCOPY --chmod=8 a b\n"),
            "Dockerfile:2:1: invalid chmod parameter: '8'. it should be octal string and "
            "between 0 and 07777");
  EXPECT_EQ(planError("FROM scratch\nCOPY https://x/y b\n"),
            "Dockerfile:2:1: source can't be a URL for COPY");
  EXPECT_EQ(planError("FROM scratch\nCOPY --checksum=sha256:00 a b\n"),
            "Dockerfile:2:1: unknown flag: checksum");
  EXPECT_EQ(planError("FROM scratch\nADD --checksum=sha256:00 a b\n"),
            "Dockerfile:2:1: checksum requires HTTP(S) or Git sources");
  EXPECT_EQ(planError("FROM scratch\nCOPY --link=maybe a b\n"),
            "Dockerfile:2:1: expecting boolean value for flag link, not: maybe");
}

TEST(Plan, RunMountsAndHeredocs) {
  auto P = plan("FROM scratch AS deps\n"
                "FROM busybox\n"
                "WORKDIR /w\n"
                "RUN --mount=type=cache,target=/root/.cache \\\n"
                "    --mount=from=deps,source=/lib,target=lib \\\n"
                "    --mount=type=secret,id=tok --network=none make\n"
                "RUN <<EOF\n"
                "echo one\n"
                "EOF\n"
                "RUN cat <<A > /x\n"
                "hello\n"
                "A\n");
  ASSERT_TRUE(P);
  const StagePlan &S = P->Plan.Stages[1];
  const RunSpec &R = *S.Steps[1].Run;
  ASSERT_EQ(R.Mounts.size(), 3u);
  EXPECT_EQ(R.Mounts[0].Type, "cache");
  EXPECT_EQ(R.Mounts[0].Id, "/root/.cache");
  EXPECT_FALSE(R.Mounts[0].ReadOnly);
  EXPECT_EQ(R.Mounts[1].Type, "bind");
  EXPECT_EQ(R.Mounts[1].Target, "/w/lib");
  EXPECT_EQ(R.Mounts[1].FromStage, 0);
  EXPECT_TRUE(R.Mounts[1].ReadOnly);
  EXPECT_EQ(R.Mounts[2].Target, "/run/secrets/tok");
  EXPECT_EQ(R.Network, "none");
  EXPECT_EQ(S.Steps[2].Run->Args, (Strings{"/bin/sh", "-c", "echo one\n"}));
  EXPECT_EQ(S.Steps[3].Run->Args, (Strings{"/bin/sh", "-c", "cat <<A > /x\nhello\nA"}));
  EXPECT_EQ(S.Config.Hist[3].CreatedBy, "RUN /bin/sh -c echo one\n # buildkit");
  EXPECT_EQ(S.Deps, (std::set<unsigned>{0}));
  EXPECT_EQ(planError("FROM scratch\nRUN --mount=type=cache,bogus=1,target=/x true\n"),
            "Dockerfile:2:1: unexpected key 'bogus' in 'bogus=1'");
  EXPECT_EQ(planError("FROM scratch\nRUN --mounts=x true\n"),
            "Dockerfile:2:1: unknown flag: mounts");
}

TEST(Plan, EveryMountOptionIsInTheCacheKey) {
  auto Key = [](const std::string &Mount) {
    auto P = plan("FROM scratch\nRUN " + Mount + " true\n");
    return P ? P->Plan.Stages[0].Steps[0].CacheText : std::string("<no plan>");
  };
  const std::string Base = "--mount=type=secret,id=tok";
  std::string K = Key(Base);
  EXPECT_EQ(K, "RUN\narg /bin/sh\narg -c\narg true\nenv PATH=" + std::string(DefaultPathEnv) +
                   "\nuser \nworkdir /\nnetwork \nsecurity \nmount secret /run/secrets/tok   tok "
                   "shared   ro uid=- gid=- size=0\n");
  // Each option the command can observe changes the key.
  for (const char *Opt :
       {",uid=1000", ",gid=10", ",mode=0440", ",required", ",target=/etc/tok", ",env=TOK", ",rw"})
    EXPECT_NE(Key(Base + Opt), K) << Opt;
  EXPECT_NE(Key("--mount=type=secret,id=tok,uid=0"), K);
  EXPECT_NE(Key("--mount=type=tmpfs,target=/t,size=1024"), Key("--mount=type=tmpfs,target=/t"));
  // The same options in another order are the same mount.
  EXPECT_EQ(Key(Base + ",uid=1,gid=2"), Key("--mount=gid=2,type=secret,uid=1,id=tok"));
}

TEST(Plan, RunHeredocWithAShebangRunsAsAScriptFile) {
  // BuildKit: the body goes to /dev/pipes/NAME (mode 0755, read-only) and the shell runs that
  // file, so its `#!` interpreter is used; the body is part of the cache key, not of the args.
  auto P = plan("FROM busybox\nRUN <<-PY\n\t#!/usr/bin/python3\n\tprint(1)\n\tPY\n");
  ASSERT_TRUE(P);
  const RunSpec &R = *P->Plan.Stages[0].Steps[0].Run;
  EXPECT_EQ(R.Args, (Strings{"/bin/sh", "-c", "/dev/pipes/PY"}));
  ASSERT_EQ(R.Scripts.size(), 1u);
  EXPECT_EQ(R.Scripts[0].Name, "PY");
  EXPECT_EQ(R.Scripts[0].Data, "#!/usr/bin/python3\nprint(1)\n");
  EXPECT_EQ(P->Plan.Stages[0].Config.Hist.back().CreatedBy,
            "RUN /bin/sh -c /dev/pipes/PY # buildkit");
  auto Q = plan("FROM busybox\nRUN <<-PY\n\t#!/usr/bin/python3\n\tprint(2)\n\tPY\n");
  ASSERT_TRUE(Q);
  EXPECT_NE(P->Plan.Stages[0].Steps[0].CacheText, Q->Plan.Stages[0].Steps[0].CacheText);
}

TEST(Plan, OnbuildTriggersRunFirstAndDoNotCarryOver) {
  auto P = plan("FROM onbuild\nONBUILD COPY . /app\nRUN true\n");
  ASSERT_TRUE(P);
  const StagePlan &S = P->Plan.Stages[0];
  ASSERT_EQ(S.Steps.size(), 4u);
  EXPECT_TRUE(S.Steps[0].FromOnBuild);
  EXPECT_EQ(S.Steps[0].Display, "RUN echo triggered");
  EXPECT_TRUE(S.Steps[1].FromOnBuild);
  EXPECT_EQ(S.Config.Config.OnBuild, Strings{"COPY . /app"});
  EXPECT_EQ(S.Config.Config.Env, (Strings{"PATH=/bin", "FROM_TRIGGER=1"}));
  EXPECT_EQ(createdBy(S.Config),
            (Strings{"RUN /bin/sh -c echo triggered # buildkit [layer]", "ENV FROM_TRIGGER=1",
                     "RUN /bin/sh -c true # buildkit [layer]"}));
  // A stage built FROM a stage runs that stage's own ONBUILD instructions.
  auto Q = plan("FROM scratch AS base\nONBUILD ENV X=1\nFROM base\n");
  ASSERT_TRUE(Q);
  EXPECT_EQ(target(*Q).Config.OnBuild, Strings{});
  EXPECT_EQ(target(*Q).Config.Env, (Strings{Path, "X=1"}));
  EXPECT_EQ(planError("FROM scratch\nONBUILD FROM x\n"),
            "Dockerfile:2:1: FROM isn't allowed as an ONBUILD trigger");
}

TEST(Plan, StageGraphTargetAndWaves) {
  const char *DF = "FROM scratch AS a\n"
                   "FROM scratch AS b\n"
                   "FROM scratch AS unused\n"
                   "FROM a AS c\n"
                   "FROM scratch\n"
                   "COPY --from=c x y\n"
                   "COPY --from=b x y\n"
                   "COPY --from=alpine:3 x y\n";
  auto P = plan(DF);
  ASSERT_TRUE(P);
  EXPECT_EQ(P->Plan.Target, 4u);
  std::vector<bool> Needed;
  for (const StagePlan &S : P->Plan.Stages)
    Needed.push_back(S.Needed);
  EXPECT_EQ(Needed, (std::vector<bool>{true, true, false, true, true}));
  EXPECT_EQ(P->Plan.Waves, (std::vector<std::vector<unsigned>>{{0, 1}, {3}, {4}}));
  EXPECT_EQ(P->Plan.Stages[4].ExternalSources, (std::set<std::string>{"alpine:3"}));
  EXPECT_EQ(P->Plan.Stages[4].DisplayName, "stage-4");

  PlanOptions O;
  O.Target = "B";
  auto Q = plan(DF, O);
  ASSERT_TRUE(Q);
  EXPECT_EQ(Q->Plan.Target, 1u);
  EXPECT_EQ(Q->Plan.Waves, (std::vector<std::vector<unsigned>>{{1}}));

  O.Target = "nope";
  EXPECT_EQ(planError(DF, O), "target stage \"nope\" could not be found; pass one of the `AS` "
                              "names to --target");
  EXPECT_EQ(planError("FROM scratch\nCOPY --from=later a b\nFROM scratch AS later\n"),
            "Dockerfile:2:1: cannot copy from stage \"later\", it needs to be defined before "
            "current stage \"stage-0\"");
  EXPECT_EQ(planError("FROM missing\n"), "Dockerfile:1:1: missing: pull access denied for missing");
  EXPECT_EQ(planError("ARG X\nFROM ${X}\n"), "Dockerfile:2:1: base name (${X}) should not be "
                                             "blank");
}

TEST(Plan, LabelsFromTheCommandLineGoToTheTarget) {
  PlanOptions O;
  O.Labels = {{"org.opencontainers.image.source", "x"}};
  auto P = plan("FROM scratch AS a\nLABEL a=1\nFROM a\nLABEL b=2\n", O);
  ASSERT_TRUE(P);
  EXPECT_EQ(target(*P).Config.Labels,
            (std::map<std::string, std::string>{
                {"a", "1"}, {"b", "2"}, {"org.opencontainers.image.source", "x"}}));
  EXPECT_EQ(P->Plan.Stages[0].Config.Config.Labels,
            (std::map<std::string, std::string>{{"a", "1"}}));
}

TEST(Plan, MetadataErrors) {
  EXPECT_EQ(planError("FROM scratch\nSTOPSIGNAL SIGFOO\n"),
            "Dockerfile:2:1: invalid signal: SIGFOO");
  EXPECT_EQ(planError("FROM scratch\nEXPOSE 80/xtp\n"), "Dockerfile:2:1: invalid proto: xtp");
  EXPECT_EQ(planError("FROM scratch\nEXPOSE 70000\n"),
            "Dockerfile:2:1: invalid containerPort: 70000");
  EXPECT_EQ(planError("FROM scratch\nSHELL /bin/bash -c\n"),
            "Dockerfile:2:1: SHELL requires the arguments to be in JSON form");
  EXPECT_EQ(planError("FROM scratch\nENV A=${B:?unset}\n"),
            "Dockerfile:2:1: failed to process \"${B:?unset}\": B: unset");
  // Shell-form COPY splits on blanks like BuildKit, so a quoted name with a space is an error.
  EXPECT_EQ(planError("FROM scratch\nCOPY \"b c\" /d\n"),
            "Dockerfile:2:1: failed to process \"\\\"b\": unexpected end of statement while "
            "looking for matching double-quote");
}

TEST(GoFormat, Durations) {
  EXPECT_EQ(goDuration(0), "0s");
  EXPECT_EQ(goDuration(90000000000), "1m30s");
  EXPECT_EQ(goDuration(3600000000000), "1h0m0s");
  EXPECT_EQ(goDuration(1500000000), "1.5s");
  EXPECT_EQ(goDuration(500000000), "500ms");
  EXPECT_EQ(goDuration(2000), "2\xC2\xB5s");
  EXPECT_EQ(goDuration(7), "7ns");
  EXPECT_EQ(goDuration(-1500000), "-1.5ms");
  EXPECT_EQ(*parseGoDuration("1h2m3.5s"), 3723500000000);
  EXPECT_EQ(*parseGoDuration(".5s"), 500000000);
  EXPECT_EQ(*parseGoDuration("-2us"), -2000);
  EXPECT_EQ(*parseGoDuration("0"), 0);
  EXPECT_EQ(llvm::toString(parseGoDuration("1x").takeError()),
            "time: unknown unit \"x\" in duration \"1x\"");
  EXPECT_EQ(llvm::toString(parseGoDuration("").takeError()), "time: invalid duration \"\"");
  EXPECT_EQ(llvm::toString(parseGoDuration("s").takeError()), "time: invalid duration \"s\"");
}

TEST(GoFormat, SignalsPortsAndWorkdirs) {
  EXPECT_EQ(*parseSignal("SIGKILL"), 9);
  EXPECT_EQ(*parseSignal("term"), 15);
  EXPECT_EQ(*parseSignal("37"), 37);
  EXPECT_EQ(*parseSignal("SIGRTMIN+3"), 37);
  EXPECT_EQ(*parseSignal("RTMAX-1"), 63);
  EXPECT_EQ(llvm::toString(parseSignal("0").takeError()), "invalid signal: 0");
  EXPECT_EQ(*parsePortSpec("8080-8081/udp"), (Strings{"8080/udp", "8081/udp"}));
  EXPECT_EQ(*parsePortSpec("127.0.0.1:80:8080"), Strings{"8080/tcp"});
  EXPECT_EQ(llvm::toString(parsePortSpec("/tcp").takeError()), "no port specified: /tcp<empty>");
  EXPECT_EQ(normalizeWorkdir("/a/b", "../c/"), "/a/c");
  EXPECT_EQ(normalizeWorkdir("", "x"), "/x");
  EXPECT_EQ(normalizeWorkdir("/a", "/abs//y/."), "/abs/y");
  EXPECT_EQ(goQuoteList({"a b", "c\"d"}), "[\"a b\" \"c\\\"d\"]");
}

} // namespace
} // namespace ballast::builder
