//===- JsonWriterTest.cpp -------------------------------------------------===//
#include "report/JsonWriter.h"

#include <algorithm>
#include <cstdio>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "report/ReportTestData.h"

namespace ballast::report {
namespace {

TEST(JsonWriterTest, Golden) {
  testdata::Fixture Fx;
  EXPECT_EQ(Fx.render(Format::Json), R"json({
  "findings": [
    {
      "file": "Dockerfile",
      "line": 2,
      "column": 23,
      "end_line": 2,
      "end_column": 43,
      "rule": "DL3015",
      "aliases": [],
      "severity": "warning",
      "message": "avoid additional packages; add \"--no-install-recommends\" to <apt-get install> & friends",
      "fix": {
        "title": "add --no-install-recommends",
        "edits": [
          {
            "offset": 55,
            "length": 0,
            "replacement": " --no-install-recommends",
            "line": 2,
            "column": 38,
            "end_line": 2,
            "end_column": 38
          }
        ]
      }
    },
    {
      "file": "Dockerfile",
      "line": 3,
      "column": 1,
      "end_line": 3,
      "end_column": 10,
      "rule": "BL1002",
      "aliases": [],
      "severity": "error",
      "message": "last USER is root\nswitch to a non-root user; 100% of images, at least"
    },
    {
      "file": "Dockerfile",
      "line": 4,
      "column": 10,
      "end_line": 4,
      "end_column": 15,
      "rule": "SC2086",
      "aliases": [],
      "severity": "info",
      "message": "double quote to prevent globbing and word splitting"
    },
    {
      "file": "other/Dockerfile",
      "line": 3,
      "column": 1,
      "end_line": 4,
      "end_column": 22,
      "rule": "DL3059",
      "aliases": [
        "ConsecutiveRunInstructions",
        "DL3059-alias"
      ],
      "severity": "style",
      "message": "multiple consecutive RUN instructions: merge them, if you can",
      "fix": {
        "title": "merge RUN instructions",
        "unsafe": true,
        "edits": [
          {
            "offset": 29,
            "length": 6,
            "replacement": " && \\\n    "
          }
        ]
      }
    }
  ]
}
)json");
}

TEST(JsonWriterTest, NoFindings) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeJson(OS, {}, {}, ReportOptions());
  EXPECT_EQ(OS.str(), "{\n  \"findings\": []\n}\n");
}

TEST(JsonWriterTest, InvalidUtf8IsReplacedNotThrown) {
  Finding F;
  F.File = "Dockerfile";
  F.Begin = {1, 1};
  F.End = {1, 2};
  F.RuleId = "DL3000";
  F.Message = "bad \xff byte";
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  writeJson(OS, {F}, {}, ReportOptions());
  EXPECT_NE(OS.str().find("\"message\": \"bad \xEF\xBF\xBD byte\""), std::string::npos) << Out;
}

TEST(JsonWriterTest, ALargeReportFormattedInTwoHalvesIsOneDocumentInOrder) {
  // 1,025 findings and up are formatted on two threads; the result must be the same document,
  // in the same order, as nlohmann's serializer writes it, whatever the split.
  using Json = nlohmann::ordered_json;
  for (size_t N : {1023u, 1024u, 1025u, 3001u}) {
    std::vector<Finding> Fs;
    Json Arr = Json::array();
    for (size_t I = 0; I < N; ++I) {
      Finding F;
      F.File = "dir/Dockerfile." + std::to_string(I % 7);
      F.Begin = {unsigned(I + 1), unsigned(I % 80 + 1)};
      F.End = {unsigned(I + 1), unsigned(I % 80 + 5)};
      F.RuleId = I % 3 ? "DL3008" : "BL9999";
      F.Sev = I % 2 ? Severity::Info : Severity::Error;
      F.Message = "finding \"" + std::to_string(I) + "\"";
      Fs.push_back(F);
      Json J = Json::object();
      J["file"] = F.File;
      J["line"] = F.Begin.Line;
      J["column"] = F.Begin.Column;
      J["end_line"] = F.End.Line;
      J["end_column"] = F.End.Column;
      J["rule"] = F.RuleId;
      J["aliases"] = Json::array();
      J["severity"] = I % 2 ? "info" : "error";
      J["message"] = F.Message;
      Arr.push_back(J);
    }
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeJson(OS, Fs, {}, ReportOptions());
    OS.flush();
    Json Root = Json::object();
    Root["findings"] = Arr;
    EXPECT_EQ(Out, Root.dump(2, ' ', false) + "\n") << N << " findings";
  }
}

TEST(JsonWriterTest, PiecesFormattedApartJoinToTheSameReport) {
  // The fixture's findings (aliases, a fix with edits, a ShellCheck id the catalogue does not
  // know) as the pieces of three files, with files that have no findings between them.
  testdata::Fixture Fx;
  SourceFile Other("other/Dockerfile", testdata::DockerfileText);
  std::vector<Finding> All, OfOther;
  for (Finding F : Fx.Findings) {
    F.File = "other/Dockerfile";
    OfOther.push_back(F);
  }
  All = Fx.Findings;
  All.insert(All.end(), OfOther.begin(), OfOther.end());
  All.insert(All.end(), Fx.Findings.begin(), Fx.Findings.end());
  ReportOptions Opts = Fx.Opts;
  Opts.Sources["other/Dockerfile"] = &Other;
  std::string Whole, Joined, Empty;
  llvm::raw_string_ostream WholeOS(Whole), JoinedOS(Joined), EmptyOS(Empty);
  writeJson(WholeOS, All, Fx.Rules, Opts);
  JsonPieces Pieces(Fx.Rules);
  JsonPiece A = Pieces.format(Fx.Findings, &Fx.SF), B = Pieces.format(OfOther, &Other),
            C = Pieces.format(Fx.Findings, &Fx.SF);
  EXPECT_TRUE(Pieces.format({}, &Fx.SF).empty());
  // Vouched to be of one file, the file's name is written once and copied: the same bytes.
  EXPECT_EQ(Pieces.format(OfOther, &Other, /*OneFile=*/true).text(), B.text());
  JsonPieces::write(JoinedOS, {"", A.text(), "", B.text(), C.text(), ""});
  EXPECT_EQ(Joined, Whole);
  EXPECT_NE(Whole.find("\"other/Dockerfile\""), std::string::npos);
  // The same findings appended to one piece a run of one file at a time (each vouched to be
  // of one file), with empty runs between them: the same bytes.
  JsonPiece One;
  Pieces.append(One, {}, &Fx.SF, /*OneFile=*/true);
  EXPECT_TRUE(One.empty());
  llvm::ArrayRef<Finding> Rest = All;
  while (!Rest.empty()) {
    size_t N = 1;
    while (N < Rest.size() && Rest[N].File == Rest[0].File)
      ++N;
    const SourceFile *SF = Rest[0].File == "other/Dockerfile" ? &Other : &Fx.SF;
    Pieces.append(One, Rest.take_front(N), SF, /*OneFile=*/true);
    Pieces.append(One, {}, SF, /*OneFile=*/true);
    Rest = Rest.drop_front(N);
  }
  std::string Appended;
  llvm::raw_string_ostream AppendedOS(Appended);
  JsonPieces::write(AppendedOS, {"", One.text(), ""});
  EXPECT_EQ(Appended, Whole);
  JsonPieces::write(EmptyOS, {"", ""});
  std::string None;
  llvm::raw_string_ostream NoneOS(None);
  writeJson(NoneOS, {}, Fx.Rules, Opts);
  EXPECT_EQ(Empty, None);
  EXPECT_EQ(Pieces.aliases("DL9999").size(), 0U);
}

// Written to a file descriptor by writev(), more pieces than one writev() takes (IOV_MAX, 1024
// on Linux) and with empty ones among them, the report is the stream writer's byte for byte and
// comes after what the stream held before.
TEST(JsonWriterTest, PiecesWrittenToAFileDescriptorAreTheStreamsBytes) {
  std::vector<std::string> Owned;
  Owned.reserve(1500);
  for (int I = 0; I < 1500; ++I)
    Owned.push_back(I % 7 == 3 ? "" : "    {\"n\": " + std::to_string(I) + "}");
  std::vector<llvm::StringRef> Pieces(Owned.begin(), Owned.end());
  std::string Want = "before\n";
  llvm::raw_string_ostream WantOS(Want);
  JsonPieces::write(WantOS, Pieces);
  WantOS.flush();

  std::FILE *Tmp = std::tmpfile();
  ASSERT_NE(Tmp, nullptr);
  int Fd = fileno(Tmp);
  {
    llvm::raw_fd_ostream OS(Fd, /*shouldClose=*/false);
    OS << "before\n"; // still in OS's buffer: the writer must flush it first
    EXPECT_FALSE(JsonPieces::write(OS, Fd, Pieces));
  }
  std::string Got(Want.size() + 16, '\0');
  ssize_t N = ::pread(Fd, Got.data(), Got.size(), 0);
  ASSERT_GE(N, 0);
  Got.resize(size_t(N));
  EXPECT_EQ(Got, Want);
  std::fclose(Tmp);

  // A descriptor that cannot be written is an error, not a silent loss.
  llvm::raw_null_ostream Null;
  EXPECT_TRUE(JsonPieces::write(Null, -1, Pieces));
}

TEST(JsonWriterTest, StringsAreEscapedExactlyAsNlohmannDoes) {
  // The writer streams its output by hand; every string must come out as nlohmann's serializer
  // (dump with ensure_ascii=false and the replace handler) writes it.
  std::vector<std::string> Texts = {
      "plain",
      "",
      "quote \" backslash \\ slash /",
      std::string("controls \b\f\n\r\t \x01\x1f \x7f end"),
      std::string("nul \0 inside", 12),
      "utf-8 \xC3\xA9t\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x90\xB3",
      "truncated \xE2\x9C",
      "lone continuation \x80 and \xC0\xAF overlong",
      "mixed \"\xC3\xA9\"\n\xff",
      std::string(100, 'x'),
  };
  // One special byte at every position of strings of 20 to 140 bytes, so the 64-, 32-, 16- and
  // 8-byte fast paths and the overlapping last sixteen or thirty-two meet it at each offset.
  for (size_t Size : {20u, 40u, 75u, 140u})
    for (char Special : {'"', '\\', '\n', '\x01', '\x7f', '\xff'})
      for (size_t At = 0; At < Size; ++At) {
        std::string T(Size, 'a');
        T[At] = Special;
        Texts.push_back(T);
      }
  // Two escapes: the second meets the fast paths right after the first (whose output is longer
  // than its input, so the bytes written before it are no longer a copy of the input's).
  for (size_t A = 0; A < 75; A += 3)
    for (size_t B = A + 1; B < 75; B += 4) {
      std::string T(75, 'b');
      T[A] = '\n';
      T[B] = '"';
      Texts.push_back(T);
    }
  for (size_t B = 0; B < 140; B += 5) {
    std::string T(140, 'c');
    T[B] = '\t';
    T[139 - B / 2] = '\\';
    Texts.push_back(T);
  }
  for (const std::string &T : Texts) {
    Finding F;
    F.File = T;
    F.Begin = {1, 1};
    F.End = {1, 2};
    F.RuleId = "DL3000";
    F.Message = T;
    F.FixIt = Fix{T, {TextEdit{{0, 0}, T}}};
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeJson(OS, {F}, {}, ReportOptions());
    OS.flush();

    using Json = nlohmann::ordered_json;
    Json Edit = Json::object();
    Edit["offset"] = 0;
    Edit["length"] = 0;
    Edit["replacement"] = T;
    Json Fx = Json::object();
    Fx["title"] = T;
    Fx["edits"] = Json::array({Edit});
    Json J = Json::object();
    J["file"] = T;
    J["line"] = 1;
    J["column"] = 1;
    J["end_line"] = 1;
    J["end_column"] = 2;
    J["rule"] = "DL3000";
    J["aliases"] = Json::array();
    J["severity"] = "warning";
    J["message"] = T;
    J["fix"] = Fx;
    Json Root = Json::object();
    Root["findings"] = Json::array({J});
    EXPECT_EQ(Out, Root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n") << T;
  }
}

TEST(JsonWriterTest, RecurringStringsAreNeverTakenForOneAnother) {
  // Messages and titles that recur are copied from what the thread escaped before: strings of
  // one size and the same first and last eight bytes, differing in between, must not be taken
  // for one another, in one report or the next.
  std::vector<std::string> Texts;
  for (char Mid : {'a', 'b', '"', '\n'})
    for (size_t Size : {8u, 9u, 17u, 40u, 130u}) {
      std::string T(Size, 'x');
      T[Size / 2] = Mid;
      Texts.push_back(T);
    }
  std::vector<Finding> Fs;
  for (size_t Round = 0; Round < 3; ++Round)
    for (size_t I = 0; I < Texts.size(); ++I) {
      Finding F;
      F.File = "Dockerfile";
      F.Begin = {unsigned(I + 1), 1};
      F.End = {unsigned(I + 1), 2};
      F.RuleId = "DL3000";
      F.Message = Texts[(I * 7 + Round) % Texts.size()];
      F.FixIt = Fix{Texts[(I * 3 + Round) % Texts.size()], {}};
      Fs.push_back(std::move(F));
    }
  for (size_t Report = 0; Report < 2; ++Report) {
    JsonPieces Whole({});
    JsonPiece All = Whole.format(Fs, nullptr, /*OneFile=*/true);
    auto J = nlohmann::json::parse("[" + All.text().str() + "]");
    ASSERT_EQ(J.size(), Fs.size());
    for (size_t I = 0; I < Fs.size(); ++I) {
      EXPECT_EQ(J[I]["message"], Fs[I].Message) << I;
      EXPECT_EQ(J[I]["fix"]["title"], Fs[I].FixIt->Title) << I;
    }
    for (Finding &F : Fs) // the next report's strings differ where this one's were
      std::reverse(F.Message.begin(), F.Message.end());
  }
}

TEST(JsonWriterTest, NumbersOfEveryWidth) {
  // Numbers are written without a library call: every width up to the largest line, column and
  // offset must come out as the library prints it.
  using Json = nlohmann::ordered_json;
  for (unsigned N : {0u, 9u, 10u, 99u, 100u, 999u, 1000u, 9999u, 10000u, 65536u, 1234567u,
                     100000000u, 4294967295u}) {
    Finding F;
    F.File = "Dockerfile";
    F.Begin = {N, N};
    F.End = {N, N};
    F.RuleId = "DL3000";
    F.Message = "m";
    F.FixIt = Fix{"t", {TextEdit{{N, N}, "r"}}};
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    writeJson(OS, {F}, {}, ReportOptions());
    OS.flush();
    Json Edit = Json::object();
    Edit["offset"] = N;
    Edit["length"] = 0;
    Edit["replacement"] = "r";
    Json J = Json::object();
    J["file"] = "Dockerfile";
    J["line"] = N;
    J["column"] = N;
    J["end_line"] = N;
    J["end_column"] = N;
    J["rule"] = "DL3000";
    J["aliases"] = Json::array();
    J["severity"] = "warning";
    J["message"] = "m";
    J["fix"] = Json::object({{"title", "t"}, {"edits", Json::array({Edit})}});
    Json Root = Json::object();
    Root["findings"] = Json::array({J});
    EXPECT_EQ(Out, Root.dump(2, ' ', false) + "\n") << N;
  }
}

} // namespace
} // namespace ballast::report
