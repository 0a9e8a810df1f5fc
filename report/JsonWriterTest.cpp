//===- JsonWriterTest.cpp -------------------------------------------------===//
#include "report/JsonWriter.h"

#include <gtest/gtest.h>

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

} // namespace
} // namespace ballast::report
