//===- InspectTest.cpp - Docker's sizes, durations and tables -------------===//
#include "store/Inspect.h"

#include <gtest/gtest.h>

using namespace ballast::store;

TEST(HumanSize, MatchesGoUnits) {
  EXPECT_EQ(humanSize(0), "0B");
  EXPECT_EQ(humanSize(999), "999B");
  EXPECT_EQ(humanSize(1000), "1kB");
  EXPECT_EQ(humanSize(1234), "1.23kB");
  EXPECT_EQ(humanSize(4261550), "4.26MB");
  EXPECT_EQ(humanSize(4261550, 4), "4.262MB");
  EXPECT_EQ(humanSize(77800000), "77.8MB");
  EXPECT_EQ(humanSize(1200000000), "1.2GB");
}

TEST(HumanDuration, MatchesGoUnits) {
  EXPECT_EQ(humanDuration(0), "Less than a second");
  EXPECT_EQ(humanDuration(1), "1 second");
  EXPECT_EQ(humanDuration(59), "59 seconds");
  EXPECT_EQ(humanDuration(60), "About a minute");
  EXPECT_EQ(humanDuration(45 * 60), "45 minutes");
  EXPECT_EQ(humanDuration(3600), "About an hour");
  EXPECT_EQ(humanDuration(2 * 3600), "2 hours");
  EXPECT_EQ(humanDuration(3 * 86400), "3 days");
  EXPECT_EQ(humanDuration(20 * 86400), "2 weeks");
  EXPECT_EQ(humanDuration(90 * 86400), "3 months");
  EXPECT_EQ(humanDuration(800 * 86400), "2 years");
}

TEST(Rfc3339, ParsesZonesAndFractions) {
  EXPECT_EQ(parseRfc3339("1970-01-01T00:00:10Z"), 10);
  EXPECT_EQ(parseRfc3339("1970-01-01T01:00:10.123456789+01:00"), 10);
  EXPECT_EQ(parseRfc3339("yesterday"), std::nullopt);
  EXPECT_EQ(createdSince("1970-01-01T00:00:00Z", 7200), "2 hours ago");
  EXPECT_EQ(createdSince("", 7200), "N/A");
  EXPECT_EQ(createdAt("2024-01-02T03:04:05.5Z"), "2024-01-02 03:04:05 +0000 UTC");
}

TEST(Tabulate, PadsLikeGoTabwriterWithDockerSettings) {
  EXPECT_EQ(tabulate({"REPOSITORY\tTAG\tSIZE", "busybox\tlatest\t4.26MB"}),
            "REPOSITORY   TAG       SIZE\n"
            "busybox      latest    4.26MB\n");
  EXPECT_EQ(tabulate({"A\tB\t", "ccccccccccc\t\t"}), "A             B         \n"
                                                     "ccccccccccc             \n");
}

TEST(Ellipsis, CutsAtRunes) {
  EXPECT_EQ(ellipsis("short", 45), "short");
  EXPECT_EQ(ellipsis("abcdef", 4), "abc\xe2\x80\xa6");
}
