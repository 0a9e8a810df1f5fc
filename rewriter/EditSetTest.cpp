//===- EditSetTest.cpp ----------------------------------------------------===//
#include "rewriter/EditSet.h"
#include "rewriter/Fixer.h"

#include <gtest/gtest.h>

using namespace ballast;
using namespace ballast::rewriter;

TEST(EditSetTest, AppliesEditsAndKeepsOtherBytes) {
  EditSet E;
  EXPECT_TRUE(E.add({{4, 7}, "COPY"}));
  EXPECT_TRUE(E.add({{0, 0}, "# x\n"}));
  EXPECT_EQ(E.apply("FRM ADD a b\n"), "# x\nFRM COPY a b\n");
}

TEST(EditSetTest, RefusesOverlapsAndWholeFixes) {
  EditSet E;
  EXPECT_TRUE(E.add({{2, 5}, "x"}));
  EXPECT_FALSE(E.add({{4, 6}, "y"}));
  EXPECT_FALSE(E.add({{3, 3}, "inside"}));
  Fix F{"two", {{{10, 11}, "a"}, {{1, 3}, "b"}}};
  EXPECT_FALSE(E.addFix(F)); // the second edit overlaps: nothing of F is added
  EXPECT_EQ(E.size(), 1u);
}

TEST(EditSetTest, UnifiedDiffHasHunksWithContext) {
  std::string A = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n";
  std::string B = "l1\nl2\nl3\nL4\nl5\nl6\nl7\nl8\n";
  EXPECT_EQ(unifiedDiff("Dockerfile", A, B),
            "--- a/Dockerfile\n+++ b/Dockerfile\n"
            "@@ -1,7 +1,7 @@\n l1\n l2\n l3\n-l4\n+L4\n l5\n l6\n l7\n");
  EXPECT_EQ(unifiedDiff("Dockerfile", A, A), "");
  EXPECT_EQ(
      unifiedDiff("f", "a", "b"),
      "--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline "
      "at end of file\n");
}

TEST(FixerTest, RollsBackARoundThatBreaksParsing) {
  // A toy analyzer: text parses while it has no '!', one finding per 'x' with a fix to 'y' or '!'.
  auto Analyze = [](const std::string &T) {
    Snapshot S;
    S.Parses = T.find('!') == std::string::npos;
    for (uint32_t I = 0; I < T.size(); ++I)
      if (T[I] == 'x' || T[I] == 'z') {
        Finding F;
        F.RuleId = T[I] == 'x' ? "GOOD" : "BAD";
        F.FixIt = Fix{"f", {{{I, I + 1}, T[I] == 'x' ? "y" : "!"}}};
        S.Findings.push_back(F);
      }
    return S;
  };
  auto All = [](const Finding &) { return true; };
  auto Never = [](const Finding &) { return false; };
  FixResult R = fixToFixPoint("axbx", Analyze, All, Never);
  EXPECT_EQ(R.Text, "ayby");
  EXPECT_EQ(R.Applied, 2u);
  EXPECT_EQ(R.Refused, "");
  R = fixToFixPoint("axz", Analyze, All, Never);
  EXPECT_EQ(R.Text, "axz");
  EXPECT_EQ(R.Refused, "the fixed file would not parse");
  R = fixToFixPoint("ax!", Analyze, All, Never);
  EXPECT_EQ(R.Text, "ax!"); // never touch a file that does not parse to begin with
}
