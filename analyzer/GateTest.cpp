//===- GateTest.cpp - --fail-on and .dive-ci parsing and evaluation -------===//
#include "analyzer/Gate.h"

#include <cmath>

#include <gtest/gtest.h>

using namespace ballast;
using namespace ballast::analyzer;

namespace {
uint64_t bytes(llvm::StringRef S) {
  auto B = parseBytes(S);
  EXPECT_TRUE(bool(B)) << S.str();
  return B ? *B : 0;
}
std::string err(llvm::Error E) { return llvm::toString(std::move(E)); }
} // namespace

TEST(GateTest, ParseBytesLikeGoHumanize) {
  EXPECT_EQ(bytes("20MB"), 20000000u);
  EXPECT_EQ(bytes("20 mb"), 20000000u);
  EXPECT_EQ(bytes("20MiB"), 20971520u);
  EXPECT_EQ(bytes("1.5GB"), 1500000000u);
  EXPECT_EQ(bytes("512"), 512u);
  EXPECT_EQ(bytes("1,000 kB"), 1000000u);
  EXPECT_EQ(bytes("3.9KB"), 3900u);
  EXPECT_EQ(err(parseBytes("20XB").takeError()),
            "unknown unit 'xb' in '20XB'; use B, kB, MB, GB, KiB, MiB, GiB");
  EXPECT_EQ(err(parseBytes("MB").takeError()),
            "invalid size 'MB'; write a number with an optional unit, e.g. 20MB");
}

TEST(GateTest, FailOnRules) {
  auto R = parseFailOn("efficiency<0.95, wasted>20MB,user-wasted>10%,dive.efficiency<=95%");
  ASSERT_TRUE(bool(R)) << err(R.takeError());
  ASSERT_EQ(R->size(), 4u);
  EXPECT_EQ((*R)[0].Metric, GateRule::Efficiency);
  EXPECT_EQ((*R)[0].Op, GateRule::Less);
  EXPECT_DOUBLE_EQ((*R)[0].Value, 0.95);
  EXPECT_EQ((*R)[1].Metric, GateRule::Wasted);
  EXPECT_DOUBLE_EQ((*R)[1].Value, 20e6);
  EXPECT_EQ((*R)[1].Name, "wasted>20MB");
  EXPECT_EQ((*R)[2].Metric, GateRule::UserWasted);
  EXPECT_DOUBLE_EQ((*R)[2].Value, 0.10);
  EXPECT_TRUE((*R)[3].Dive);
  EXPECT_EQ((*R)[3].Op, GateRule::LessEq);
  EXPECT_EQ(err(parseFailOn("efficiency=0.9").takeError()),
            "--fail-on rule 'efficiency=0.9' has no comparison; write METRIC<VALUE or "
            "METRIC>VALUE, e.g. efficiency<0.95");
  EXPECT_EQ(err(parseFailOn("size>1").takeError()),
            "--fail-on rule 'size>1': unknown metric 'size'; use efficiency, wasted or "
            "user-wasted (dive.-prefixed for dive's)");
  EXPECT_EQ(err(parseFailOn("efficiency<high").takeError()),
            "--fail-on rule 'efficiency<high': 'high' is not a number; write 0.95 or 95%");
}

TEST(GateTest, DiveCiFile) {
  auto R = parseDiveCi("rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n"
                       "  highestUserWastedPercent: disabled\n",
                       ".dive-ci");
  ASSERT_TRUE(bool(R)) << err(R.takeError());
  ASSERT_EQ(R->size(), 2u);
  EXPECT_EQ((*R)[0].Name, "rules.lowestEfficiency");
  EXPECT_TRUE((*R)[0].Dive);
  EXPECT_EQ((*R)[1].Metric, GateRule::Wasted);
  EXPECT_DOUBLE_EQ((*R)[1].Value, 20e6);
  auto Empty = parseDiveCi("plugins: []\n", ".dive-ci");
  ASSERT_TRUE(bool(Empty));
  EXPECT_TRUE(Empty->empty());
  EXPECT_EQ(err(parseDiveCi("rules:\n  lowestEfficiency: [1\n", ".dive-ci").takeError())
                .rfind(".dive-ci:", 0),
            0u);
  EXPECT_EQ(err(parseDiveCi("rules:\n  lowestEfficency: 0.9\n", ".dive-ci").takeError()),
            ".dive-ci:2:20: unknown rule 'lowestEfficency'; dive knows lowestEfficiency, "
            "highestWastedBytes and highestUserWastedPercent");
}

TEST(GateTest, EvaluateExactAndDiveFigures) {
  Analysis A;
  A.Efficiency = 0.9;
  A.WastedBytes = 30000000;
  A.UserWastedPercent = 0.05;
  A.Dive.Efficiency = 0.97;
  A.Dive.WastedBytes = 1000;
  A.Dive.UserWastedPercent = std::nan(""); // a one-layer image: dive divides 0 by 0
  auto R = parseFailOn("efficiency<0.95,wasted>20MB,user-wasted>10%,dive.efficiency<0.95,"
                       "dive.user-wasted>0");
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(evaluateGate(*R, A),
            (std::vector<std::string>{
                "rule efficiency<0.95 failed: efficiency is 0.9, < 0.95",
                "rule wasted>20MB failed: wasted bytes is 30000000 (30 MB), > 20000000 (20 MB)"}));
}
