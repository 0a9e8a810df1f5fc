#include "support/SourceFile.h"
#include "support/Errors.h"

#include <gtest/gtest.h>

using namespace ballast;

TEST(SourceFileTest, LineColOfOffsets) {
  SourceFile SF("f", "ab\ncd\n\nx");
  EXPECT_EQ(SF.lineCount(), 4u);
  EXPECT_EQ(SF.lineCol(0), (LineCol{1, 1}));
  EXPECT_EQ(SF.lineCol(2), (LineCol{1, 3}));
  EXPECT_EQ(SF.lineCol(3), (LineCol{2, 1}));
  EXPECT_EQ(SF.lineCol(7), (LineCol{4, 1}));
  EXPECT_EQ(SF.lineText(2), "cd");
  EXPECT_EQ(SF.lineText(3), "");
}

TEST(SourceFileTest, DiagnosticFormatHasCaret) {
  SourceFile SF("Dockerfile", "FROM x\n\tRUN bad\n");
  Diagnostic D{"Dockerfile", SF.lineCol(8), {8, 11}, "unknown thing"};
  EXPECT_EQ(D.format(&SF), "Dockerfile:2:2: unknown thing\n\tRUN bad\n\t^");
}
