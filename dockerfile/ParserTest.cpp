//===- ParserTest.cpp - positions, heredocs, recovery ---------------------===//
#include "dockerfile/Ast.h"

#include <gtest/gtest.h>

using namespace ballast;
using namespace ballast::dockerfile;

static std::string text(const Dockerfile &DF, SourceRange R) { return DF.Source->slice(R).str(); }

TEST(ParserTest, KeepsExactRangesAcrossContinuations) {
  Dockerfile DF = parse("Dockerfile", "FROM alpine:3.19 AS base\n"
                                      "RUN --mount=type=cache,target=/var/cache/apk \\\n"
                                      "    # a comment inside\n"
                                      "    apk add curl\n"
                                      "env A=1 B=\"two words\"\n");
  ASSERT_TRUE(DF.ok());
  ASSERT_EQ(DF.Instructions.size(), 3u);
  const Instruction &From = DF.Instructions[0];
  EXPECT_EQ(From.Kind, InstrKind::From);
  ASSERT_EQ(From.Args.size(), 3u);
  EXPECT_EQ(text(DF, From.Args[2].Range), "base");
  const Instruction &Run = DF.Instructions[1];
  EXPECT_EQ(Run.StartLine, 2u);
  EXPECT_EQ(Run.EndLine, 4u);
  ASSERT_EQ(Run.Flags.size(), 1u);
  EXPECT_EQ(Run.Flags[0].Name, "mount");
  EXPECT_EQ(Run.Flags[0].Value, "type=cache,target=/var/cache/apk");
  EXPECT_EQ(text(DF, Run.Flags[0].Range), "--mount=type=cache,target=/var/cache/apk");
  EXPECT_EQ(Run.Rest, "apk add curl");
  // "apk" in the script maps to line 4, column 5.
  size_t Apk = Run.Rest.find("apk");
  SourceRange R = Run.restToSource(uint32_t(Apk), uint32_t(Apk + 3));
  EXPECT_EQ(text(DF, R), "apk");
  EXPECT_EQ(DF.Source->lineCol(R.Begin), (LineCol{4, 5}));
  EXPECT_EQ(text(DF, Run.Range).back(), 'l');
  const Instruction &Env = DF.Instructions[2];
  EXPECT_EQ(Env.Keyword, "env");
  EXPECT_EQ(text(DF, Env.KeywordRange), "env");
  ASSERT_EQ(Env.Pairs.size(), 2u);
  EXPECT_EQ(text(DF, Env.Pairs[1].Key.Range), "B");
  EXPECT_EQ(text(DF, Env.Pairs[1].Value.Range), "\"two words\"");
  ASSERT_EQ(DF.Comments.size(), 1u);
  EXPECT_EQ(DF.Comments[0].Text, "a comment inside");
  EXPECT_EQ(DF.Comments[0].Line, 3u);
}

TEST(ParserTest, JsonFormKeepsElementRanges) {
  Dockerfile DF = parse("Dockerfile", "CMD [\"echo\", \"a\\\"b\"]\n");
  const Instruction &I = DF.Instructions[0];
  EXPECT_TRUE(I.IsJson);
  ASSERT_EQ(I.Args.size(), 2u);
  EXPECT_EQ(I.Args[1].Text, "a\"b");
  EXPECT_EQ(text(DF, I.Args[1].Range), "\"a\\\"b\"");
}

TEST(ParserTest, InvalidJsonFallsBackToShellForm) {
  Dockerfile DF = parse("Dockerfile", "CMD ['echo', 'hi']\n");
  ASSERT_TRUE(DF.ok());
  EXPECT_FALSE(DF.Instructions[0].IsJson);
  EXPECT_EQ(dump(DF), "(cmd \"['echo', 'hi']\")\n");
}

TEST(ParserTest, HeredocsSeveralPerLine) {
  Dockerfile DF = parse("Dockerfile", "FROM busybox\n"
                                      "COPY <<EOF1 <<\"EOF2\" /dest/\n"
                                      "one $X\n"
                                      "EOF1\n"
                                      "two\n"
                                      "EOF2\n"
                                      "RUN <<-EOT sh\n"
                                      "\techo hi\n"
                                      "\tEOT\n"
                                      "USER nobody\n");
  ASSERT_TRUE(DF.ok()) << DF.Errors[0].format();
  ASSERT_EQ(DF.Instructions.size(), 4u);
  const Instruction &Copy = DF.Instructions[1];
  ASSERT_EQ(Copy.Heredocs.size(), 2u);
  EXPECT_EQ(Copy.Heredocs[0].Name, "EOF1");
  EXPECT_TRUE(Copy.Heredocs[0].Expand);
  EXPECT_EQ(Copy.Heredocs[0].Content, "one $X\n");
  EXPECT_EQ(Copy.Heredocs[1].Name, "EOF2");
  EXPECT_FALSE(Copy.Heredocs[1].Expand);
  EXPECT_EQ(Copy.Heredocs[1].Content, "two\n");
  EXPECT_EQ(text(DF, Copy.Heredocs[1].ContentRange), "two\n");
  EXPECT_EQ(Copy.EndLine, 6u);
  const Instruction &Run = DF.Instructions[2];
  ASSERT_EQ(Run.Heredocs.size(), 1u);
  EXPECT_TRUE(Run.Heredocs[0].Chomp);
  EXPECT_EQ(Run.Heredocs[0].Content, "\techo hi\n");
  EXPECT_EQ(DF.Instructions[3].Kind, InstrKind::User);
}

TEST(ParserTest, HeredocDescriptorsThatDoNotFitAreNotHeredocs) {
  // A fuzzer found `99999999999999999999<<X` threw std::out_of_range from the descriptor.
  Dockerfile DF = parse("Dockerfile", "FROM busybox\n"
                                      "RUN cat 3<<A 99999999999999999999<<X\n"
                                      "a\n"
                                      "A\n");
  ASSERT_TRUE(DF.ok()) << DF.Errors[0].format();
  const Instruction &Run = DF.Instructions[1];
  ASSERT_EQ(Run.Heredocs.size(), 1u);
  EXPECT_EQ(Run.Heredocs[0].Name, "A");
  EXPECT_EQ(Run.Heredocs[0].FileDescriptor, 3u);
  EXPECT_EQ(Run.Heredocs[0].Content, "a\n");
}

TEST(ParserTest, UnterminatedHeredocIsAnErrorWithLocation) {
  Dockerfile DF = parse("Dockerfile", "FROM busybox\nRUN <<EOF\necho hi\n");
  ASSERT_EQ(DF.Errors.size(), 1u);
  EXPECT_EQ(DF.Errors[0].format(DF.Source.get()),
            "Dockerfile:2:5: unterminated heredoc EOF; add a line `EOF` after its content\n"
            "RUN <<EOF\n"
            "    ^");
}

TEST(ParserTest, RecoversAndReportsEveryError) {
  Dockerfile DF = parse("Dockerfile", "FROM a\nENV PATH\nLABEL x\nCMD [1]\nRUN ok\n");
  ASSERT_EQ(DF.Errors.size(), 3u);
  EXPECT_EQ(DF.Errors[0].format(),
            "Dockerfile:2:9: ENV must have two arguments; write `ENV PATH=<value>`");
  EXPECT_EQ(DF.Errors[1].Pos.Line, 3u);
  EXPECT_EQ(
      DF.Errors[2].format(),
      "Dockerfile:4:5: when using JSON array syntax, arrays must be comprised of strings only");
  EXPECT_EQ(DF.Instructions.size(), 5u);
}

TEST(ParserTest, DirectivesAndBacktickEscape) {
  Dockerfile DF = parse("Dockerfile", "# syntax=docker/dockerfile:1\n"
                                      "# escape=`\n"
                                      "# check=skip=JSONArgsRecommended;error=true\n"
                                      "FROM mcr.microsoft.com/windows\n"
                                      "RUN dir `\n"
                                      "  c:\\\n");
  ASSERT_TRUE(DF.ok());
  EXPECT_EQ(DF.Escape, '`');
  EXPECT_EQ(DF.directive("syntax").value_or(""), "docker/dockerfile:1");
  EXPECT_EQ(DF.directive("check").value_or(""), "skip=JSONArgsRecommended;error=true");
  EXPECT_EQ(DF.Instructions[1].Rest, "dir   c:\\");
}

TEST(ParserTest, DirectiveNamesAndBlanks) {
  // A name in any case, blanks of the [\t\v\f\r ] class around it, the `=` and the value;
  // a key BuildKit does not read, or a directive without a value, ends the directives.
  Dockerfile DF = parse("Dockerfile", "#\v SYNTAX \t=\f docker/dockerfile:1 \r\n"
                                      "#Escape=`\n"
                                      "# cHeCk = skip=all\n"
                                      "# check2=x\n"
                                      "# syntax=y\n"
                                      "FROM a\n");
  ASSERT_TRUE(DF.ok());
  ASSERT_EQ(DF.Directives.size(), 3u);
  EXPECT_EQ(DF.Directives[0].Name, "syntax");
  EXPECT_EQ(DF.Directives[0].Value, "docker/dockerfile:1");
  EXPECT_EQ(DF.Directives[1].Name, "escape");
  EXPECT_EQ(DF.Directives[2].Name, "check");
  EXPECT_EQ(DF.Directives[2].Value, "skip=all");
  EXPECT_EQ(DF.Escape, '`');
  for (const char *Text : {"# escape=\nFROM a\n", "# escape2=`\nFROM a\n", "#=x\nFROM a\n",
                           "# 1escape=`\nFROM a\n", "# escape `\nFROM a\n", "#\n# escape=`\n"})
    EXPECT_EQ(parse("Dockerfile", Text).Escape, '\\') << Text;
  Dockerfile Twice = parse("Dockerfile", "# escape=`\n# ESCAPE=`\nFROM a\n");
  ASSERT_EQ(Twice.Errors.size(), 1u);
  EXPECT_NE(Twice.Errors[0].Message.find("only one escape parser directive"), std::string::npos);
}

TEST(ParserTest, OnbuildWrapsAnInstructionWithRanges) {
  Dockerfile DF = parse("Dockerfile", "FROM a\nONBUILD RUN --network=none make\n");
  const Instruction &I = DF.Instructions[1];
  ASSERT_TRUE(I.Child);
  EXPECT_EQ(I.Child->Kind, InstrKind::Run);
  EXPECT_EQ(text(DF, I.Child->KeywordRange), "RUN");
  EXPECT_EQ(I.Child->flag("network")->Value, "none");
  EXPECT_EQ(text(DF, I.Child->Args[0].Range), "make");
  EXPECT_EQ(dump(DF), "(from \"a\")\n(onbuild (run [\"--network=none\"] \"make\"))\n");
}

TEST(ParserTest, UnknownInstructionIsKeptNotFatal) {
  // BuildKit's parser keeps it; the next step refuses it (CheckTest).
  Dockerfile DF = parse("Dockerfile", "FROM a\nFROBNICATE x\nRUN y\n");
  EXPECT_TRUE(DF.ok());
  EXPECT_EQ(DF.Instructions[1].Kind, InstrKind::Unknown);
  EXPECT_EQ(DF.Instructions[1].Keyword, "frobnicate");
  EXPECT_EQ(dump(DF), "(from \"a\")\n(frobnicate \"\")\n(run \"y\")\n");
}

#include "dockerfile/Stages.h"

TEST(StagesTest, DependenciesAreSortedOnceAndBuildArgsOverrideDefaults) {
  // Stages used out of order and more than once are listed once, in order; an override and a
  // default that refers to it resolve the image (the scope refers to the words and overrides).
  Dockerfile DF = parse("Dockerfile", "ARG REG=docker.io\n"
                                      "ARG BASE=$REG/debian\n"
                                      "ARG TAG=12\n"
                                      "FROM alpine AS a\n"
                                      "FROM alpine AS b\n"
                                      "FROM ${BASE}:${TAG} AS c\n"
                                      "COPY --from=b /x /x\n"
                                      "COPY --from=a /y /y\n"
                                      "RUN --mount=from=b,target=/b --mount=from=a,target=/a true\n"
                                      "COPY --from=1 /z /z\n");
  StageGraph G = StageGraph::build(DF, "", {{"REG", "quay.io"}});
  ASSERT_EQ(G.Stages.size(), 3u);
  EXPECT_EQ(G.Stages[2].DependsOn, (llvm::SmallVector<unsigned, 4>{0, 1}));
  EXPECT_EQ(G.Stages[2].ResolvedImage, "quay.io/debian:12");
  EXPECT_FALSE(G.Stages[2].LiteralImage);
  EXPECT_EQ(StageGraph::build(DF).Stages[2].ResolvedImage, "docker.io/debian:12");
}

TEST(StagesTest, GlobalArgsResolveAndUnsetOnesStayAsWritten) {
  Dockerfile DF = parse("Dockerfile", "ARG BASE=debian:12\n"
                                      "FROM $BASE AS build\n"
                                      "FROM bin-${TARGETOS} AS bins\n"
                                      "FROM scratch\n"
                                      "COPY --from=build /a /a\n"
                                      "RUN --mount=from=bins,target=/b true\n");
  StageGraph G = StageGraph::build(DF);
  ASSERT_EQ(G.Stages.size(), 3u);
  EXPECT_EQ(G.Stages[0].ResolvedImage, "debian:12");
  EXPECT_EQ(G.Stages[1].ResolvedImage, "bin-${TARGETOS}");
  EXPECT_EQ(G.Stages[2].DependsOn, (llvm::SmallVector<unsigned, 4>{0, 1}));
  EXPECT_FALSE(G.Stages[0].LiteralImage);
  EXPECT_TRUE(G.Stages[2].LiteralImage);
  EXPECT_TRUE(G.Stages[0].ReachesTarget);
  StageGraph T = StageGraph::build(DF, "build");
  EXPECT_TRUE(T.Stages[0].ReachesTarget);
  EXPECT_FALSE(T.Stages[1].ReachesTarget);
  EXPECT_FALSE(T.Stages[2].ReachesTarget);
  StageGraph O = StageGraph::build(DF, "", {{"BASE", "ubuntu:24.04"}});
  EXPECT_EQ(O.Stages[0].ResolvedImage, "ubuntu:24.04");
}

TEST(StagesTest, UnsetArgsWithADefaultTakeIt) {
  // An unset ARG with a default takes it, as in `docker build`; one without a default (it asks
  // for --build-arg) and the platform ARGs the builder sets stay as written.
  Dockerfile DF = parse("Dockerfile", "ARG T\nARG U\n"
                                      "FROM ubuntu:${T:-latest}\n"
                                      "FROM ubuntu:$U\n"
                                      "FROM img-${TARGETARCH}:${T:-1}\n"
                                      "FROM ${T-reg}/app:${T}\n");
  StageGraph G = StageGraph::build(DF);
  ASSERT_EQ(G.Stages.size(), 4u);
  EXPECT_EQ(G.Stages[0].ResolvedImage, "ubuntu:latest");
  EXPECT_EQ(G.Stages[1].ResolvedImage, "ubuntu:$U");
  EXPECT_EQ(G.Stages[2].ResolvedImage, "img-${TARGETARCH}:${T:-1}");
  EXPECT_EQ(G.Stages[3].ResolvedImage, "${T-reg}/app:${T}");
}

TEST(ParserTest, NameValWordsWithSpecialBytesAtEveryOffset) {
  // The plain bytes of a word are skipped sixteen at a time: a quote, a non-ASCII byte, a
  // control byte or a space must end the run wherever it falls in a block.
  for (unsigned K = 0; K <= 20; ++K) {
    std::string X(K, 'x'), Z(K, 'z');
    std::string A = X + "\"q r\"" + std::string(20, 'y');
    std::string B = Z + "\xC3\xA9w";
    std::string C = X + "\x01" + "d\\ e";
    Dockerfile DF = parse("Dockerfile", "FROM a\nENV A=" + A + " B=" + B + " C=" + C + "\n");
    ASSERT_EQ(DF.Instructions.size(), 2u);
    const Instruction &I = DF.Instructions[1];
    ASSERT_EQ(I.Pairs.size(), 3u) << K;
    EXPECT_EQ(I.Pairs[0].Value.Text, A) << K;
    EXPECT_EQ(I.Pairs[1].Value.Text, B) << K;
    EXPECT_EQ(I.Pairs[2].Value.Text, C) << K;
    for (const KeyValue &P : I.Pairs)
      EXPECT_EQ(text(DF, P.Value.Range), P.Value.Text) << K;
  }
}

TEST(ParserTest, WhitespaceSplitWordsAtEveryOffset) {
  // Whitespace is searched for sixteen bytes at a time: non-ASCII and control bytes are
  // candidates that must be stepped over wherever they fall in a block.
  for (unsigned K = 0; K <= 20; ++K) {
    std::string A = std::string(K, 'a') + "\xC3\xA9\x01" + std::string(20 - K, 'b');
    std::string B = std::string(K, 'c');
    Dockerfile DF = parse("Dockerfile", "FROM " + A + " \t " + B + "\x0B" + "d\n");
    ASSERT_EQ(DF.Instructions.size(), 1u);
    const Instruction &I = DF.Instructions[0];
    std::vector<std::string> Want = {A};
    if (K)
      Want.push_back(B);
    Want.push_back("d");
    ASSERT_EQ(I.Args.size(), Want.size()) << K;
    for (size_t W = 0; W < Want.size(); ++W) {
      EXPECT_EQ(I.Args[W].Text, Want[W]) << K;
      EXPECT_EQ(text(DF, I.Args[W].Range), Want[W]) << K;
    }
  }
}

TEST(ParserTest, FlagWordsWithSpecialBytesAtEveryOffset) {
  // A flag's plain bytes are skipped sixteen at a time too; a backtick or a non-ASCII byte ends
  // that skip but not the flag, a quote is removed and a space ends the flag.
  for (unsigned K = 0; K <= 20; ++K) {
    std::string X(K, 'x');
    Dockerfile DF = parse("Dockerfile", "RUN --mount=type=cache,target=" + X + "`\xC3\xA9" + X +
                                            "\"q\"" + X + " --network=none make\n");
    ASSERT_EQ(DF.Instructions.size(), 1u);
    const Instruction &I = DF.Instructions[0];
    ASSERT_EQ(I.Flags.size(), 2u) << K;
    EXPECT_EQ(I.Flags[0].Value, "type=cache,target=" + X + "`\xC3\xA9" + X + "q" + X) << K;
    EXPECT_EQ(I.Flags[1].Text, "--network=none") << K;
    EXPECT_EQ(I.Rest, "make") << K;
  }
}

TEST(ParserTest, ContinuationLinesOfEveryKindJoinTheSameFarFromTheEnd) {
  // Lines with sixty-four bytes of text after their start take a loop of their own; the others
  // (blank, comment, CRLF, sixteen blanks, escaped escape, trailing blanks) must join as they do
  // near the end of the file, where every line takes the general path.
  const std::string Long(70, 'x');
  const std::string Lines = "RUN a \\\n"
                            "  " +
                            Long +
                            " \\\n"
                            "\tb \\\r\n"
                            "                    c \\\n"
                            "                    # sixteen blanks and a comment\n"
                            "\n"
                            "  d \\  \t\n"
                            "\\\n"
                            "  e \\\\\n";
  const std::string Want = "RUN a   " + Long + " \tb                     c   d   e \\\\";
  for (const std::string &Tail : {std::string(), std::string(200, '#') + "\n"}) {
    Dockerfile DF = parse("Dockerfile", Lines + Tail + "USER nobody\n");
    ASSERT_EQ(DF.Instructions.size(), 2u);
    const Instruction &I = DF.Instructions[0];
    EXPECT_EQ(I.Line, Want) << Tail.size();
    EXPECT_EQ(I.EndLine, 9u) << Tail.size();
    ASSERT_EQ(DF.Comments.size(), Tail.empty() ? 1u : 2u);
    EXPECT_EQ(DF.Comments[0].Line, 5u);
    EXPECT_EQ(DF.Warnings.size(), 1u); // the blank line
    for (uint32_t P = 0; P < I.Line.size(); ++P)
      ASSERT_EQ(DF.Source->text()[I.toSource(P)], I.Line[P]) << P;
    // A range maps its first byte and its last one (the searches start at either end).
    for (uint32_t B = 0; B < I.Line.size(); ++B)
      for (uint32_t E = B; E <= I.Line.size(); ++E) {
        const SourceRange R = I.toSource(B, E);
        ASSERT_EQ(R.Begin, I.toSource(B)) << B << ' ' << E;
        ASSERT_EQ(R.End, E == B ? R.Begin : I.toSource(E - 1) + 1) << B << ' ' << E;
      }
  }
}

TEST(ParserTest, ContinuationLinesOfEveryLengthJoinTheSameWithAndWithoutAvx2) {
  // Continuation lines are copied sixteen bytes a move, or 32 where the processor has AVX2
  // (detail::WideLineScan): lines of every length up to 140 bytes, far from the end of the file
  // and near it, must join the same either way.
  const bool Wide = detail::WideLineScan;
  for (bool UseWide : {false, Wide}) {
    detail::WideLineScan = UseWide;
    for (unsigned Len = 0; Len <= 140; ++Len) {
      std::string Text = "RUN a \\\n", Want = "RUN a ";
      for (unsigned K = 0; K < 3; ++K) {
        const std::string Piece = "  " + std::string(Len + K, char('x' + K)) + " ";
        Text += Piece + "\\\n";
        Want += Piece;
      }
      Text += "  end\n";
      Want += "  end";
      for (const std::string &Tail : {std::string(), std::string(200, '#') + "\n"}) {
        Dockerfile DF = parse("Dockerfile", Text + Tail + "USER nobody\n");
        ASSERT_EQ(DF.Instructions.size(), 2u);
        const Instruction &I = DF.Instructions[0];
        ASSERT_EQ(I.Line, Want) << Len << ' ' << UseWide << ' ' << Tail.size();
        for (uint32_t P = 0; P < I.Line.size(); ++P)
          ASSERT_EQ(DF.Source->text()[I.toSource(P)], I.Line[P]) << Len << ' ' << P;
      }
    }
  }
  detail::WideLineScan = Wide;
}

TEST(ParserTest, JsonStringsWithSpecialBytesAtEveryOffset) {
  // Plain bytes of a JSON string are skipped sixteen at a time; an escape, a non-ASCII byte or a
  // control byte (which makes the array invalid, so the line is a shell form) ends that skip at
  // any offset.
  for (unsigned K = 0; K <= 40; ++K) {
    std::string X(K, 'x');
    Dockerfile DF =
        parse("Dockerfile", "CMD [\"" + X + "\\u00e9" + X + "\", \"" + X + "\xC3\xA9\", \"" + X +
                                "\"]\n"
                                "CMD [\"" +
                                X + "\t\"]\n");
    ASSERT_EQ(DF.Instructions.size(), 2u) << K;
    const Instruction &I = DF.Instructions[0];
    ASSERT_TRUE(I.IsJson) << K;
    ASSERT_EQ(I.Args.size(), 3u) << K;
    EXPECT_EQ(I.Args[0].Text, X + "\xC3\xA9" + X) << K;
    EXPECT_EQ(I.Args[1].Text, X + "\xC3\xA9") << K;
    EXPECT_EQ(I.Args[2].Text, X) << K;
    EXPECT_EQ(text(DF, I.Args[2].Range), "\"" + X + "\"") << K;
    EXPECT_FALSE(DF.Instructions[1].IsJson) << K;
  }
}

TEST(ParserTest, FlagLookupIgnoresCaseAndTheLastWins) {
  Dockerfile DF = parse("Dockerfile", "FROM a AS b\n"
                                      "COPY --FROM=b --Chown=1 --from=c --link x /y\n"
                                      "COPY x /y\n");
  ASSERT_EQ(DF.Instructions.size(), 3u);
  const Instruction &I = DF.Instructions[1];
  ASSERT_NE(I.flag("from"), nullptr);
  EXPECT_EQ(I.flag("from")->Value, "c");
  ASSERT_NE(I.flag("chown"), nullptr);
  EXPECT_EQ(I.flag("chown")->Value, "1");
  EXPECT_EQ(I.flags("from").size(), 2u);
  EXPECT_EQ(I.flag("fro"), nullptr);
  EXPECT_EQ(I.flag("chmod"), nullptr);
  ASSERT_NE(I.flag("link"), nullptr);
  EXPECT_FALSE(I.flag("link")->HasValue);
  EXPECT_EQ(DF.Instructions[2].flag("from"), nullptr);
}

TEST(ParserTest, PartsLongerThanAChunkAndTriggersKeepTheirValues) {
  // Words, flags and pairs are written in place in the arena: an array that outgrows its chunk
  // moves, and an ONBUILD's trigger writes its parts while its host's are open. Instructions
  // before them shift where the chunks fill up.
  std::string Ports, Envs;
  for (int K = 0; K < 150; ++K) {
    Ports += " " + std::to_string(K);
    Envs += " K" + std::to_string(K) + "=v" + std::to_string(K);
  }
  for (int Before = 0; Before < 45; ++Before) {
    std::string Text = "FROM a\n";
    for (int K = 0; K < Before; ++K)
      Text += "COPY --chown=" + std::to_string(K) + " x /y\n";
    Text += "EXPOSE" + Ports + "\nENV" + Envs +
            "\nONBUILD RUN --mount=type=cache,target=/c --network=none echo hi\n"
            "COPY --link --chmod=644 a b /c\n";
    Dockerfile DF = parse("Dockerfile", Text);
    ASSERT_EQ(DF.Instructions.size(), size_t(Before) + 5) << Before;
    for (int K = 0; K < Before; ++K) {
      const Instruction &C = DF.Instructions[1 + K];
      ASSERT_EQ(C.Flags.size(), 1u);
      EXPECT_EQ(C.Flags[0].Value, std::to_string(K));
      ASSERT_EQ(C.Args.size(), 2u);
      EXPECT_EQ(C.Args[1].Text, "/y");
    }
    const Instruction &Expose = DF.Instructions[Before + 1];
    ASSERT_EQ(Expose.Args.size(), 150u) << Before;
    const Instruction &Env = DF.Instructions[Before + 2];
    ASSERT_EQ(Env.Pairs.size(), 150u) << Before;
    for (int K = 0; K < 150; ++K) {
      EXPECT_EQ(Expose.Args[K].Text, std::to_string(K));
      EXPECT_EQ(text(DF, Expose.Args[K].Range), std::to_string(K));
      EXPECT_EQ(Env.Pairs[K].Key.Text, "K" + std::to_string(K));
      EXPECT_EQ(Env.Pairs[K].Value.Text, "v" + std::to_string(K));
    }
    const Instruction &On = DF.Instructions[Before + 3];
    EXPECT_TRUE(On.Flags.empty());
    EXPECT_TRUE(On.Args.empty());
    ASSERT_NE(On.Child, nullptr);
    ASSERT_EQ(On.Child->Flags.size(), 2u);
    EXPECT_EQ(On.Child->Flags[0].Value, "type=cache,target=/c");
    EXPECT_EQ(On.Child->Flags[1].Name, "network");
    ASSERT_EQ(On.Child->Args.size(), 1u);
    EXPECT_EQ(On.Child->Args[0].Text, "echo hi");
    const Instruction &Copy = DF.Instructions[Before + 4];
    ASSERT_EQ(Copy.Flags.size(), 2u);
    EXPECT_EQ(Copy.Flags[1].Value, "644");
    ASSERT_EQ(Copy.Args.size(), 3u);
    EXPECT_EQ(Copy.Args[2].Text, "/c");
  }
}
