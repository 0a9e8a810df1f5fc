//===- AnalyzerTest.cpp - Exact accounting on synthetic images ------------===//
//
// Every figure below is computed by hand from the layer contents (see the comments), not taken
// from the implementation; dive's figures follow dive/filetree/efficiency.go by hand as well.
//
//===----------------------------------------------------------------------===//
#include "analyzer/Analysis.h"

#include <gtest/gtest.h>
#include <iostream>

#include "analyzer/TestImage.h"

using namespace ballast;
using namespace ballast::analyzer;
using namespace ballast::analyzer::testimage;
using oci::media::Compression;

namespace {

Analysis analyze(const Built &B, const AnalyzeOptions &Opts = {}) {
  auto Img = toImage(B);
  EXPECT_TRUE(Img);
  auto A = analyzeImage(*Img, Opts);
  EXPECT_TRUE(bool(A)) << (A ? "" : llvm::toString(A.takeError()));
  return A ? std::move(*A) : Analysis{};
}

std::vector<std::string> messages(const Analysis &A, llvm::StringRef Rule) {
  std::vector<std::string> V;
  for (const Finding &F : A.Findings)
    if (F.RuleId == Rule)
      V.push_back(F.Message);
  return V;
}

} // namespace

TEST(AnalyzerTest, ExactWasteByReason) {
  Built B = build(scenario(), "", {"API_TOKEN=abc123", "PATH=/usr/bin", "DB_PASSWORD_FILE=/x"});
  Analysis A = analyze(B);
  // Stored: layer 0 3585 (hard link once), layer 1 15050, layer 2 5000.
  ASSERT_EQ(A.Layers.size(), 3u);
  EXPECT_EQ(A.Layers[0].ContentBytes, 3585);
  EXPECT_EQ(A.Layers[1].ContentBytes, 15050);
  EXPECT_EQ(A.Layers[2].ContentBytes, 5000);
  EXPECT_EQ(A.SizeBytes, 23635);
  // Hidden: overwritten big.bin 1000 + perm.sh 250; file whiteouts passwd 100 + mv/src 600 +
  // id_rsa 100; rm -rf data 300+200; opaque opq 400+100; typ became a directory 70. hl/orig is
  // whited out but its hard link hl/link keeps the bytes: not waste.
  EXPECT_EQ(A.WastedByReason[unsigned(HideReason::Overwritten)], 1250);
  EXPECT_EQ(A.WastedByReason[unsigned(HideReason::FileWhiteout)], 800);
  EXPECT_EQ(A.WastedByReason[unsigned(HideReason::DirWhiteout)], 500);
  EXPECT_EQ(A.WastedByReason[unsigned(HideReason::Opaque)], 500);
  EXPECT_EQ(A.WastedByReason[unsigned(HideReason::TypeChange)], 70);
  EXPECT_EQ(A.WastedBytes, 3120);
  EXPECT_EQ(A.FinalBytes, 20515);
  EXPECT_EQ(A.AttrOnlyBytes, 250); // perm.sh: same bytes, mode 0644 -> 0755
  EXPECT_EQ(A.MovedBytes, 600);    // mv/src -> mv/dst
  EXPECT_EQ(A.UnchangedCopyBytes, 0);
  EXPECT_DOUBLE_EQ(A.Efficiency, 20515.0 / 23635.0);
  EXPECT_DOUBLE_EQ(A.UserWastedPercent, 3120.0 / 20050.0);
  EXPECT_EQ(A.Layers[0].WastedBytes, 3020);
  EXPECT_EQ(A.Layers[1].WastedBytes, 100);
  EXPECT_EQ(A.Layers[1].RemovedBytes, 3020);
  EXPECT_EQ(A.Layers[2].RemovedBytes, 100);
  // The final tree.
  EXPECT_EQ(A.Tree.Nodes.count("data"), 0u);
  EXPECT_EQ(A.Tree.Nodes.count("opq/old1"), 0u);
  EXPECT_EQ(A.Tree.Nodes.count("opq/new"), 1u);
  EXPECT_EQ(A.Tree.Nodes.at("typ").Kind, EntryKind::Dir);
  EXPECT_EQ(A.Tree.Nodes.count("hl/orig"), 0u);
  EXPECT_EQ(A.Tree.Nodes.count("hl/link"), 1u);
  EXPECT_EQ(A.Layers[1].CreatedBy, "RUN /bin/sh -c make stuff # buildkit");
}

TEST(AnalyzerTest, DiveFiguresAsDiveComputesThem) {
  Analysis A = analyze(build(scenario()));
  // Per path, all sizes seen (leaves only; a file whiteout counts 0, the whiteout of data/
  // counts what it removed, 500, but /data was not a leaf in layer 0 so it is seen once):
  //   /etc/passwd 100+0, /app/big.bin 1000+1200, /hl/orig 500+0, /mv/src 600+0,
  //   /perm.sh 250+250, /root/.ssh/id_rsa 100+0 -> wasted 4000.
  // All sizes: layer 0 3585, layer 1 15050 + 500 (the data/ whiteout), layer 2 5000 = 24135;
  // minus the non-minimal copies 100+1200+500+600+250+100 = 2750 -> 21385.
  EXPECT_DOUBLE_EQ(A.Dive.Efficiency, 21385.0 / 24135.0);
  EXPECT_EQ(A.Dive.WastedBytes, 4000u);
  EXPECT_EQ(A.Dive.SizeBytes, 23635u);
  EXPECT_EQ(A.Dive.UserSizeBytes, 20050u);
  EXPECT_DOUBLE_EQ(A.Dive.UserWastedPercent, 4000.0 / 20050.0);
  std::vector<std::string> Got;
  for (const DiveFile &F : A.Dive.Inefficient)
    Got.push_back(F.Path + " " + std::to_string(F.Count) + " " + std::to_string(F.WastedBytes));
  EXPECT_EQ(Got, (std::vector<std::string>{"/app/big.bin 2 2200", "/mv/src 2 600", "/hl/orig 2 500",
                                           "/perm.sh 2 500", "/etc/passwd 2 100",
                                           "/root/.ssh/id_rsa 2 100"}));
}

TEST(AnalyzerTest, DiveStopsALayerAtAWhiteoutOfAMissingPath) {
  // dive's visitor returns "path does not exist" for /a/gone, which ends layer 1's visit in
  // name order: /a/.wh.gone comes before /b, so /b (layer 1) is never counted; the failed path
  // still gets an entry whose smallest size is -1.
  Layer L0{{file("b", bytes(10, 'b'))}, Compression::None, "x"};
  Layer L1{{dir("a/"), whiteout("a/.wh.gone"), file("b", bytes(10, 'c'))}, Compression::None, "y"};
  Analysis A = analyze(build({L0, L1}));
  EXPECT_EQ(A.Dive.WastedBytes, 0u);
  EXPECT_TRUE(A.Dive.Inefficient.empty());
  // Paths: /b {10, min 10}, /a/gone {0, min -1}: (10 - 1) / 10.
  EXPECT_DOUBLE_EQ(A.Dive.Efficiency, 9.0 / 10.0);
  // The exact accounting sees the overwrite of b.
  EXPECT_EQ(A.WastedBytes, 10);
  EXPECT_EQ(A.Tree.DanglingWhiteouts, 1u);
}

TEST(AnalyzerTest, FindingsOfTheScenario) {
  Built B = build(scenario(), "", {"API_TOKEN=abc123", "PATH=/usr/bin", "DB_PASSWORD_FILE=/x"});
  Analysis A = analyze(B);
  auto BL3001 = messages(A, "BL3001");
  ASSERT_EQ(BL3001.size(), 2u);
  EXPECT_EQ(BL3001[0],
            "3.0 kB in 9 files stored by layer 0 (/bin/sh -c #(nop) ADD file:0123 in / ) are "
            "hidden by layer 1 (RUN /bin/sh -c make stuff # buildkit) (overwritten 1.3 kB, "
            "file-whiteout 700 B, dir-whiteout 500 B, opaque-dir 500 B, type-change 70 B); "
            "largest /app/big.bin; 250 B are chmod/chown-only copies: set the mode and owner "
            "where the files are added (COPY --chmod/--chown); 600 B are moves: put the files in "
            "place when adding them");
  EXPECT_EQ(BL3001[1], "100 B in 1 file stored by layer 1 (RUN /bin/sh -c make stuff # "
                       "buildkit) are hidden by layer 2 (RUN /bin/sh -c rm -f /root/.ssh/id_rsa "
                       "# buildkit) (file-whiteout 100 B); largest /root/.ssh/id_rsa; add and "
                       "remove them in the same RUN, or build them in another stage (lint rule "
                       "BL1050 finds this in the Dockerfile)");
  EXPECT_EQ(messages(A, "BL3002"),
            std::vector<std::string>{
                "the same 5.0 kB content is stored 3 times, 10 kB more than needed: /dup/a "
                "(layer 1), /dup/b (layer 1), /dup/c (layer 2); copy it once, in the layer that "
                "needs it first"});
  auto BL3003 = messages(A, "BL3003");
  ASSERT_EQ(BL3003.size(), 2u);
  EXPECT_EQ(BL3003[0], "apt package lists left in the final image: 2.0 kB in 1 files (e.g. "
                       "/var/lib/apt/lists/deb_Packages, mostly from layer 1 (RUN /bin/sh -c "
                       "make stuff # buildkit)); use rm -rf /var/lib/apt/lists/* in the RUN that "
                       "ran apt-get update (lint rule DL3009)");
  EXPECT_NE(BL3003[1].find("pip cache left in the final image: 800 B in 1 files"),
            std::string::npos);
  auto BL3004 = messages(A, "BL3004");
  ASSERT_EQ(BL3004.size(), 1u);
  EXPECT_EQ(BL3004[0].substr(0, 52), ".git folders in the final image: 40 B in 1 files (e.");
  auto BL3006 = messages(A, "BL3006");
  ASSERT_EQ(BL3006.size(), 2u);
  EXPECT_EQ(BL3006[0].substr(0, 103), ".env file /app/.env (20 B) is stored in layer 1 (RUN "
                                      "/bin/sh -c make stuff # buildkit); anyone who can ");
  EXPECT_NE(BL3006[1].find("private key /root/.ssh/id_rsa (100 B) is stored in layer 1"),
            std::string::npos);
  EXPECT_NE(BL3006[1].find("hidden in the final image but still readable from the layer blob"),
            std::string::npos);
  auto BL3007 = messages(A, "BL3007");
  ASSERT_EQ(BL3007.size(), 1u);
  EXPECT_EQ(BL3007[0].substr(0, 55), "ENV API_TOKEN holds a secret-like value (6 characters) ");
  auto BL3008 = messages(A, "BL3008");
  ASSERT_EQ(BL3008.size(), 1u);
  EXPECT_EQ(BL3008[0].substr(0, 46), "setuid file /usr/bin/su (mode 4755, owner 0:0)");
  auto BL3009 = messages(A, "BL3009");
  ASSERT_EQ(BL3009.size(), 1u); // /tmp is sticky
  EXPECT_EQ(BL3009[0].substr(0, 42), "file /tmpfile is world-writable (mode 0666");
  EXPECT_EQ(messages(A, "BL3010").size(), 1u);
  EXPECT_EQ(messages(A, "BL3005").size(), 1u);
  EXPECT_EQ(A.LargestFiles[0].Path, "dup/a");
  EXPECT_EQ(A.LargestFiles[0].Bytes, 5000);
  EXPECT_EQ(A.LargestDirs[0].Path, "dup");
  EXPECT_EQ(A.LargestDirs[0].Bytes, 15000);
}

TEST(AnalyzerTest, NonRootUserAndCleanImageHaveNoFindings) {
  Layer L0{
      {dir("app/"), file("app/run", bytes(10, 'r'), 0755)}, Compression::Gzip, "COPY run /app"};
  Analysis A = analyze(build({L0}, "1000:1000"));
  for (const Finding &F : A.Findings)
    EXPECT_EQ(F.RuleId, "BL3005") << F.Message;
  EXPECT_EQ(A.WastedBytes, 0);
  EXPECT_DOUBLE_EQ(A.Efficiency, 1.0);
  EXPECT_EQ(A.Dive.WastedBytes, 0u);
  EXPECT_DOUBLE_EQ(A.Dive.Efficiency, 1.0);
}

TEST(AnalyzerTest, PackageIndexArchivesAreCachesNotSourceArchives) {
  Layer L0{{dir("var/cache/apk/"), file("var/cache/apk/APKINDEX.tar.gz", bytes(100, 'i')),
            dir("src/"), file("src/app-1.0.tar.gz", bytes(50, 's'))},
           Compression::Gzip,
           "RUN apk add curl"};
  Analysis A = analyze(build({L0}, "1000:1000"));
  auto Caches = messages(A, "BL3003");
  ASSERT_EQ(Caches.size(), 1u);
  EXPECT_EQ(Caches[0].substr(0, 56), "apk cache left in the final image: 100 B in 1 files (e.g");
  auto Leftovers = messages(A, "BL3004");
  ASSERT_EQ(Leftovers.size(), 1u);
  EXPECT_EQ(Leftovers[0].substr(0, 74),
            "source archives in the final image: 50 B in 1 files (e.g. /src/app-1.0.tar");
}

TEST(AnalyzerTest, FindingsPointAtDockerfileLines) {
  Built B = build(scenario(), "", {"API_TOKEN=abc123"}, {"/bin/sh -c #(nop)  CMD [\"bash\"]"});
  AnalyzeOptions Opts;
  Opts.ImageName = "test:1";
  Opts.DockerfilePath = "Dockerfile";
  Opts.DockerfileText = "FROM debian:12\n"
                        "COPY . /app\n"
                        "RUN make \\\n    stuff\n"
                        "ENV API_TOKEN=abc123\n"
                        "RUN rm -f /root/.ssh/id_rsa\n";
  Analysis A = analyze(B, Opts);
  EXPECT_EQ(A.Layers[0].DockerfileLine, 0); // the base image's layer
  EXPECT_EQ(A.Layers[1].DockerfileLine, 3);
  EXPECT_EQ(A.Layers[2].DockerfileLine, 6);
  for (const Finding &F : A.Findings) {
    if (F.RuleId == "BL3001" && F.Message.find("stored by layer 1") != std::string::npos) {
      EXPECT_EQ(F.File, "Dockerfile");
      EXPECT_EQ(F.Begin.Line, 3u);
      ASSERT_EQ(F.Notes.size(), 1u);
      EXPECT_EQ(F.Notes[0].Begin.Line, 6u);
    }
    if (F.RuleId == "BL3001" && F.Message.find("stored by layer 0") != std::string::npos) {
      EXPECT_EQ(F.File, "test:1"); // the base image made it
    }
    if (F.RuleId == "BL3007") {
      EXPECT_EQ(F.File, "Dockerfile");
      EXPECT_EQ(F.Begin.Line, 5u);
      EXPECT_EQ(F.Begin.Column, 5u);
    }
    if (F.RuleId == "BL3010") {
      EXPECT_EQ(F.Begin.Line, 1u); // no USER: the FROM line
    }
  }
}

TEST(AnalyzerTest, ScanVerifiesDiffIds) {
  Built B = build(scenario());
  // Swap the first diff_id for another layer's: the uncompressed content no longer matches.
  auto Cfg = nlohmann::json::parse(B.Config);
  std::string Want = Cfg["rootfs"]["diff_ids"][0];
  Cfg["rootfs"]["diff_ids"][0] = Cfg["rootfs"]["diff_ids"][2];
  B.Config = Cfg.dump();
  auto M = nlohmann::json::parse(B.Manifest);
  std::string CD = oci::Digest::sha256Of(B.Config).str();
  M["config"]["digest"] = CD;
  M["config"]["size"] = B.Config.size();
  B.Manifest = M.dump();
  B.Blobs[CD] = B.Config;
  auto Img = toImage(B);
  ASSERT_TRUE(Img);
  auto A = analyzeImage(*Img, {});
  ASSERT_FALSE(bool(A));
  std::string Err = llvm::toString(A.takeError());
  EXPECT_EQ(Err, "layer 0 (" + B.LayerDigests[0] + "): uncompressed content is " + Want +
                     " but the config says " + std::string(Cfg["rootfs"]["diff_ids"][0]) +
                     "; the layer does not match the image config, re-pull it (or pass "
                     "--no-verify to analyze it anyway)");
  AnalyzeOptions NoVerify;
  NoVerify.Scan.VerifyDiffIds = false;
  auto A2 = analyzeImage(*Img, NoVerify);
  ASSERT_TRUE(bool(A2)) << llvm::toString(A2.takeError());
  EXPECT_EQ(A2->WastedBytes, 3120);
}

TEST(AnalyzerTest, MalformedLayersAreErrors) {
  auto Try = [](const std::string &Blob) {
    Built B = build({Layer{{file("a", "x")}, Compression::None, "x"}});
    // Replace the layer blob (and its digest) with Blob; diff_id checks are off.
    std::string Old = B.LayerDigests[0];
    std::string D = oci::Digest::sha256Of(Blob).str();
    B.Blobs.erase(Old);
    B.Blobs[D] = Blob;
    size_t P = B.Manifest.find(Old);
    B.Manifest.replace(P, Old.size(), D);
    auto M = nlohmann::json::parse(B.Manifest);
    M["layers"][0]["size"] = Blob.size();
    B.Manifest = M.dump();
    auto Img = toImage(B);
    AnalyzeOptions O;
    O.Scan.VerifyDiffIds = false;
    auto A = analyzeImage(*Img, O);
    if (A)
      return std::string("ok");
    return llvm::toString(A.takeError());
  };
  std::string Tar = makeTar({file("a", bytes(5000, 'a'))});
  auto Gz = oci::compress(stringReader(Tar), Compression::Gzip);
  ASSERT_TRUE(bool(Gz));
  std::string GzBytes = drainAll(std::move(*Gz));
  std::string Truncated = Try(GzBytes.substr(0, GzBytes.size() / 2));
  EXPECT_NE(Truncated, "ok");
  EXPECT_EQ(Truncated.rfind("layer 0 (sha256:", 0), 0u) << Truncated;
  std::string Escape = Try(makeTar({file("../../etc/evil", "x")}));
  EXPECT_NE(Escape.find("layer 0 (sha256:"), std::string::npos) << Escape;
  EXPECT_NE(Escape.find(".."), std::string::npos) << Escape;
  std::string Garbage = Try(std::string(1024, 'Z'));
  EXPECT_NE(Garbage, "ok");
  // A header claiming a 1 TiB file (octal 20000000000000) in a 2 kB stream.
  std::string Absurd = makeTar({file("big", "")});
  Absurd.replace(124, 12, std::string("20000000000") + '\0');
  unsigned Sum = 0;
  for (int I = 0; I < 512; ++I)
    Sum += (I >= 148 && I < 156) ? ' ' : static_cast<unsigned char>(Absurd[I]);
  char Chk[8];
  snprintf(Chk, sizeof Chk, "%06o", Sum);
  Absurd.replace(148, 8, std::string(Chk, 6) + std::string("\0 ", 2));
  std::string AbsurdErr = Try(Absurd);
  EXPECT_NE(AbsurdErr, "ok");
  EXPECT_EQ(AbsurdErr.rfind("layer 0 (sha256:", 0), 0u) << AbsurdErr;
  // A tar cut in the middle of a file's data.
  std::string Cut = Try(Tar.substr(0, 512 + 1000));
  EXPECT_NE(Cut, "ok");
  EXPECT_NE(Cut.find("layer 0 (sha256:"), std::string::npos) << Cut;
  for (const std::string &M : {Truncated, Escape, Garbage, AbsurdErr, Cut})
    std::cerr << "  " << M << "\n";
}

TEST(AnalyzerTest, WhiteoutClassification) {
  LayerEntry E;
  E.Path = "a/b/.wh.c";
  ASSERT_TRUE(classifyWhiteout(E));
  EXPECT_EQ(E.Kind, EntryKind::Whiteout);
  EXPECT_EQ(E.Path, "a/b/c");
  E = {};
  E.Path = "a/.wh..wh..opq";
  ASSERT_TRUE(classifyWhiteout(E));
  EXPECT_EQ(E.Kind, EntryKind::Opaque);
  EXPECT_EQ(E.Path, "a");
  E = {};
  E.Path = ".wh..wh.plnk";
  EXPECT_FALSE(classifyWhiteout(E));
  E = {};
  E.Path = ".wh.top";
  ASSERT_TRUE(classifyWhiteout(E));
  EXPECT_EQ(E.Path, "top");
  // A whiteout of no name hides nothing: neither the root nor its own folder (found by
  // AnalyzerFuzzer: it became a whiteout entry with an empty path).
  for (const char *P : {".wh.", "etc/.wh."}) {
    E = {};
    E.Path = P;
    EXPECT_FALSE(classifyWhiteout(E)) << P;
  }
}

TEST(AnalyzerTest, HumanBytesLikeGoHumanize) {
  EXPECT_EQ(humanBytes(0), "0 B");
  EXPECT_EQ(humanBytes(9), "9 B");
  EXPECT_EQ(humanBytes(999), "999 B");
  EXPECT_EQ(humanBytes(1500), "1.5 kB");
  EXPECT_EQ(humanBytes(20000000), "20 MB");
  EXPECT_EQ(humanBytes(82854982), "83 MB");
}

TEST(AnalyzerTest, ParallelAndSequentialScansAgree) {
  Built B = build(scenario());
  auto Img = toImage(B);
  ASSERT_TRUE(Img);
  AnalyzeOptions One, Many;
  One.Scan.Jobs = 1;
  Many.Scan.Jobs = 3;
  auto A1 = analyzeImage(*Img, One);
  auto A3 = analyzeImage(*Img, Many);
  ASSERT_TRUE(bool(A1) && bool(A3));
  EXPECT_EQ(A1->WastedBytes, A3->WastedBytes);
  EXPECT_EQ(A1->Findings.size(), A3->Findings.size());
  for (size_t I = 0; I < A1->Layers.size(); ++I)
    EXPECT_EQ(A1->Layers[I].TarBytes, A3->Layers[I].TarBytes);
  // The tar sizes are the uncompressed streams (what diff_ids hash).
  EXPECT_EQ(A1->Layers[2].TarBytes, makeTar(scenario()[2].Entries).size());
}

TEST(AnalyzerTest, LegacyHistoryAndStageChainsMapToLines) {
  // Legacy builder history (`|N ARGS /bin/sh -c`, `#(nop) COPY`), a target stage built FROM an
  // earlier stage: layers of both stages map to their lines, the base image's layer to none.
  std::vector<Layer> Ls = {
      Layer{{file("base", "b")}, Compression::Gzip, "/bin/sh -c #(nop) ADD file:1 in / "},
      Layer{{file("a", "a")}, Compression::Gzip, "|1 V=1 /bin/sh -c echo $V > /a"},
      Layer{{file("c", "c")}, Compression::Gzip, "/bin/sh -c #(nop) COPY file:2 in /c "},
      Layer{{file("d", "d")}, Compression::Gzip, "/bin/sh -c touch /d"}};
  Built B = build(Ls, "nobody");
  AnalyzeOptions Opts;
  Opts.DockerfilePath = "Dockerfile";
  Opts.DockerfileText = "FROM debian AS base\n"  // 1
                        "ARG V=1\n"              // 2
                        "RUN echo $V > /a\n"     // 3
                        "FROM alpine AS other\n" // 4
                        "RUN unrelated\n"        // 5
                        "FROM base\n"            // 6
                        "COPY c /c\n"            // 7
                        "RUN touch /d\n";        // 8
  Analysis A = analyze(B, Opts);
  ASSERT_EQ(A.Layers.size(), 4u);
  EXPECT_EQ(A.Layers[0].DockerfileLine, 0);
  EXPECT_EQ(A.Layers[1].DockerfileLine, 3);
  EXPECT_EQ(A.Layers[2].DockerfileLine, 7);
  EXPECT_EQ(A.Layers[3].DockerfileLine, 8);
  EXPECT_TRUE(messages(A, "BL3010").empty()); // USER nobody
}
