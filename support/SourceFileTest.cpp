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

TEST(SourceFileTest, LineStartsOfEveryShapeOfText) {
  // Texts of every length up to 400 bytes (blocks of 128, 64 and 32 bytes and the rest), from all
  // newlines (more lines than the table is first sized for) to none, with and without a final
  // newline: each line start must be found once, by the AVX2 loop (where the processor has it)
  // and by the SSE2 one.
  const bool Wide = detail::WideLineScan;
  for (bool UseWide : {false, Wide}) {
    detail::WideLineScan = UseWide;
    for (unsigned Len = 0; Len <= 400; ++Len)
      for (unsigned Every : {1u, 2u, 3u, 17u, 31u, 32u, 33u, 63u, 64u, 65u, 129u, 1000u}) {
        std::string T;
        for (unsigned I = 0; I < Len; ++I)
          T += (I % Every == Every - 1 || Every == 1) ? '\n' : 'x';
        SourceFile SF("f", T);
        unsigned Line = 1;
        for (size_t I = 0; I + 1 < T.size(); ++I)
          if (T[I] == '\n') {
            ++Line;
            ASSERT_EQ(SF.lineStart(Line), I + 1) << Len << " " << Every << " " << UseWide;
          }
        ASSERT_EQ(SF.lineCount(), Line) << Len << " " << Every << " " << UseWide;
      }
  }
  detail::WideLineScan = Wide;
}
