#include "dockerfile/Check.h"

#include "gtest/gtest.h"

using namespace ballast;
using namespace ballast::dockerfile;

namespace {

/// The formatted problems of Text, one a line.
std::string problems(const char *Text) {
  Dockerfile DF = parse("Dockerfile", Text);
  std::string Out;
  for (const Diagnostic &D : checkInstructions(DF))
    Out += D.format() + "\n";
  return Out;
}

} // namespace

TEST(CheckTest, ValidInstructionsHaveNoProblem) {
  EXPECT_EQ(problems("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
                     "ARG V\n"
                     "COPY --from=build --chown=1:1 --link a b /dst/\n"
                     "COPY <<EOF /etc/x\nx\nEOF\n"
                     "ADD --checksum=sha256:0 --keep-git-dir=true https://x/y.tgz /\n"
                     "RUN --mount=type=cache,target=/root/.cache --network=none make\n"
                     "HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD curl -f x\n"
                     "HEALTHCHECK NONE\n"
                     "SHELL [\"/bin/bash\", \"-c\"]\n"
                     "ONBUILD RUN make\n"
                     "USER app\nWORKDIR /app\nSTOPSIGNAL SIGTERM\nEXPOSE 80\nVOLUME /data\n"
                     "CMD []\n"),
            "");
}

TEST(CheckTest, UnknownInstructionsNameTheKeywordMeant) {
  EXPECT_EQ(problems("FROM a\nCOP . /app\nFROBNICATE x\n"),
            "Dockerfile:2:1: unknown instruction: COP; did you mean COPY?\n"
            "Dockerfile:3:1: unknown instruction: FROBNICATE; an instruction is one of ADD, ARG, "
            "CMD, COPY, ENTRYPOINT, ENV, EXPOSE, FROM, HEALTHCHECK, LABEL, MAINTAINER, ONBUILD, "
            "RUN, SHELL, STOPSIGNAL, USER, VOLUME, WORKDIR\n");
}

TEST(CheckTest, WhatBuildKitLetsBeIsNotRefused) {
  // ONBUILD triggers are read when an image built on this one runs them; flags BuildKit never
  // reads; a RUN without a command; a retry count with a plus sign.
  EXPECT_EQ(problems("FROM a\nONBUILD RUNN make\nONBUILD COPY x\nONBUILD COPY --foo a b\n"
                     "STOPSIGNAL --x SIGTERM\nARG --required V\nHEALTHCHECK --interval=5s NONE\n"
                     "RUN --network=none\nHEALTHCHECK --retries=+3 CMD true\n"),
            "");
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK --retries=+-3 CMD true\n"),
            "Dockerfile:2:13: strconv.ParseInt: parsing \"+-3\": invalid syntax; write a whole "
            "number, e.g. --retries=3\n");
}

TEST(CheckTest, ArgumentCountsAsBuildKitChecksThem) {
  EXPECT_EQ(problems("FROM alpine:3.19\nCOPY app.py\n"),
            "Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. "
            "Destination could not be determined; name the destination last, e.g. `COPY app.py "
            "/app/`\n");
  EXPECT_EQ(problems("FROM a b\n"),
            "Dockerfile:1:1: FROM requires either one or three "
            "arguments; write `FROM <image>` or `FROM <image> AS <name>`\n");
  EXPECT_EQ(problems("FROM a AS\n"), problems("FROM a b\n"));
  EXPECT_EQ(problems("FROM a XS b\n"), problems("FROM a b\n"));
  EXPECT_EQ(problems("FROM a\nUSER\n"),
            "Dockerfile:2:1: USER requires exactly one argument; write `USER <user>[:<group>]`\n");
  EXPECT_EQ(problems("FROM a\nEXPOSE\n"), "Dockerfile:2:1: EXPOSE requires at least one "
                                          "argument; write `EXPOSE <port>[/<protocol>]`\n");
  EXPECT_EQ(problems("FROM a\nSHELL echo\n"),
            "Dockerfile:2:1: SHELL requires the arguments to be in JSON form; write "
            "`SHELL [\"/bin/sh\", \"-c\"]`\n");
  EXPECT_EQ(problems("FROM a\nONBUILD ONBUILD RUN x\nONBUILD FROM b\n"),
            "Dockerfile:2:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed\n"
            "Dockerfile:3:1: FROM isn't allowed as an ONBUILD trigger\n");
}

TEST(CheckTest, FlagsAreCheckedPerInstruction) {
  EXPECT_EQ(problems("FROM a\nCOPY --bogus=1 a b\n"),
            "Dockerfile:2:6: unknown flag: bogus; COPY takes --from, --chown, --chmod, --link, "
            "--parents and --exclude\n");
  EXPECT_EQ(problems("FROM a\nUSER --x=1 app\n"),
            "Dockerfile:2:6: unknown flag: x; remove it: USER takes no flags\n");
  EXPECT_EQ(problems("FROM a\nCOPY --checksum=sha256:0 a b\n"),
            "Dockerfile:2:6: unknown flag: checksum; COPY takes --from, --chown, --chmod, --link, "
            "--parents and --exclude\n");
}

TEST(CheckTest, AllowedFlagsStillHaveTheirArgumentsCounted) {
  // Flag names are compared without case; a flag a kind allows leaves its argument count to
  // be checked, and a name one byte off is still refused.
  EXPECT_EQ(problems("FROM --PLATFORM=linux/amd64 a\nRUN --Mount=type=cache,target=/x make\n"
                     "COPY --FROM=a --Chown=1 x /y\n"),
            "");
  EXPECT_EQ(problems("FROM --platform=x a b\n"), problems("FROM a b\n"));
  EXPECT_EQ(problems("FROM a\nCOPY --from=a app.py\n"), problems("FROM a\nCOPY app.py\n"));
  EXPECT_EQ(problems("FROM a\nRUN --mounts=x make\n"),
            "Dockerfile:2:5: unknown flag: mounts; RUN takes --mount, --network, --security and "
            "--device\n");
  EXPECT_EQ(problems("FROM a\nRUN --moun=x make\n"),
            "Dockerfile:2:5: unknown flag: moun; RUN takes --mount, --network, --security and "
            "--device\n");
}

TEST(CheckTest, HealthcheckTypesAndDurations) {
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK --interval=abc CMD true\n"),
            "Dockerfile:2:13: time: invalid duration \"abc\"; write a duration with its unit, "
            "e.g. --interval=30s\n");
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK --timeout=5 CMD true\n"),
            "Dockerfile:2:13: time: missing unit in duration \"5\"; write a duration with its "
            "unit, e.g. --timeout=30s\n");
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK --interval=10us CMD true\n"),
            "Dockerfile:2:13: Interval \"interval\" cannot be less than 1ms\n");
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK --retries=x CMD true\n"),
            "Dockerfile:2:13: strconv.ParseInt: parsing \"x\": invalid syntax; write a whole "
            "number, e.g. --retries=3\n");
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK RUN true\n"),
            "Dockerfile:2:1: Unknown type \"RUN\" in HEALTHCHECK (try CMD)\n");
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK NONE x\n"),
            "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments\n");
  EXPECT_EQ(problems("FROM a\nHEALTHCHECK CMD\n"),
            "Dockerfile:2:1: missing command after HEALTHCHECK CMD\n");
}
